"""The ``sopcheck`` command: argv -> api -> reporters -> exit code. Thin on purpose."""

from __future__ import annotations

import argparse
import contextlib
import signal
import sys
import threading
import traceback
from collections import Counter
from pathlib import Path

from . import __version__
from .errors import ExitCode, SopcheckError, UsageError
from .model import AuditResult, Status

FORMATS = ("json", "md", "junit", "html", "register")
FAIL_ON = ("fail", "review", "warn")

EPILOG = """\
exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or rule-pack
error; 3 internal error; 4 the batch cannot be checked (missing, or no package found).

examples:
  sopcheck check batch/                       JSON, Markdown and JUnit reports in ./sopcheck-report
  sopcheck check batch/ --lang en --fail-on review --format json
  sopcheck rules list                         the rule packs and the rules of the default pack
  sopcheck sample demo-batch/                 write the sample batch used by 'make demo'
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="sopcheck",
        description="Check activity packages (photos, narrative, caption, approval sheets) against an "
        "SOP rule pack and write an audit report.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"sopcheck {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check a batch folder and write reports",
                       description="Check every package in BATCH and write the reports to --out.")  # fmt: skip
    c.add_argument("batch", metavar="BATCH", help="folder holding one folder per activity package")
    c.add_argument(
        "--rules",
        metavar="PACK",
        help="rule pack name or YAML file (default: lamandau-medsos-2015)",
    )
    c.add_argument(
        "--out",
        metavar="DIR",
        default="sopcheck-report",
        help="report folder, outside BATCH (default: %(default)s)",
    )
    c.add_argument(
        "--format",
        default="json,md,junit",
        help=f"comma-separated: {', '.join(FORMATS)} (default: %(default)s)",
    )
    c.add_argument(
        "--lang", choices=("id", "en"), help="report language (default: the pack's, Indonesian)"
    )
    c.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="fail",
        help="lowest status that makes the exit code 1 (default: %(default)s)",
    )
    c.add_argument(
        "--as-of",
        metavar="DATE",
        help="audit reference date/time for deadlines not yet due (default: now)",
    )
    c.add_argument(
        "--jobs", "-j", type=int, metavar="N", help="worker processes (default: usable cores)"
    )
    c.add_argument(
        "--quiet", "-q", action="store_true", help="no progress bar and no summary table"
    )
    c.add_argument(
        "--cache",
        metavar="DIR",
        help="extraction cache folder (default: ~/.cache/sopcheck or $SOPCHECK_CACHE_DIR)",
    )
    c.add_argument("--no-cache", action="store_true", help="read every file again; keep nothing")
    c.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="local worker processes (--jobs), or an existing Dask cluster (needs --scheduler; "
        "pip install 'sopcheck[dask]') (default: %(default)s)",
    )
    c.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="the Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --executor dask)",
    )

    ca = sub.add_parser("cache", help="the extraction cache: info or clear")
    ca.add_argument("cache_command", choices=("info", "clear"), metavar="info|clear")
    ca.add_argument(
        "--cache",
        metavar="DIR",
        help="cache folder (default: ~/.cache/sopcheck or $SOPCHECK_CACHE_DIR)",
    )

    r = sub.add_parser("rules", help="list, show or validate rule packs")
    rs = r.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rl = rs.add_parser("list", help="the available packs and the rules of one")
    rl.add_argument("--rules", metavar="PACK")
    rl.add_argument("--lang", choices=("id", "en"))
    sh = rs.add_parser("show", help="one rule: description, check, parameters, SOP source")
    sh.add_argument("rule_id", metavar="ID")
    sh.add_argument("--rules", metavar="PACK")
    sh.add_argument("--lang", choices=("id", "en"))
    va = rs.add_parser("validate", help="load a pack file and report the first problem")
    va.add_argument("file", metavar="FILE")

    s = sub.add_parser("sample", help="write the sample batch (deterministic) into a new folder")
    s.add_argument("out", metavar="DIR")

    ins = sub.add_parser("inspect", help="what sopcheck reads from one photo, PDF or sheet")
    ins.add_argument("file", metavar="FILE")
    ins.add_argument("--json", action="store_true", help="machine-readable output")
    ins.add_argument("--crops", metavar="DIR", help="save each role's signature crop (PNG) in DIR")
    ins.add_argument("--rules", metavar="PACK")
    ins.add_argument("--lang", choices=("id", "en"))

    tp = sub.add_parser(
        "template",
        help="render the printable approval sheet (Lembar Verifikasi dan Persetujuan) for a package",
        description="Render sopcheck's own A4 approval sheet for PACKAGE_DIR: activity, caption, photo "
        "count, content hash and a QR code that binds the signed sheet to this content.",
    )
    tp.add_argument("package_dir", metavar="PACKAGE_DIR")
    tp.add_argument(
        "-o", "--out", metavar="lembar.pdf", help="output PDF (default: ./lembar-<package>.pdf)"
    )
    tp.add_argument("--rules", metavar="PACK")

    rp = sub.add_parser(
        "report",
        help="render a notebook on a batch as an HTML report",
        description="Execute a Jupyter notebook on BATCH (parameters injected after its "
        "'parameters' cell, papermill's convention) and export it as HTML, code hidden.",
    )
    rp.add_argument("--notebook", metavar="NB", required=True, help="the .ipynb to execute")
    rp.add_argument("batch", metavar="BATCH", help="the batch folder (parameter 'batch')")
    rp.add_argument("-o", "--out", metavar="OUT.html", required=True, help="the HTML file")
    rp.add_argument(
        "-p",
        "--param",
        nargs=2,
        action="append",
        metavar=("KEY", "VALUE"),
        help="a notebook parameter (a string); repeat for more",
    )
    rp.add_argument("--show-code", action="store_true", help="keep the code cells in the HTML")
    return p


def _formats(value: str) -> list[str]:
    fmts = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise UsageError(
            f"--format: unknown {', '.join(bad) or 'empty'} (choose from {', '.join(FORMATS)})"
        )
    return fmts


def _summary(result: AuditResult, out=None) -> None:
    """Packages by status and rules by failures, in the run's language."""
    from .i18n import label

    out = out or sys.stdout
    lang = result.lang
    st = {s: label(f"status.{s.value}", lang) for s in Status}
    by_status = Counter(p.status for p in result.packages)
    pack = result.rulepack
    print(
        "\n"
        + label(
            "cli.checked", lang, n=len(result.packages), pack=pack["id"], version=pack["version"]
        ),
        file=out,
    )
    for s in sorted(Status, key=lambda s: -s.rank):
        if by_status[s]:
            print(f"  {st[s]:>10}: {by_status[s]}", file=out)
    rules: dict[str, Counter] = {}
    for p in result.packages:
        for f in p.findings:
            rules.setdefault(f.rule, Counter())[f.status] += 1
    cols = (Status.FAIL, Status.ERROR, Status.REVIEW, Status.WARN)
    bad = [(r, c) for r, c in rules.items() if any(c[s] for s in cols)]
    if bad:
        head = "".join(f" {st[s]:>10}" for s in cols)
        print(f"\n  {label('cli.rule_header', lang):<8}{head}", file=out)
        for r, c in bad:
            print(f"  {r:<8}" + "".join(f" {c[s]:>10}" for s in cols), file=out)
    for s in result.skipped:
        print("  " + label("cli.skipped", lang, folder=s["folder"], reason=s["reason"]), file=out)


