"""CPU time of the free-form sheet reader's steps, replayed on the calls a batch's sheets make.

    .venv/bin/python bench/genbatch.py /tmp/b --packages 8
    .venv/bin/python bench/replay.py /tmp/b [--repeat 5]

``stages.py`` times a whole cold package, where a change of a few ms in the ink readers drowns in
the noise of decoding, deskewing and Tesseract. This reads the batch's approval sheets once
(the first package's left out, as in ``stages.py``), records the arguments of each call to the
steps below, then runs every recorded call again ``--repeat`` times and prints the best CPU time
per package of each step. Used for the fifth pass in bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

STEPS = (
    ("sopcheck.extract.sheet_signature", "trim_region", "signature area trimmed (trim_region)"),
    ("sopcheck.extract.sheet_signature", "judge_signature", "signature ink (judge_signature)"),
    ("sopcheck.extract.sheet_decision", "read_decision", "decision boxes (read_decision)"),
    ("sopcheck.extract.sheet_dates", "read_block_date", "dates (read_block_date)"),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("batch", type=Path, help="a batch made by bench/genbatch.py")
    ap.add_argument("--repeat", type=int, default=5, help="replays of each step (best is kept)")
    a = ap.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import importlib

    import sopcheck
    from sopcheck.extract import sheet
    from sopcheck.extract.sheets import read_sheet

    recorded: dict[str, list] = {label: [] for _m, _f, label in STEPS}
    real = {}
    for mod_name, fn_name, label in STEPS:
        fn = getattr(importlib.import_module(mod_name), fn_name)
        real[label] = fn

        def record(*args, _fn=fn, _label=label, **kw):
            recorded[_label].append((args, kw))
            return _fn(*args, **kw)

        setattr(sheet, fn_name, record)  # the free-form reader calls them through ``sheet``
    pack = sopcheck.load_rulepack()
    sheets = sorted(a.batch.glob("*/persetujuan.*"))[1:]
    for path in sheets:
        read_sheet(path, path.name, pack)
    for _m, fn_name, label in STEPS:
        setattr(sheet, fn_name, real[label])
    k = max(1, len(sheets))
    print(f"{k} sheets; CPU ms per package (best of {a.repeat} replays)\n")
    print(f"| {'step':<40} | {'CPU':>6} | {'calls / package':>15} |")
    print(f"|{'-' * 42}|{'-' * 7}:|{'-' * 16}:|")
    for _m, _f, label in STEPS:
        best = float("inf")
        for _ in range(a.repeat):
            c0 = time.process_time()
            for args, kw in recorded[label]:
                real[label](*args, **kw)
            best = min(best, time.process_time() - c0)
        n = len(recorded[label])
        print(f"| {label:<40} | {1000 * best / k:>6.1f} | {n / k:>15.2g} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
