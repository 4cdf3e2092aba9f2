"""Throughput of sopcheck against the bare-Tesseract bound, side by side in one run.

    .venv/bin/python bench/throughput.py --packages 100 [--jobs 2] [--batch DIR] [--keep DIR]
    .venv/bin/python bench/throughput.py --packages 100,1000      # memory flatness 100 -> 1,000
    .venv/bin/python bench/throughput.py --packages 20 --flatness # the same from warm runs
                                                                  # over 100 and 1,000 hard links

For each N it generates a batch (``bench/genbatch.py``; generation time is not counted), then
measures on the same machine, one after the other:

1. the bound: every package's approval sheet through the ``tesseract`` CLI with sopcheck's OCR
   settings (``-l ind+eng --psm 3``, TSV output, ``OMP_THREAD_LIMIT=1``), ``--jobs`` at a time;
2. ``sopcheck check`` cold (a new empty cache) with ``--jobs 1`` and with ``--jobs N``;
3. ``sopcheck check`` warm: again with the cache of run 2 (nothing changed);
4. peak memory of a run's whole process tree (sopcheck, its workers, their Tesseract children):
   the warm runs and one more cold ``--jobs N`` run of its own, "memory sampled" (the sampler
   costs the machine about 3%, so the timed cold runs are not sampled, like the bound),
   sampled every 0.1 s as the sum of PSS (proportional set size: shared pages are split between
   the processes that share them, so forked workers are not counted twice), and the largest
   single process's RSS;
   the CPU time of each run's process tree (``getrusage(RUSAGE_CHILDREN)``: user + system of every
   descendant), per package: unlike wall time, it hardly depends on what else the machine runs;
   and the Tesseract calls per sheet by kind (a ``tesseract`` shim first on ``PATH`` logs each
   call's arguments, then runs the real one);
5. photo handling per 12 MP photo in this process: SHA-256 of the file, EXIF and the decode for
   the perceptual hash (``sopcheck.extract.photos.read_photo``), i.e. a cold run's work per photo.

Then it prints the ratios against the targets of issue 6.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
import genbatch  # noqa: E402

TARGET_BOUND_RATIO = 0.85
TARGET_WARM_1000_S = 10.0
TARGET_PEAK_MB = 500.0
TARGET_PHOTO_MS = 30.0
TARGET_FLAT = 1.25
"""Peak memory at the largest N at most this many times that at the smallest N counts as flat."""


@dataclass(frozen=True, kw_only=True)
class Run:
    """One measured run."""

    label: str
    seconds: float
    packages: int
    peak_pss_mb: float | None = None
    """Peak of the process tree's summed PSS, MB."""
    max_rss_mb: float | None = None
    """Largest single process's peak RSS, MB."""
    cpu_s: float = 0.0
    """User + system CPU seconds of the whole process tree."""
    tesseract: dict[str, int] | None = None
    """Tesseract calls by kind ('osd', 'psm 3', 'psm 7'...)."""
    rc: int = 0

    @property
    def per_min(self) -> float:
        return 60.0 * self.packages / self.seconds if self.seconds else float("inf")


class TreeSampler:
    """Samples the summed PSS (RSS where PSS is unavailable) of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.1):
        self.root, self.every, self.peak, self.largest = psutil.Process(pid), every, 0.0, 0.0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    m = p.memory_full_info()
                    total += getattr(m, "pss", m.rss)
                    self.largest = max(self.largest, m.rss / 1e6)
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total / 1e6)
            self._stop.wait(self.every)

    def __enter__(self) -> TreeSampler:
        self._t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._t.join()


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


SHIM = """#!/bin/sh
printf '%s\\n' "$*" >> "$SOPCHECK_BENCH_TESS_LOG"
exec {real} "$@"
"""


def tesseract_shim(folder: Path) -> dict[str, str]:
    """Environment with a ``tesseract`` first on PATH that logs its arguments (one line per call)."""
    real = shutil.which("tesseract")
    if real is None:
        raise SystemExit("tesseract not found on PATH")
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "tesseract"
    shim.write_text(SHIM.format(real=real))
    shim.chmod(0o755)
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}",
            "SOPCHECK_BENCH_TESS_LOG": str(folder / "calls.log")}  # fmt: skip


def tesseract_calls(log: Path) -> dict[str, int]:
    """Calls by kind from the shim's log ('--version' and '--list-langs' are not page work)."""
    kinds: dict[str, int] = {}
    lines = log.read_text().splitlines() if log.exists() else []
    for line in lines:
        args = line.split()
        if "--version" in args or "--list-langs" in args:
            continue
        psm = args[args.index("--psm") + 1] if "--psm" in args else "3"
        kind = "osd" if "osd" in args or psm == "0" else f"psm {psm}"
        kinds[kind] = kinds.get(kind, 0) + 1
    log.unlink(missing_ok=True)
    return kinds


