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
  sopcheck verify report/sopcheck-report.json batch/   what changed since the audit (exit 1 if any)
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
    c.add_argument("--trust", metavar="CERT", action="append", default=[],
                   help="a trust root (PEM or DER) for digital signatures; repeatable")  # fmt: skip
    c.add_argument(
        "--limit",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a limit of the rule pack, e.g. --limit pixels=200000000 (repeatable; names: "
        "file_bytes, pixels, pages, ocr_page_seconds, manifest_bytes, manifest_aliases, "
        "files_per_package, text_bytes)",
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
    va.add_argument("--lang", choices=("id", "en"), help="output language")

    s = sub.add_parser("sample", help="write the sample batch (deterministic) into a new folder")
    s.add_argument("out", metavar="DIR")

    ins = sub.add_parser("inspect", help="what sopcheck reads from one photo, PDF or sheet")
    ins.add_argument("file", metavar="FILE")
    ins.add_argument("--json", action="store_true", help="machine-readable output")
    ins.add_argument("--crops", metavar="DIR", help="save each role's signature crop (PNG) in DIR")
    ins.add_argument("--rules", metavar="PACK")
    ins.add_argument("--lang", choices=("id", "en"))
    ins.add_argument("--trust", metavar="CERT", action="append", default=[],
                     help="a trust root (PEM or DER) for digital signatures; repeatable")  # fmt: skip

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

    ve = sub.add_parser(
        "verify",
        help="re-hash a batch and list what changed since a JSON report was written",
        description="Compare BATCH with the SHA-256 inventory in REPORT (sopcheck-report.json): "
        "every file changed, missing, added or renamed since the audit, and a changed rule pack. "
        "Reads only. Exit codes: 0 identical; 1 something differs; 2 usage; "
        "4 REPORT is not a sopcheck report or BATCH does not exist.",
    )
    ve.add_argument("report", metavar="REPORT.json", help="the JSON report of the audit")
    ve.add_argument("batch", metavar="BATCH", help="the batch folder as it is now")
    ve.add_argument("--lang", choices=("id", "en"), help="language (default: the report's)")
    ve.add_argument(
        "--rules", metavar="FILE", help="the rule pack file (default: the path in the report)"
    )
    return p


def _formats(value: str) -> list[str]:
    fmts = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise UsageError("err.format", bad=", ".join(bad) or "-", known=", ".join(FORMATS))
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
    for f in result.batch_findings:
        text = label("cli.batch_finding", lang, rule=f.rule, status=st[f.status], message=f.message)
        print("\n  " + text, file=out)
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
        raise UsageError("err.out_inside", out=out, batch=batch)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("err.jobs")
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
    rules = args.rules
    if args.limit:
        from .limits import parse_override
        from .rulepack import load_rulepack

        try:
            overrides = dict(parse_override(x) for x in args.limit)
        except ValueError as e:
            raise UsageError(str(e)) from None
        rules = load_rulepack(args.rules).with_limits(**overrides)
    try:
        result = check(batch, rules, jobs=args.jobs, lang=args.lang, as_of=args.as_of,
                       progress=progress, on_start=on_start,
                       cache=False if args.no_cache else args.cache, trust=args.trust,
                       executor=args.executor, scheduler=args.scheduler,
                       keep_crops="html" in fmts)  # fmt: skip
    finally:
        if bar is not None:
            bar.close()
    fail_on = Status(args.fail_on)
    with _interrupt_deferred() as caught:  # the reports are all old or all new: never a mix
        paths = write_reports(result, out, fmts, fail_on=fail_on)
    if caught:
        from .i18n import error_text

        print(error_text("err.interrupted_after_reports", result.lang, out=out), file=sys.stderr)
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
    from .i18n import label
    from .rulepack import available_packs, load_rulepack

    if args.rules_command == "validate":
        pack = load_rulepack(args.file)
        lang = args.lang or args.ui_lang
        print(label("cli.pack_valid", lang, file=args.file, pack=pack.id, version=pack.version,
                    n=len(pack.rules), sha=pack.sha256[:12]))  # fmt: skip
        return 0
    pack = load_rulepack(args.rules)
    lang = args.lang or pack.language
    if args.rules_command == "list":
        print(label("cli.packs", lang))
        for p in available_packs():
            print(f"  {p.stem:<28} {p}")
        print(f"\n{pack.id} {pack.version}: {pack.title.get(lang, pack.id)}")
        for r in pack.rules:
            print(f"  {r.id:<7} {r.severity.value:<8} {r.title.get(lang, '')}")
        return 0
    try:
        r = pack.rule(args.rule_id.upper())
    except KeyError:
        raise UsageError("err.no_rule", rule=repr(args.rule_id), pack=pack.id) from None
    from .checks import CHECKS
    from .checks.docs import check_doc, param_doc, source_text

    spec = CHECKS[r.check]
    print(f"{r.id}  {r.title.get(lang, '')}")
    print(f"  {r.description.get(lang, '')}")
    print(
        "  "
        + label(
            "cli.rule_meta",
            lang,
            severity=r.severity.value,
            check=r.check,
            doc=check_doc(r.check, spec.doc, lang),
        )
    )
    if r.source:
        print("  SOP: " + source_text(r.source, lang))
    for k, v in r.params.items():
        doc = param_doc(r.check, k, spec.params[k].doc, lang)
        print("  " + label("cli.rule_param", lang, key=k, value=repr(v), doc=doc))
    return 0


def main(argv: list[str] | None = None) -> int:
    from .cli_text import argparse_words, choose_lang, localize
    from .i18n import error_text

    argv = sys.argv[1:] if argv is None else list(argv)
    lang = choose_lang(argv)
    parser = localize(_parser(), lang)
    with argparse_words(lang):
        args = parser.parse_args(argv)
        args.ui_lang = lang
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
            from .rulepack import load_rulepack, with_trust

            pack = with_trust(load_rulepack(args.rules), args.trust)
            return inspect_command(Path(args.file), args.json, pack, args.lang, args.crops)
        if args.command == "verify":
            from .verify import verify_command

            return verify_command(args)
        if args.command == "report":
            from .notebook import report_command

            return report_command(args)
        if args.command == "cache":
            from .cache import Cache, default_dir

            store = Cache(Path(args.cache) if args.cache else default_dir())
            if args.cache_command == "clear":
                store.clear()
            info = store.info()
            from .i18n import label

            print(label("cli.cache_info", lang, path=info["path"], n=info["entries"],
                        mb=f"{info['bytes'] / 1e6:.1f}"))  # fmt: skip
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
        print(error_text("err.prefix", lang, message=e.render(lang)), file=sys.stderr)
        return int(e.exit_code)
    except BrokenPipeError:  # e.g. `sopcheck inspect x | head`
        sys.stderr.close()
        return int(ExitCode.OK)
    except KeyboardInterrupt:
        print(error_text("err.interrupted", lang), file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    except Exception:
        traceback.print_exc()
        print(error_text("err.internal", lang), file=sys.stderr)
        return int(ExitCode.INTERNAL)


if __name__ == "__main__":
    sys.exit(main())