@contextlib.contextmanager
def _interrupt_deferred():
    """Hold Ctrl-C while the reports are written; yields the list of signals caught meanwhile."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    old = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, old)


def _check(args) -> int:
    from .api import check
    from .report import write_reports

    fmts = _formats(args.format)
    batch, out = Path(args.batch).resolve(), Path(args.out).resolve()
    if out == batch or batch in out.parents:
        raise UsageError(
            f"--out {out} is inside the batch {batch}: sopcheck never writes into what it checks"
        )
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    bar = None
    show = not args.quiet and sys.stderr.isatty()

    def on_start(total: int) -> None:
        nonlocal bar
        if show:
            from tqdm import tqdm

            bar = tqdm(total=total, unit="pkg", desc="checking", file=sys.stderr)

    def progress(res) -> None:
        if bar is not None:
            bar.set_postfix_str(res.id[-30:], refresh=False)
            bar.update(1)

    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler is for --executor dask")
    try:
        result = check(batch, args.rules, jobs=args.jobs, lang=args.lang, as_of=args.as_of,
                       progress=progress, on_start=on_start,
                       cache=False if args.no_cache else args.cache,
                       executor=args.executor, scheduler=args.scheduler,
                       keep_crops="html" in fmts)  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    fail_on = Status(args.fail_on)
    with _interrupt_deferred() as caught:  # the reports are all old or all new: never a mix
        paths = write_reports(result, out, fmts, fail_on=fail_on)
    if caught:
        print(
            f"sopcheck: interrupted; the reports in {out} were complete and kept", file=sys.stderr
        )
        return int(ExitCode.INTERRUPTED)
    if not args.quiet:
        _summary(result)
        from .i18n import label

        print("\n" + label("cli.reports", result.lang), file=sys.stdout)
        for p in paths:
            print(f"  {p}", file=sys.stdout)
    worst = result.status
    return int(ExitCode.FINDINGS if worst.rank >= fail_on.rank else ExitCode.OK)


def _rules(args) -> int:
    from .rulepack import available_packs, load_rulepack

    if args.rules_command == "validate":
        pack = load_rulepack(args.file)
        print(
            f"{args.file}: valid rule pack {pack.id} {pack.version} ({len(pack.rules)} rules, sha256 {pack.sha256[:12]})"
        )
        return 0
    pack = load_rulepack(args.rules)
    lang = args.lang or pack.language
    if args.rules_command == "list":
        print("rule packs:")
        for p in available_packs():
            print(f"  {p.stem:<28} {p}")
        print(f"\n{pack.id} {pack.version}: {pack.title.get(lang, pack.id)}")
        for r in pack.rules:
            print(f"  {r.id:<7} {r.severity.value:<8} {r.title.get(lang, '')}")
        return 0
    try:
        r = pack.rule(args.rule_id.upper())
    except KeyError:
        raise UsageError(
            f"no rule {args.rule_id!r} in {pack.id} (see 'sopcheck rules list')"
        ) from None
    from .checks import CHECKS

    spec = CHECKS[r.check]
    print(f"{r.id}  {r.title.get(lang, '')}")
    print(f"  {r.description.get(lang, '')}")
    print(f"  severity: {r.severity.value}   check: {r.check} ({spec.doc})")
    if r.source:
        print("  SOP: " + ", ".join(f"{k} {v}" for k, v in r.source.items()))
    for k, v in r.params.items():
        print(f"  param {k} = {v!r}: {spec.params[k].doc}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return int(ExitCode.USAGE)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "inspect":
            from .inspect import inspect_command
            from .rulepack import load_rulepack

            return inspect_command(
                Path(args.file), args.json, load_rulepack(args.rules), args.lang, args.crops
            )
        if args.command == "report":
            from .notebook import report_command

            return report_command(args)
        if args.command == "cache":
            from .cache import Cache, default_dir

            store = Cache(Path(args.cache) if args.cache else default_dir())
            if args.cache_command == "clear":
                store.clear()
            info = store.info()
            print(f"{info['path']}: {info['entries']} entries, {info['bytes'] / 1e6:.1f} MB")
            return 0
        if args.command == "template":
            from .rulepack import load_rulepack
            from .template import template_command

            out = template_command(
                Path(args.package_dir),
                Path(args.out) if args.out else None,
                load_rulepack(args.rules),
            )
            print(out)
            return 0
        from .sample import generate

        try:
            print(generate(Path(args.out)))
        except ValueError as e:
            raise UsageError(str(e)) from None
        return 0
    except SopcheckError as e:
        print(f"sopcheck: error: {e}", file=sys.stderr)
        return int(e.exit_code)
    except BrokenPipeError:  # e.g. `sopcheck inspect x | head`
        sys.stderr.close()
        return int(ExitCode.OK)
    except KeyboardInterrupt:
        print("sopcheck: interrupted; no report written", file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception:
        traceback.print_exc()
        print(
            "sopcheck: internal error: please report it with the traceback above", file=sys.stderr
        )
        return int(ExitCode.INTERNAL)


if __name__ == "__main__":
    sys.exit(main())