def sheets_of(batch: Path) -> list[Path]:
    return sorted(p for p in batch.glob("*/persetujuan*") if p.is_file())


def bare_tesseract(sheets: list[Path], jobs: int, langs: str = "ind+eng") -> Run:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(p: Path) -> int:
        cmd = ["tesseract", str(p), "stdout", "-l", langs, "--psm", "3", "tsv"]
        return subprocess.run(cmd, env=env, capture_output=True).returncode

    cpu0, t0 = _children_cpu(), time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        rcs = list(pool.map(one, sheets))
    return Run(label=f"bare tesseract, {jobs} processes", seconds=time.perf_counter() - t0,
               packages=len(sheets), cpu_s=_children_cpu() - cpu0,
               tesseract={"psm 3": len(sheets)}, rc=max(rcs, default=0))  # fmt: skip


def ocr_copies(sheets: list[Path], folder: Path, dpi: float = 200.0) -> list[Path]:
    """Each sheet as sopcheck's OCR reads it: grey, scaled to ``dpi`` (its A4 long side), an
    uncompressed TIFF (not timed: the input of the second bound)."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, p in enumerate(sheets):
        with Image.open(p) as im:
            g = im.convert("L")
        f = dpi / (max(g.size) / 11.69)
        if f < 1 / 1.2:
            g = g.resize((round(g.width * f), round(g.height * f)), Image.Resampling.BOX)
        q = folder / f"{i:05d}.tif"
        g.save(q, format="TIFF", compression="raw")
        out.append(q)
    return out


def sopcheck_run(
    batch: Path, jobs: int, cache: Path, label: str, n: int, shim: dict, sample: bool = True
) -> Run:
    """One ``sopcheck check`` run; ``sample``: watch its memory (``TreeSampler``), which costs the
    machine about 3% (1.6 CPU-s over a 25 s run of 40 packages, in this process): timed runs are
    not sampled, like the bound, and the memory comes from a run of its own."""
    out = Path(tempfile.mkdtemp(prefix="sopcheck-bench-report-"))
    cmd = [sys.executable, "-m", "sopcheck.cli", "check", str(batch), "--out", str(out),
           "--jobs", str(jobs), "--cache", str(cache), "--quiet", "--as-of", "2025-01-01"]  # fmt: skip
    cpu0, t0 = _children_cpu(), time.perf_counter()
    env = {**os.environ, **shim}
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    s = TreeSampler(proc.pid) if sample else None
    with s or contextlib.nullcontext():
        _, err = proc.communicate()
    seconds, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    shutil.rmtree(out, ignore_errors=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace"))
        raise SystemExit(f"{label}: sopcheck ended with exit code {proc.returncode}")
    return Run(label=label, seconds=seconds, packages=n, peak_pss_mb=s and s.peak,
               max_rss_mb=s and s.largest,
               cpu_s=cpu, tesseract=tesseract_calls(Path(shim["SOPCHECK_BENCH_TESS_LOG"])),
               rc=proc.returncode)  # fmt: skip


WARM_N = 1000
FLAT_N = (100, 1000)
"""Batch sizes of the ``--flatness`` memory table (warm runs over hard-linked packages)."""


def hardlinked_batch(batch: Path, count: int) -> Path | None:
    """A batch of ``count`` packages made of hard links to ``batch``'s packages (cycled), beside it.

    Same bytes, so the extraction cache holds every result; new paths, so each file is hashed
    once more (by the priming run). None when hard links are not possible there."""
    pkgs = sorted(d for d in batch.iterdir() if d.is_dir())
    root = Path(tempfile.mkdtemp(prefix="sopcheck-bench-wide-", dir=batch.parent)) / "batch"
    try:
        for k in range(count):
            src = pkgs[k % len(pkgs)]
            dst = root / f"{src.name}-copy{k:05d}"
            for f in src.rglob("*"):
                if f.is_file():
                    (dst / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
                    os.link(f, dst / f.relative_to(src))
    except OSError as e:
        print(f"  no hard-linked batch ({e}): warm 1,000 is scaled", file=sys.stderr)
        shutil.rmtree(root.parent, ignore_errors=True)
        return None
    return root


def photo_ms(batch: Path, limit: int = 60) -> tuple[float, float, int]:
    """Mean wall and CPU ms per photo for SHA-256 + EXIF + hash decode, over ``limit`` photos."""
    from zoneinfo import ZoneInfo

    from sopcheck.discover import sha256_file
    from sopcheck.extract.photos import read_photo

    photos = sorted(batch.glob("*/foto/*.jpg"))[:limit]
    tz = ZoneInfo("Asia/Jakarta")
    read_photo(photos[0], photos[0].name, tz)  # imports and first-call costs out of the timing
    t0, c0 = time.perf_counter(), time.process_time()
    for p in photos:
        sha256_file(p)
        info = read_photo(p, p.name, tz)
        assert info.error is None and info.phash, (p, info.error)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return 1000 * wall / len(photos), 1000 * cpu / len(photos), len(photos)


def measure(
    n: int,
    jobs: int,
    batch: Path | None,
    keep: Path | None,
    dpi: int = 300,
    flatness: bool = False,
    body: str = "verification",
) -> dict:
    work = Path(tempfile.mkdtemp(prefix="sopcheck-bench-"))
    try:
        generated = batch is None
        if batch is None:
            batch = (keep or work) / f"batch-{n}"
            t0 = time.perf_counter()
            info = genbatch.generate(batch, n, dpi=dpi, body=body)
            print(f"generated {n} packages, {info['bytes'] / 1e9:.2f} GB in "
                  f"{time.perf_counter() - t0:.1f} s (not counted)", file=sys.stderr)  # fmt: skip
        n = len([d for d in batch.iterdir() if d.is_dir()])
        runs = [bare_tesseract(sheets_of(batch), jobs)]
        print(f"  {runs[-1].label}: {runs[-1].seconds:.1f} s", file=sys.stderr)
        shim = tesseract_shim(work / "shim")
        for label, j, cache, sample in (("sopcheck cold, --jobs 1", 1, work / "cache-1", False),
                                        (f"sopcheck cold, --jobs {jobs}", jobs, work / "cache-n", False),
                                        (f"sopcheck warm, --jobs {jobs}", jobs, work / "cache-n", True)):  # fmt: skip
            runs.append(sopcheck_run(batch, j, cache, label, n, shim, sample))
            print(f"  {label}: {runs[-1].seconds:.1f} s", file=sys.stderr)
        flat: list[Run] = []
        for count in sorted({*(FLAT_N if flatness else ()), WARM_N}):
            if count == n:
                if count in FLAT_N and flatness:
                    flat.append(runs[3])
                continue
            wide = hardlinked_batch(batch, count)
            if wide is None:
                continue
            # a real warm run of `count` packages on n packages' worth of disk
            sopcheck_run(wide, jobs, work / "cache-n", "prime", count, shim)  # hashes new paths
            run = sopcheck_run(wide, jobs, work / "cache-n",
                               f"sopcheck warm, {count} packages (hard links)", count, shim)  # fmt: skip
            print(f"  {run.label}: {run.seconds:.1f} s", file=sys.stderr)
            shutil.rmtree(wide.parent, ignore_errors=True)
            if count == WARM_N:
                runs.append(run)
            if flatness and count in FLAT_N:
                flat.append(run)
        mem = sopcheck_run(batch, jobs, work / "cache-m",
                           f"sopcheck cold, --jobs {jobs}, memory sampled", n, shim)  # fmt: skip
        print(f"  {mem.label}: {mem.seconds:.1f} s", file=sys.stderr)
        ms, cpu_ms, k = photo_ms(batch)
        copies = ocr_copies(sheets_of(batch), work / "ocr-input")
        at_ocr = replace(bare_tesseract(copies, jobs), label="bare tesseract, sopcheck's OCR input")
        print(f"  {at_ocr.label}: {at_ocr.seconds:.1f} s", file=sys.stderr)
        return {"n": n, "runs": runs, "mem": mem, "photo_ms": ms, "photo_cpu_ms": cpu_ms, "photos_timed": k,
                "flat": flat, "at_ocr": at_ocr,
                "sheets": f"{body} sheets at {dpi} dpi" if generated else f"sheets of {batch}"}  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fmt(x: float | None, spec: str = ".0f") -> str:
    return "-" if x is None else format(x, spec)


def report(results: list[dict], jobs: int) -> bool:
    ok = True
    for r in results:
        n, runs = r["n"], r["runs"]
        print(f"\n## {n} packages ({jobs} jobs), {r.get('sheets', '')}, {os.cpu_count()} CPUs, "
              f"{_machine()}\n")  # fmt: skip
        print(f"| {'run':<42} | {'seconds':>8} | {'packages/min':>12} | {'CPU s/package':>13} "
              f"| {'peak tree PSS MB':>16} | {'largest process MB':>18} | tesseract calls per sheet |")  # fmt: skip
        print(f"|{'-' * 44}|{'-' * 9}:|{'-' * 13}:|{'-' * 14}:|{'-' * 17}:|{'-' * 19}:|{'-' * 27}|")
        for x in runs:
            calls = ", ".join(
                f"{k} x{v / x.packages:.2g}" for k, v in sorted((x.tesseract or {}).items())
            )
            print(f"| {x.label:<42} | {x.seconds:>8.1f} | {x.per_min:>12.1f} | {x.cpu_s / x.packages:>13.3f} "
                  f"| {_fmt(x.peak_pss_mb):>16} | {_fmt(x.max_rss_mb):>18} | {calls or 'none':<25} |")  # fmt: skip
        mem = r["mem"]
        print(f"| {mem.label:<42} | {mem.seconds:>8.1f} | {mem.per_min:>12.1f} | {mem.cpu_s / mem.packages:>13.3f} "
              f"| {_fmt(mem.peak_pss_mb):>16} | {_fmt(mem.max_rss_mb):>18} | {'(memory only)':<25} |")  # fmt: skip
        at_ocr = r.get("at_ocr")
        if at_ocr is not None:  # not a target: where the gap to the bound is
            print(f"| {at_ocr.label:<42} | {at_ocr.seconds:>8.1f} | {at_ocr.per_min:>12.1f} "
                  f"| {at_ocr.cpu_s / at_ocr.packages:>13.3f} | {'-':>16} | {'-':>18} | psm 3 x1 (200 dpi grey TIFF) |")  # fmt: skip
        bound, cold1, coldn, warm = runs[:4]
        wide = runs[4] if len(runs) > 4 else None
        ratio = coldn.per_min / bound.per_min
        big = warm if n >= WARM_N else wide
        warm_1000 = big.seconds * WARM_N / big.packages if big else warm.seconds * WARM_N / n
        peak = max(x.peak_pss_mb or 0 for x in (*runs[1:], mem))
        checks = [
            (f"cold --jobs {jobs} / bare-Tesseract bound", f"{ratio:.2f}", f">= {TARGET_BOUND_RATIO}",
             ratio >= TARGET_BOUND_RATIO),
            ("warm rerun of 1,000 packages, s" + ("" if big else f" (scaled from {n})"),
             f"{warm_1000:.1f}", f"< {TARGET_WARM_1000_S:.0f}", warm_1000 < TARGET_WARM_1000_S),
            ("peak memory of a run's process tree, MB", f"{peak:.0f}", f"< {TARGET_PEAK_MB:.0f}",
             peak < TARGET_PEAK_MB),
            (f"photo handling, ms per 12 MP photo ({r['photos_timed']} timed)", f"{r['photo_ms']:.1f}",
             f"< {TARGET_PHOTO_MS:.0f}", r["photo_ms"] < TARGET_PHOTO_MS),
            ("  the same, CPU ms (what it costs on a quiet machine)", f"{r['photo_cpu_ms']:.1f}",
             f"< {TARGET_PHOTO_MS:.0f}", None),
            (f"CPU ratio: bare Tesseract / sopcheck cold --jobs {jobs}",
             f"{bound.cpu_s / coldn.cpu_s:.2f}", "-", None),
            (f"speed-up --jobs {jobs} over --jobs 1 (cold)", f"{coldn.per_min / cold1.per_min:.2f}",
             "-", None),
        ]  # fmt: skip
        if at_ocr is not None:
            checks.append((f"cold --jobs {jobs} / bare Tesseract on sopcheck's OCR input",
                           f"{coldn.per_min / at_ocr.per_min:.2f}", "-", None))  # fmt: skip
        print(f"\n| {'figure':<58} | {'value':>7} | {'target':>7} | {'':<7} |")
        print(f"|{'-' * 60}|{'-' * 9}:|{'-' * 9}:|{'-' * 9}|")
        for name, value, target, met in checks:
            verdict = "" if met is None else ("MET" if met else "NOT MET")
            ok &= met is not False
            print(f"| {name:<58} | {value:>7} | {target:>7} | {verdict:<7} |")
    for r in results:
        if r.get("flat"):
            ok &= flatness_table(r)
    if len(results) > 1:
        lo, hi = results[0], results[-1]
        peak = [max(x.peak_pss_mb or 0 for x in (*r["runs"][1:], r["mem"])) for r in (lo, hi)]
        flat = peak[1] <= TARGET_FLAT * peak[0]
        ok &= flat
        print(f"\nmemory {lo['n']} -> {hi['n']} packages: {peak[0]:.0f} -> {peak[1]:.0f} MB "
              f"({peak[1] / peak[0]:.2f}x; flat means <= {TARGET_FLAT}x): "
              f"{'MET' if flat else 'NOT MET'}")  # fmt: skip
    return ok


def flatness_table(r: dict) -> bool:
    """Peak memory against the batch size, from the warm runs over hard-linked packages.

    A warm run does all of a cold run's per-package work but the extraction, and the extraction
    happens in the workers one package at a time (at most 2 x jobs in flight), so it does not
    depend on N. What can grow with N is the parent (results kept, reports written) and that is
    the same in a warm run: so cold peak at N ~ cold peak at n + (warm peak at N - warm peak at n).
    """
    flat = sorted(r["flat"], key=lambda x: x.packages)
    cold = r["mem"].peak_pss_mb or 0
    print(f"\n| {'packages (warm, hard links)':<28} | {'peak tree PSS MB':>16} "
          f"| {'largest process MB':>18} | {'seconds':>8} |")  # fmt: skip
    print(f"|{'-' * 30}|{'-' * 17}:|{'-' * 19}:|{'-' * 9}:|")
    for x in flat:
        print(f"| {x.packages:<28} | {_fmt(x.peak_pss_mb):>16} | {_fmt(x.max_rss_mb):>18} "
              f"| {x.seconds:>8.1f} |")  # fmt: skip
    if len(flat) < 2:
        return True
    lo, hi = flat[0], flat[-1]
    ratio = (hi.peak_pss_mb or 0) / (lo.peak_pss_mb or 1)
    growth = (hi.peak_pss_mb or 0) - (lo.peak_pss_mb or 0)
    est = cold + max(0.0, growth)
    flat_ok, peak_ok = est <= TARGET_FLAT * cold, est < TARGET_PEAK_MB
    print(f"\nwarm peak {lo.packages} -> {hi.packages} packages: {lo.peak_pss_mb:.0f} -> "
          f"{hi.peak_pss_mb:.0f} MB ({ratio:.2f}x, {growth / (hi.packages - lo.packages) * 1000:.0f}"
          f" KB more per package: the main process's results)")  # fmt: skip
    print(f"cold peak at {r['n']} packages {cold:.0f} MB + growth {growth:+.0f} MB = estimated "
          f"cold peak at {hi.packages}: {est:.0f} MB")  # fmt: skip
    print(f"  flat ({est / cold:.2f}x the cold peak; flat means <= {TARGET_FLAT}x): "
          f"{'MET' if flat_ok else 'NOT MET'}")  # fmt: skip
    print(f"  under {TARGET_PEAK_MB:.0f} MB at {hi.packages} packages: "
          f"{'MET' if peak_ok else 'NOT MET'}")  # fmt: skip
    return flat_ok and peak_ok


def _machine() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            model = next(x.split(":", 1)[1].strip() for x in f if x.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    tess = subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout
    return f"{model}, {tess.splitlines()[0] if tess else 'tesseract ?'}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--packages", "-n", default="20", help="N, or N1,N2 for the memory flatness")
    ap.add_argument("--jobs", "-j", type=int, default=2)
    ap.add_argument(
        "--batch", type=Path, help="measure this existing batch instead of generating one"
    )
    ap.add_argument("--keep", type=Path, help="generate the batches here and keep them")
    ap.add_argument("--sheet-dpi", type=int, default=300, help="approval sheet scan resolution")
    ap.add_argument("--sheet-body", choices=("verification", "short"), default="verification",
                    help="the approval sheets' printed text: a whole verification form (default) "
                         "or sheetgen's short sheet (see bench/genbatch.py)")  # fmt: skip
    ap.add_argument(
        "--flatness",
        action="store_true",
        help="also run warm batches of 100 and 1,000 hard-linked packages: peak memory against N",
    )
    a = ap.parse_args(argv)
    sizes = [int(x) for x in a.packages.split(",")]
    if a.batch and len(sizes) > 1:
        ap.error("--batch measures one batch: give one --packages value")
    results = [
        measure(n, a.jobs, a.batch, a.keep, a.sheet_dpi, a.flatness, a.sheet_body) for n in sizes
    ]
    return 0 if report(results, a.jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
