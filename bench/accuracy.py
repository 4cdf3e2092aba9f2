"""How well sopcheck reads approval sheets, measured on generated sheets with known truth (issue 3).

    python bench/accuracy.py [--n 20] [--seed 1] [--kinds own,free] [--jobs 2] [--keep DIR]
                             [--misses DIR]

For each kind ('own': sopcheck's own template printed, filled in and scanned; 'free': other layouts
that name the roles) it generates N sheets with ``sopcheck/sheetgen.py``, reads each with
``sopcheck.extract.sheets.read_sheet`` and prints: role labels found, signature precision and
recall, empty areas (and stamp-only areas) called signed, decision and date accuracy, the share of
calls sent to review (uncertain), seconds per page, and the issue's targets as MET / NOT MET.

A call is *correct* when it matches the truth, *review* when the reader said it is not sure
(signature 'uncertain', no decision read, no date read) and *wrong* otherwise. A wrong call is the
worst outcome (it can turn into a wrong ``pass``); review is the safe one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

KINDS = ("own", "free")
KIND_NAMES = {"own": "own template", "free": "free-form"}


def _read_sheet():
    try:
        from sopcheck.extract.sheets import read_sheet
    except ImportError as e:
        return None, str(e)
    return read_sheet, None


def _decision_outcome(truth: Any, rr) -> str:
    decision = getattr(rr, "decision", None)
    state = getattr(rr, "decision_state", "unknown")
    if truth in ("setuju", "tolak"):
        if decision == truth:
            return "correct"
        return "wrong" if decision is not None else "review"
    if decision is not None:  # a clear decision where none (or both) was ticked
        return "wrong"
    expected = "both" if truth == "both" else "neither"
    return "correct" if state == expected else "review"


def _date_outcome(truth, rr) -> str:
    got = getattr(rr, "date", None)
    if got is None:
        return "correct" if truth is None else "review"
    return "correct" if got == truth else "wrong"


def _signature_outcome(signed: bool, rr) -> str:
    call = getattr(rr, "signature", "uncertain")
    if call == "uncertain":
        return "review"
    return "correct" if (call == "signed") == signed else "wrong"


def evaluate(job: tuple[str, int, str, str | None, dict]) -> dict[str, Any]:
    """Generate one sheet, read it, compare. Runs in a worker process."""
    kind, seed, tmp, keep, misses, options = job
    import sopcheck
    from sopcheck import sheetgen

    read_sheet, _ = _read_sheet()
    pack = sopcheck.load_rulepack()
    options = dict(options)
    if kind != "free":
        options.pop("layout", None)
    sheet = sheetgen.generate(kind, seed, pack, **options)
    rel = f"persetujuan{sheet.suffix}"
    folder = Path(tmp) / f"{kind}-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    path = sheet.write(folder / rel)
    t0 = time.perf_counter()
    try:
        reading = read_sheet(path, rel, pack)
        error = getattr(reading, "error", None)
    except Exception as e:  # read_sheet must never raise: count it as an error
        reading, error = None, f"raised {type(e).__name__}: {e}"
    seconds = time.perf_counter() - t0
    pages = max(1, getattr(reading, "pages", 1) or 1)
    got = {r.role: r for r in getattr(reading, "roles", ())}
    t = sheet.truth
    deg = t["degradation"]
    where = (
        f"{kind} seed={seed} layout={t['layout']} {deg['profile']} turn={deg['turn']} "
        f"{deg['format']}"
    )
    roles = []
    for rid, rt in t["roles"].items():
        rr = got.get(rid)
        found = bool(rr is not None and rr.found)
        roles.append(
            {
                "role": rid,
                "found": found,
                "signed": rt["signed"],
                "signature_kind": rt["signature"],
                "signature_call": getattr(rr, "signature", None) if rr else None,
                "signature": _signature_outcome(rt["signed"], rr) if rr else "review",
                "decision_truth": rt["decision"],
                "decision_read": (
                    getattr(rr, "decision", None),
                    getattr(rr, "decision_state", None),
                )
                if rr
                else None,
                "decision": _decision_outcome(rt["decision"], rr) if rr else "review",
                "date_truth": rt["date"],
                "date_style": rt["date_style"],
                "date_read": (getattr(rr, "date", None), getattr(rr, "date_text", None))
                if rr
                else None,
                "date": _date_outcome(rt["date"], rr) if rr else "review",
                "notes": list(getattr(rr, "notes", ()) or ()) if rr else [],
            }
        )
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        sheet.write(Path(keep) / f"{kind}-{seed}{sheet.suffix}")
    if misses:
        write_misses(Path(misses), f"{kind}-{seed}", sheet, where, error, roles, got)
    cond = f"{t['layout']}/{deg['profile']}" + (f"/turn{deg['turn']}" if deg["turn"] else "")
    return {
        "kind": kind,
        "seed": seed,
        "where": where,
        "condition": cond,
        "seconds": seconds,
        "pages": pages,
        "error": error,
        "roles": roles,
    }


def _missed(r: dict) -> bool:
    return not r["found"] or r["signature"] != "correct" or r["decision"] != "correct"


def write_misses(folder: Path, name: str, sheet, where: str, error, roles, got) -> None:
    """For a sheet with a missed role (not found, or a signature or decision call not correct):
    the sheet itself, and per missed role the crop the reader judged (``NAME-ROLE.png``) and its
    truth and reading (``NAME-ROLE.txt``)."""
    bad = [r for r in roles if _missed(r)]
    if not bad and not error:
        return
    folder.mkdir(parents=True, exist_ok=True)
    sheet.write(folder / f"{name}{sheet.suffix}")
    for r in bad:
        rr = got.get(r["role"])
        crop = getattr(rr, "signature_crop", None) if rr else None
        if crop:
            (folder / f"{name}-{r['role']}.png").write_bytes(crop)
        lines = [
            where,
            f"role {r['role']}: found={r['found']} region={getattr(rr, 'region', None)}",
            f"signature: truth {r['signature_kind']} (signed={r['signed']}), "
            f"read {r['signature_call']} ({getattr(rr, 'signature_confidence', None)}): "
            f"{r['signature']}",
            f"decision: truth {r['decision_truth']}, read {r['decision_read']}: {r['decision']}",
            f"date: truth {r['date_truth']} ({r['date_style']}), read {r['date_read']}: {r['date']}",
            *(f"note: {n}" for n in r["notes"]),
        ]
        (folder / f"{name}-{r['role']}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if error:
        (folder / f"{name}-error.txt").write_text(f"{where}\n{error}\n", encoding="utf-8")


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}% ({a}/{b})" if b else "   n/a"


def summarise(kind: str, results: list[dict]) -> tuple[list[str], list[tuple[str, bool, str]]]:
    roles = [r for res in results for r in res["roles"]]
    n = len(roles)
    c: dict[str, int] = defaultdict(int)
    for r in roles:
        c["found"] += r["found"]
        for what in ("signature", "decision", "date"):
            c[f"{what}_{r[what]}"] += 1
        call = r["signature_call"]
        if r["signed"]:
            c["signed"] += 1
            c["tp"] += call == "signed"
        else:
            c["fp"] += call == "signed"
            key = "empty" if r["signature_kind"] == "empty" else "stamp"
            c[key] += 1
            c[f"{key}_signed"] += call == "signed"
        c["role_review"] += "review" in (r["signature"], r["decision"], r["date"])
        if r["date_style"] == "handwritten":
            c["hand"] += 1
            c["hand_correct"] += r["date"] == "correct"
            c["hand_wrong"] += r["date"] == "wrong"
    secs = sum(res["seconds"] for res in results)
    pages = sum(res["pages"] for res in results)
    errors = sum(1 for res in results if res["error"])
    lines = [
        f"== {KIND_NAMES[kind]}: {len(results)} sheets, {n} role blocks, {errors} read errors",
        f"  role labels found          {_pct(c['found'], n)}",
        f"  signature precision        {_pct(c['tp'], c['tp'] + c['fp'])}",
        f"  signature recall           {_pct(c['tp'], c['signed'])}",
        f"  empty areas called signed  {_pct(c['empty_signed'], c['empty'])}",
        f"  stamp-only called signed   {_pct(c['stamp_signed'], c['stamp'])}",
    ]
    for what in ("signature", "decision", "date"):
        lines.append(
            f"  {what + ' calls':<26} correct {_pct(c[f'{what}_correct'], n)}  "
            f"wrong {_pct(c[f'{what}_wrong'], n)}  review {_pct(c[f'{what}_review'], n)}"
        )
    lines += [
        f"  handwritten dates          correct {_pct(c['hand_correct'], c['hand'])}  "
        f"wrong {_pct(c['hand_wrong'], c['hand'])}",
        f"  role blocks sent to review {_pct(c['role_review'], n)}",
        f"  seconds per page           {secs / pages if pages else 0:.2f}",
    ]
    targets: list[tuple[str, bool, str]] = []

    def share(a: int, b: int) -> float:
        return a / b if b else 0.0

    if kind == "own":
        targets.append(("100% of roles found", n > 0 and c["found"] == n, _pct(c["found"], n)))
        for what in ("signature", "decision"):
            ok = n > 0 and share(c[f"{what}_correct"], n) >= 0.99 and c[f"{what}_wrong"] == 0
            targets.append(
                (
                    f">= 99% correct {what} calls, the rest in review",
                    ok,
                    f"correct {_pct(c[f'{what}_correct'], n)}, wrong {c[f'{what}_wrong']}",
                )
            )
    else:
        targets.append(
            (
                ">= 95% signature recall",
                c["signed"] > 0 and share(c["tp"], c["signed"]) >= 0.95,
                _pct(c["tp"], c["signed"]),
            )
        )
        targets.append(
            (
                "<= 2% of empty areas called signed",
                c["empty"] + c["stamp"] > 0
                and share(c["empty_signed"] + c["stamp_signed"], c["empty"] + c["stamp"]) <= 0.02,
                _pct(c["empty_signed"] + c["stamp_signed"], c["empty"] + c["stamp"])
                + " (empty and stamp-only)",
            )
        )
    return lines, targets


def by_condition(results: list[dict]) -> list[str]:
    """Signature and decision outcomes per layout / degradation, to see where the misses are."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for res in results:
        groups[res["condition"]].extend(res["roles"])
    out = ["  by layout/degradation      roles  sig ok/wrong/review  decision ok/wrong/review"]
    for cond in sorted(groups):
        rs = groups[cond]

        def tri(what: str, rs=rs) -> str:
            n = [sum(r[what] == o for r in rs) for o in ("correct", "wrong", "review")]
            return "/".join(map(str, n))

        out.append(f"    {cond:<26} {len(rs):>4}  {tri('signature'):>19}  {tri('decision'):>24}")
    return out


