"""The QR codes of a scanned approval sheet, searched once per process.

The sheet reader looks on the scan for sopcheck's own QR code; the e-signature reader looks on the
same scan for any other (a BSrE signature's code). Each search of an A4 page at 300 dpi costs about
20 ms (zxing-cpp, QR codes only), and the e-signature reader decoded the file again for it. So the
sheet reader's full-size search of the first page is kept here, under the file's path, size and
modification time, and the e-signature reader takes it when it reads the same file next. A few
entries only: a package's sheets are read one after the other, and a changed file has a new key.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

from PIL import Image

KEEP = 8
"""Files whose QR codes are kept (the most recent)."""

_seen: OrderedDict[tuple, tuple[str, ...]] = OrderedDict()


def file_key(path: Path | str) -> tuple | None:
    """(resolved path, size, modification time in ns), or None when the file cannot be stat'ed."""
    try:
        st = os.stat(path)
        return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns)
    except OSError:
        return None


def qr_texts(img: Image.Image) -> tuple[str, ...]:
    """The texts of the QR codes zxing-cpp finds in ``img`` (only QR codes are asked for: the
    search for every format costs several times more, and only QR codes are used)."""
    import zxingcpp

    fmt = zxingcpp.BarcodeFormat.QRCode
    return tuple(r.text for r in zxingcpp.read_barcodes(img, formats=fmt) if r.format == fmt)


def remember(key: tuple | None, texts: tuple[str, ...]) -> None:
    if key is None:
        return
    _seen[key] = texts
    _seen.move_to_end(key)
    while len(_seen) > KEEP:
        _seen.popitem(last=False)


def recall(key: tuple | None) -> tuple[str, ...] | None:
    """The QR texts found on the file's first page at full size, if this process searched it."""
    return None if key is None else _seen.get(key)
