"""Time the validation of the sample batch's e-signed approval PDFs (pyHanko + role mapping).

    .venv/bin/python bench/esign.py

Generates the two e-signed sample packages in a temporary folder, then validates each PDF five
times against the sample CA's root and prints the best time, with and without the role mapping
(which renders the page to find the role labels on the text layer).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sopcheck import sample
from sopcheck.extract.esign import load_cert, read_esign
from sopcheck.rulepack import load_rulepack


def best(fn, n: int = 5) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    pack = load_rulepack()
    with tempfile.TemporaryDirectory() as tmp:
        batch = sample.generate(Path(tmp) / "batch", only=list(sample.TRUSTED))
        roots = (load_cert((batch / sample.TRUST_ROOT_FILE).read_bytes()),)
        for pid in sample.TRUSTED:
            pdf = batch / pid / "persetujuan.pdf"
            status = read_esign(pdf, pdf.name, roots, pack).signatures[0].status
            full = best(lambda pdf=pdf: read_esign(pdf, pdf.name, roots, pack))
            bare = best(lambda pdf=pdf: read_esign(pdf, pdf.name, roots, None))
            print(f"{pid}: {status}; {full * 1000:.0f} ms with role mapping, "
                  f"{bare * 1000:.0f} ms validation only")  # fmt: skip


if __name__ == "__main__":
    main()