def failures(results: list[dict], limit: int, reviews: bool = False) -> list[str]:
    """Wrong calls (and, with ``reviews``, signature and decision calls sent to review)."""
    out = []
    for res in results:
        if res["error"]:
            out.append(f"  {res['where']}: read error: {res['error']}")
        for r in res["roles"]:
            bad = []
            if not r["found"]:
                bad.append("role not found")
            if r["signature"] == "wrong":
                bad.append(f"signature {r['signature_kind']} read {r['signature_call']}")
            if r["decision"] == "wrong":
                bad.append(f"decision {r['decision_truth']} read {r['decision_read']}")
            if r["date"] == "wrong":
                bad.append(f"date {r['date_truth']} ({r['date_style']}) read {r['date_read']}")
            if reviews and r["signature"] == "review":
                why = next((n for n in r["notes"] if n.startswith("signature")), "")
                bad.append(f"signature {r['signature_kind']} in review ({why})")
            if reviews and r["decision"] == "review":
                bad.append(f"decision {r['decision_truth']} in review read {r['decision_read']}")
            if bad:
                out.append(f"  {res['where']} {r['role']}: " + "; ".join(bad))
    if len(out) > limit:
        out = out[:limit] + [f"  ... and {len(out) - limit} more"]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="sheets per kind (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default="own,free", help="own,free")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", help="also write the generated sheets into this folder")
    ap.add_argument(
        "--misses",
        help="write each sheet with a missed role, the role's crop and its truth and reading here",
    )
    ap.add_argument("--failures", type=int, default=25, help="failure cases to list (default 25)")
    ap.add_argument(
        "--reviews", action="store_true", help="also list the signature/decision calls in review"
    )
    ap.add_argument("--profile", choices=("clean", "scan", "photo"), help="only this degradation")
    ap.add_argument("--layout", help="free-form sheets: only this layout (columns, table, list)")
    ap.add_argument("--dpi", type=int, default=None,
                    help="scan resolution of the sheets (default: sheetgen's 200; 300 resamples "
                         "each degraded page, like a scanner set to 300 dpi)")  # fmt: skip
    ap.add_argument("--body", choices=("short", "verification"), default=None,
                    help="free-form sheets: the printed text above the role blocks (default: "
                         "short, one paragraph; verification: a whole verification form with the "
                         "activity's data, a table of checks and the caption)")  # fmt: skip
    args = ap.parse_args(argv)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    for k in kinds:
        if k not in KINDS:
            ap.error(f"unknown kind {k!r}: choose from {', '.join(KINDS)}")
    read_sheet, why = _read_sheet()
    if read_sheet is None:
        print(
            f"bench/accuracy.py: sopcheck.extract.sheets.read_sheet is not available ({why}); "
            "nothing to measure yet.",
            file=sys.stderr,
        )
        return 2
    from sopcheck import sheetgen

    if "own" in kinds and not sheetgen.template_available():
        print("own template: sopcheck.template is not available yet; skipping that kind.")
        kinds.remove("own")
    all_met = True
    with tempfile.TemporaryDirectory(prefix="sopcheck-bench-") as tmp:
        for kind in kinds:
            options = {
                k: v
                for k, v in (("profile", args.profile), ("layout", args.layout), ("dpi", args.dpi))
                if v
            }
            if args.body and kind == "free":
                options["body"] = args.body
            jobs = [
                (kind, args.seed * 100_000 + i, tmp, args.keep, args.misses, options)
                for i in range(args.n)
            ]
            t0 = time.perf_counter()
            if args.jobs > 1:
                with ProcessPoolExecutor(max_workers=args.jobs) as ex:
                    results = list(ex.map(evaluate, jobs))
            else:
                results = [evaluate(j) for j in jobs]
            lines, targets = summarise(kind, results)
            print("\n".join(lines))
            print(f"  (wall time {time.perf_counter() - t0:.1f} s with {args.jobs} jobs)")
            for name, ok, value in targets:
                all_met &= ok
                print(f"  target {name:<52} {'MET    ' if ok else 'NOT MET'}  {value}")
            print("\n".join(by_condition(results)))
            fails = failures(results, args.failures, args.reviews)
            if fails:
                print(
                    "  failure cases (regenerate with sopcheck/sheetgen.py generate(kind, seed)):"
                )
                print("\n".join(fails))
            print()
    print("all targets met" if all_met else "some targets not met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
