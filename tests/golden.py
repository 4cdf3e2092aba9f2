"""The golden JSON report of the sample batch: build it, normalise it, (re)write it.

Regenerate after an intended change of the report:  .venv/bin/python tests/golden.py --write
The normalisation drops what depends on the machine or on the image encoder (paths, times, file
sizes, SHA-256 of generated JPEGs, perceptual hashes), and keeps every status, message and tag.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

import sopcheck
from sopcheck.report.json import to_dict
from sopcheck.sample import generate

GOLDEN = Path(__file__).parent / "golden" / "sample-report.json"
AS_OF = "2025-01-01"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX16 = re.compile(r"^[0-9a-f]{16}$")


def _norm(value, key=None):
    if isinstance(value, dict):
        return {k: _norm(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, str):
        if _HEX64.match(value) and key in ("sha256", "value"):
            return "<sha256>"
        if _HEX16.match(value) and key in ("phash", "value"):
            return "<dhash>"
        return re.sub(r"^\d+ bytes$", "<size> bytes", value)
    if key == "size" and isinstance(value, int):
        return "<size>"
    return value


def normalise(report: dict) -> dict:
    report = json.loads(json.dumps(report))
    report["run"] = {k: v for k, v in report["run"].items() if k in ("as_of", "lang")}
    report["rulepack"].pop("path", None)
    report["tool"].pop("version", None)
    report = _norm(report)
    report["rulepack"]["sha256"] = "<sha256>"  # changes with every edit of the pack's comments
    return report


def build(lang: str = "id") -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        batch = generate(Path(tmp) / "batch")
        result = sopcheck.check(batch, as_of=AS_OF, jobs=1, lang=lang)
        return normalise(to_dict(result))


def main(argv: list[str]) -> int:
    report = build()
    text = json.dumps(report, ensure_ascii=False, indent=1, sort_keys=False) + "\n"
    if "--write" in argv:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN} ({len(text)} characters)")
        return 0
    same = GOLDEN.exists() and GOLDEN.read_text(encoding="utf-8") == text
    print("golden report is up to date" if same else "golden report differs: run with --write")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
