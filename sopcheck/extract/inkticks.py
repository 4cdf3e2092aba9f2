"""Tick boxes: the share of a box's interior that is inked, and the Setuju / Tolak call from
the two boxes."""

from __future__ import annotations

import numpy as np
from PIL import Image

from .inkbase import _gray, ink_mask

# Tick boxes: share of the interior inked.
TICK_ON = 0.08
TICK_OFF = 0.025


def box_fill(box: Image.Image, paper: float | None = None) -> float:
    """Share (0..1) of a tick box's interior that is inked.

    ``box`` is the box as printed (its border included, a little margin allowed). Border lines
    (rows or columns in the outer band that are mostly ink) are dropped and the interior is shrunk
    by 15% on each side, so an empty printed box reads near 0.
    """
    a = _gray(box)
    h, w = a.shape
    if h < 5 or w < 5:
        return 0.0
    if paper is None:
        paper = float(np.percentile(a, 90))
    mask, _ = ink_mask(a, paper=paper)
    mask = mask.copy()
    band_y, band_x = max(1, int(h * 0.3)), max(1, int(w * 0.3))
    for axis, n, band in ((1, h, band_y), (0, w, band_x)):
        frac = mask.mean(axis=axis)
        for i in list(range(band)) + list(range(n - band, n)):
            lo, hi = max(0, i - 1), min(n, i + 2)
            if frac[lo:hi].max() > 0.5:
                if axis == 1:
                    mask[i, :] = False
                else:
                    mask[:, i] = False
    sy, sx = int(round(h * 0.15)), int(round(w * 0.15))
    inner = mask[sy : h - sy, sx : w - sx]
    return float(inner.mean()) if inner.size else 0.0


def tick_state(setuju_box: Image.Image, tolak_box: Image.Image) -> tuple[str | None, str, float]:
    """(decision, state, confidence) from the Setuju and Tolak boxes.

    decision is 'setuju', 'tolak' or None; state is 'clear', 'both', 'neither' or 'unknown'
    (a fill between 'empty' and 'ticked': a person must look).
    """
    both = np.concatenate([_gray(setuju_box).ravel(), _gray(tolak_box).ravel()])
    paper = float(np.percentile(both, 90)) if both.size else None
    fs = box_fill(setuju_box, paper)
    ft = box_fill(tolak_box, paper)

    def margin(f: float) -> float:
        if f >= TICK_ON:
            return min(1.0, (f - TICK_ON) / TICK_ON + 0.5)
        if f <= TICK_OFF:
            return min(1.0, (TICK_OFF - f) / TICK_OFF * 0.5 + 0.5)
        return 0.0

    on_s, on_t = fs >= TICK_ON, ft >= TICK_ON
    off_s, off_t = fs <= TICK_OFF, ft <= TICK_OFF
    conf = round(float(0.5 + 0.49 * min(margin(fs), margin(ft))), 2)
    if on_s and off_t:
        return "setuju", "clear", conf
    if on_t and off_s:
        return "tolak", "clear", conf
    if on_s and on_t:
        return None, "both", conf
    if off_s and off_t:
        return None, "neither", conf
    return None, "unknown", 0.3
