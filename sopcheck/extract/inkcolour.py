"""Telling a stamp's ink from a pen's by colour (Oklab, a perceptual colour space).

Official stamps (cap) are printed in purple, blue or red ink; signatures are written with black
or blue ballpoint. Where a signature crosses a stamp, the grey image cannot tell the two apart,
but their colours often can: the pen is darker and achromatic (black) or of another hue (a blue
pen over a purple or red stamp). A blue pen over a blue stamp stays undecided: same hue.

The colours are compared relative to the stamp's own colour, measured on its ring, after the
area is white-balanced on its paper (a phone photo's colour cast divides out), so no absolute
colour threshold is tied to one ink.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from .inkbase import byte_percentile

STAMP_MIN_CHROMA = 0.04
"""Below this Oklab chroma the stamp is grey: no colour separation is attempted."""
HUE_APART_DEG = 30.0
"""A pen pixel of another hue than the stamp's (and some chroma of its own)."""
PEN_MIN_CHROMA = 0.035
DARKER = 0.06
"""An achromatic pen pixel (black ink) must also be this much darker (Oklab L) than the stamp."""

__all__ = ["oklab", "pen_over_stamp"]


def oklab(rgb: np.ndarray) -> np.ndarray:
    """sRGB (H, W, 3) 0..255 to Oklab (H, W, 3): L 0..1, a, b about -0.4..0.4 (Björn Ottosson)."""
    c = np.asarray(rgb, dtype=np.float32) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    m1 = np.array(
        [
            [0.4122214708, 0.5363325363, 0.0514459929],
            [0.2119034982, 0.6806995451, 0.1073969566],
            [0.0883024619, 0.2817188376, 0.6299787005],
        ],
        dtype=np.float32,
    )
    m2 = np.array(
        [
            [0.2104542553, 0.7936177850, -0.0040720468],
            [1.9779984951, -2.4285922050, 0.4505937099],
            [0.0259040371, 0.7827717662, -0.8086757660],
        ],
        dtype=np.float32,
    )
    lms = np.cbrt(lin @ m1.T)
    return lms @ m2.T


def white_balanced(area: Image.Image) -> np.ndarray:
    """RGB array divided by the paper's colour (each channel's 90th percentile)."""
    rgb = np.asarray(area.convert("RGB"))
    a = rgb.astype(np.float32)
    # np.percentile(a.reshape(-1, 3), 90, axis=0), each channel counted from its bytes
    paper = np.array([byte_percentile(rgb[..., c], 90, np.float32) for c in range(3)])
    return np.clip(a / np.maximum(paper, 1.0) * 255.0, 0, 255)


def _hue_gap(a1, b1, a2: float, b2: float) -> np.ndarray:
    d = np.abs(np.arctan2(b1, a1) - np.arctan2(b2, a2))
    return np.degrees(np.minimum(d, 2 * np.pi - d))


def pen_over_stamp(
    area: Image.Image, ink: np.ndarray, ring: np.ndarray, on_stamp: np.ndarray
) -> tuple[np.ndarray | None, dict]:
    """Which ink pixels on a stamp are a pen's, by colour, or None when colour cannot say.

    ``area``: the colour crop; ``ink``: its ink mask; ``ring``: pixels of the stamp's ring (its
    colour sample); ``on_stamp``: the pixels about to be taken for the stamp's. Returns (mask of
    pen pixels within ``on_stamp``, measurements)."""
    info: dict = {}
    if area.mode not in ("RGB", "RGBA") or ring.sum() < 30:
        return None, info
    lab = oklab(white_balanced(area))
    L, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    ra, rb = float(np.median(a[ring])), float(np.median(b[ring]))
    rl = float(np.percentile(L[ring], 25))
    chroma = float(np.hypot(ra, rb))
    info.update(
        stamp_chroma=round(chroma, 3), stamp_hue=round(float(np.degrees(np.arctan2(rb, ra))), 1)
    )
    if chroma < STAMP_MIN_CHROMA:
        return None, info
    c = np.hypot(a, b)
    other_hue = (c >= PEN_MIN_CHROMA) & (_hue_gap(a, b, ra, rb) >= HUE_APART_DEG)
    black = (c < 0.5 * chroma) & (rl - DARKER > L)
    pen = ink & on_stamp & (other_hue | black)
    info["pen_on_stamp_px"] = int(pen.sum())
    return pen, info
