"""Peak memory of cold runs against the batch size: is it under the target and flat?

    .venv/bin/python bench/memory.py --packages 100,1000 [--jobs 2] [--base 20] [--format json,md,junit]

Generates ``--base`` packages shaped like real ones (``bench/genbatch.py``), then for each N a
batch of N packages made of hard links to them (cycled; a few GB of disk for any N), and runs
``sopcheck check --no-cache`` on it: every package is read cold (hashed, photos decoded, sheet
OCRed), since nothing is kept between packages or runs. The whole process tree's memory is sampled
as in ``throughput.py`` (summed PSS, and the largest single process's RSS).

The targets of issue 6: peak memory under 500 MB, and flat from 100 to 1,000 packages (here: the
peak at the largest N at most 1.25 x the peak at the smallest).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genbatch  # noqa: E402
from throughput import (  # noqa: E402
    TARGET_FLAT,
    TARGET_PEAK_MB,
    TreeSampler,
    _fmt,
    _machine,
    hardlinked_batch,
)


def cold_run(batch: Path, jobs: int, formats: str) -> tuple[float, float, float]:
    """(seconds, peak tree PSS MB, largest process RSS MB) of a cold ``sopcheck check``."""
    import subprocess
    import time

    out = Path(tempfile.mkdtemp(prefix="sopcheck-bench-report-"))
    cmd = [sys.executable, "-m", "sopcheck.cli", "check", str(batch), "--out", str(out),
           "--jobs", str(jobs), "--no-cache", "--quiet", "--as-of", "2025-01-01",
           "--format", formats]  # fmt: skip
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeSampler(proc.pid) as s:
        _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"sopcheck ended with exit code {proc.returncode}")
    return seconds, s.peak, s.largest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", "-n", default="100,1000", help="batch sizes, comma-separated")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument("--base", type=int, default=20, help="distinct packages generated")
    ap.add_argument("--format", default="json,md,junit", help="report formats written")
    a = ap.parse_args(argv)
    sizes = sorted(int(x) for x in a.packages.split(","))
    work = Path(tempfile.mkdtemp(prefix="sopcheck-bench-mem-"))
    rows = []
    try:
        base = work / "base"
        genbatch.generate(base, a.base)
        for n in sizes:
            batch = hardlinked_batch(base, n)
            if batch is None:
                raise SystemExit("hard links are not possible in the temporary folder")
            seconds, peak, largest = cold_run(batch, a.jobs, a.format)
            print(f"  {n} packages cold: {seconds:.0f} s, {peak:.0f} MB", file=sys.stderr)
            rows.append((n, seconds, peak, largest))
            shutil.rmtree(batch.parent, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n## cold runs, --jobs {a.jobs}, --no-cache, formats {a.format}; {_machine()}\n")
    print("| packages | seconds | peak tree PSS MB | largest process MB |")
    print("|---:|---:|---:|---:|")
    for n, seconds, peak, largest in rows:
        print(f"| {n:,} | {seconds:.0f} | {_fmt(peak)} | {_fmt(largest)} |")
    worst = max(r[2] for r in rows)
    ok = worst < TARGET_PEAK_MB
    print(f"\npeak memory {worst:.0f} MB (target < {TARGET_PEAK_MB:.0f}): "
          f"{'MET' if ok else 'NOT MET'}")  # fmt: skip
    if len(rows) > 1:
        ratio = rows[-1][2] / rows[0][2]
        flat = ratio <= TARGET_FLAT
        ok &= flat
        print(f"{rows[0][0]:,} -> {rows[-1][0]:,} packages: {ratio:.2f}x (flat means <= "
              f"{TARGET_FLAT}x): {'MET' if flat else 'NOT MET'}")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
