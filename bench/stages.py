"""Where the time of a cold package goes, stage by stage (serial, no cache, one process).

    .venv/bin/python bench/genbatch.py /tmp/b --packages 8
    .venv/bin/python bench/stages.py /tmp/b [--packages 7] [--profile FILE.prof]

Each stage's function is wrapped with a timer of wall time and of this process's CPU time (stages
nest: the sheet's total contains its parts); the first package is read untimed (imports, first
calls). A stage's CPU excludes Tesseract (a child process), so on a machine shared with other work
the CPU column is the one to compare between runs. The CPU line splits the process's own CPU from
its children's (Tesseract). ``--profile FILE`` also runs cProfile (timed by CPU) over the timed packages and
prints the 25 functions with the most own time (``FILE`` for snakeviz / pstats). Used to write the
breakdown in bench/README.md.
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import datetime as dt
import functools
import importlib
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

STAGES = (
    ("sopcheck.engine", "load_package", "discover + SHA-256 of every file"),
    ("sopcheck.extract.package", "read_photo", "photos: EXIF, 1/8-scale decode, dHash"),
    ("sopcheck.extract.package", "open_approval", "approval sheet opened (1/8-scale decode)"),
    ("sopcheck.extract.sheets", "read_sheet", "approval sheet read, in all:"),
    ("sopcheck.extract.pages", "open_colour_jpeg", "  decode the scan (luma + half-size colour)"),
    ("sopcheck.extract.pages", "_open_image_frames", "  decode the scan (grey or not a JPEG)"),
    ("sopcheck.extract.pages", "_deskew_map", "  deskew (angle + turn)"),
    ("sopcheck.extract.sheets", "colour_pages", "  colour pages (ColourPage, lazy)"),
    ("sopcheck.extract.sheets", "_read_own", "  own-sheet try (QR search)"),
    ("sopcheck.extract.sheets", "read_upright", "  OCR (+ OSD and a 2nd OCR if not upright)"),
    ("sopcheck.extract.pages", "osd", "    of which OSD"),
    ("sopcheck.extract.sheet", "read_free_form", "  free-form reading after OCR:"),
    ("sopcheck.extract.sheet", "judge_signature", "    signature ink (judge_signature)"),
    ("sopcheck.extract.sheet", "read_decision", "    decision boxes"),
    ("sopcheck.extract.sheet", "read_block_date", "    dates"),
    ("sopcheck.extract.esign", "read_esign", "e-signatures (a scan: its QR codes)"),
    ("sopcheck.engine", "evaluate", "rules"),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("batch", type=Path, help="a batch made by bench/genbatch.py")
    ap.add_argument("--packages", "-n", type=int, default=None, help="packages timed")
    ap.add_argument("--profile", type=Path, default=None, help="cProfile the timed packages here")
    a = ap.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from sopcheck.engine import Job, run_job, warm_up
    from sopcheck.model import AuditResult
    from sopcheck.report import write_reports
    from sopcheck.rulepack import load_rulepack

    spent: dict[str, float] = collections.defaultdict(float)
    cpu: dict[str, float] = collections.defaultdict(float)
    calls: collections.Counter = collections.Counter()
    for mod_name, fn_name, label in STAGES:
        mod = importlib.import_module(mod_name)
        fn = getattr(mod, fn_name)

        def timed(*args, _fn=fn, _label=label, **kw):
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                return _fn(*args, **kw)
            finally:
                spent[_label] += time.perf_counter() - t0
                cpu[_label] += time.process_time() - c0
                calls[_label] += 1

        setattr(mod, fn_name, functools.wraps(fn)(timed))
    pkgs = sorted(d for d in a.batch.iterdir() if d.is_dir())
    k = min(a.packages or len(pkgs) - 1, len(pkgs) - 1)
    pack = load_rulepack(None)
    warm_up(True)
    as_of = dt.datetime(2025, 1, 1, tzinfo=pack.tz)

    def job(d: Path) -> Job:
        return Job(root=str(a.batch), pkg_dir=str(d), pack=pack, as_of=as_of, lang="id",
                   register=None, register_file=None, cache=None, keep_crops=False)  # fmt: skip

    run_job(job(pkgs[0]))
    spent.clear()
    cpu.clear()
    calls.clear()
    prof = cProfile.Profile(time.process_time) if a.profile else None  # CPU, not wall
    c0, t0 = os.times(), time.perf_counter()
    if prof:
        prof.enable()
    results = tuple(run_job(job(d)) for d in pkgs[1 : k + 1])
    if prof:
        prof.disable()
    wall, c1 = time.perf_counter() - t0, os.times()
    t1, ct1 = time.perf_counter(), time.process_time()
    now = dt.datetime.now(dt.UTC)
    result = AuditResult(batch=str(a.batch), rulepack=pack.meta(), tool={"name": "sopcheck"},
                         started=now, finished=now, as_of=as_of, lang="id", packages=results)  # fmt: skip
    with tempfile.TemporaryDirectory() as out:
        write_reports(result, out, ("json", "md", "junit"))
    spent["reports (JSON, Markdown, JUnit)"] = time.perf_counter() - t1
    cpu["reports (JSON, Markdown, JUnit)"] = time.process_time() - ct1
    calls["reports (JSON, Markdown, JUnit)"] = 1
    own = (c1.user + c1.system - c0.user - c0.system) / k
    kids = (c1.children_user + c1.children_system - c0.children_user - c0.children_system) / k
    print(f"{k} packages; per package: wall {1000 * wall / k:.0f} ms, CPU {1000 * own:.0f} ms in "
          f"Python + {1000 * kids:.0f} ms in Tesseract\n")  # fmt: skip
    print(
        f"| {'stage (ms per package)':<45} | {'wall':>6} | {'CPU':>6} | {'calls / package':>15} |"
    )
    print(f"|{'-' * 47}|{'-' * 7}:|{'-' * 7}:|{'-' * 16}:|")
    for _m, _f, label in (*STAGES, ("", "", "reports (JSON, Markdown, JUnit)")):
        print(f"| {label:<45} | {1000 * spent[label] / k:>6.0f} | {1000 * cpu[label] / k:>6.0f} "
              f"| {calls[label] / k:>15.2g} |")  # fmt: skip
    if prof:
        prof.dump_stats(a.profile)
        print()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main())
