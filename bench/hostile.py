"""How long the hostile corpus takes: building it, checking it (cold, no cache), per package.

    python bench/hostile.py [--jobs 2] [--keep DIR]

The corpus is ``tests/hostile.py`` (one package per case: bombs, 100 MB sparse file, 5,000-page
PDFs, 10,000 files...). Every limit stays at its default, so this shows what the limits cost: a
run that a hostile package cannot stretch beyond a few seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main(argv: list[str] | None = None) -> int:
    import builders
    import hostile

    import sopcheck

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", metavar="DIR", help="build the corpus here and keep it")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sopcheck-hostile-") as tmp:
        root = Path(args.keep or tmp) / "batch"
        t0 = time.perf_counter()
        built = hostile.build(root)
        t1 = time.perf_counter()
        res = sopcheck.check(root, rules=builders.default_pack(), as_of=builders.AS_OF,
                             jobs=args.jobs, cache=False)  # fmt: skip
        t2 = time.perf_counter()
    crashed = [p.id for p in res.packages for f in p.findings if f.message_id == "engine.crash"]
    print(f"cases: {len(built)} packages ({sum(isinstance(c, hostile.Unavailable) for c in built.values())} "
          f"unavailable here), {len(res.skipped)} root entries skipped")  # fmt: skip
    print(f"build: {t1 - t0:.1f} s")
    print(f"check: {t2 - t1:.1f} s with --jobs {args.jobs}, no cache "
          f"({(t2 - t1) / len(res.packages):.2f} s per package)")  # fmt: skip
    print(f"crashed packages: {len(crashed)}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
