"""atheris harness: the photo reader (exifread + Pillow + sopcheck's EXIF date parsing) on any bytes.

Run through ``make fuzz`` (or ``python fuzz/fuzz_exif.py CORPUS_DIR -max_total_time=60``). A photo,
however broken, must give a PhotoInfo (with ``error`` or notes set), never an exception.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["sopcheck", "exifread"]):
    from sopcheck.extract.photos import parse_exif_datetime, read_photo
    from sopcheck.model import PhotoInfo

WIB = dt.timezone(dt.timedelta(hours=7))
_FD, _PATH = tempfile.mkstemp(prefix="sopcheck-fuzz-", suffix=".jpg")
os.close(_FD)


def test_one_input(data: bytes) -> None:
    Path(_PATH).write_bytes(data)
    info = read_photo(Path(_PATH), "foto/IMG_20240312_101500.jpg", WIB)
    assert isinstance(info, PhotoInfo)
    got, why = parse_exif_datetime(data[:40])
    assert got is None or why is None


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    try:
        atheris.Fuzz()
    finally:
        os.unlink(_PATH)


if __name__ == "__main__":
    main()
