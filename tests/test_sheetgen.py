"""The sheet generator of the accuracy benchmark: its truth matches what it draws; seeds repeat."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest
from PIL import Image

from sopcheck import sheetgen
from sopcheck.dates import find_date

if not (sheetgen.FONT_DIR / "DejaVuSans.ttf").exists():
    pytest.skip("fonts-dejavu-core is not installed", allow_module_level=True)


def _ink(layer: Image.Image, box: tuple[int, int, int, int]) -> int:
    """Pixels written or stamped inside box (x0, y0, x1, y1) of the ink layer."""
    a = np.asarray(layer.crop(box).convert("L"))
    return int((a < 200).sum())


ALL_KINDS = {
    "tim_pertimbangan": {"signature": "signature", "decision": "setuju"},
    "ketua_ppid_pelaksana": {"signature": "stamp", "decision": "both"},
    "atasan_ppid_pelaksana": {"signature": "empty", "decision": None},
}


def _forced(seed: int) -> dict:
    out = {}
    for rid, spec in ALL_KINDS.items():
        t = sheetgen.random_role_truth(random.Random(seed))
        t.update(spec, signed=spec["signature"] in ("signature", "stamp+signature"))
        out[rid] = t
    return out


@pytest.mark.parametrize("layout", sheetgen.LAYOUTS)
@pytest.mark.parametrize("seed", [1, 2])
def test_truth_matches_the_ink(layout: str, seed: int) -> None:
    page, layer, truth = sheetgen._free_form(seed, layout=layout)
    assert page.size == sheetgen.A4_PX
    assert set(truth["roles"]) == set(ALL_KINDS)
    for t in truth["roles"].values():
        x, y, w, h = t["area"]
        ink = _ink(layer, (x, y, x + w, y + h))
        if t["signature"] == "empty":
            assert ink == 0, t
        else:
            assert ink > 300, t
        assert t["signed"] == (t["signature"] in ("signature", "stamp+signature"))
        for box in ("setuju", "tolak"):
            ticked = _ink(layer, t["boxes"][box]) > 20
            assert ticked == (t["decision"] in (box, "both")), (box, t)
        if t["date"] is None:
            assert t["date_text"] is None
        else:
            assert find_date(t["date_text"])[0] == t["date"]
            assert dt.date(2024, 3, 12) <= t["date"] <= dt.date(2024, 3, 14)


def test_forced_roles_cover_every_kind() -> None:
    _, layer, truth = sheetgen._free_form(5, layout="table", roles_truth=_forced(5))
    got = {rid: (t["signature"], t["decision"], t["signed"]) for rid, t in truth["roles"].items()}
    assert got == {
        "tim_pertimbangan": ("signature", "setuju", True),
        "ketua_ppid_pelaksana": ("stamp", "both", False),
        "atasan_ppid_pelaksana": ("empty", None, False),
    }
    # a stamp alone is coloured ink in a ring: much ink, none of it in the signature colours
    x, y, w, h = truth["roles"]["ketua_ppid_pelaksana"]["area"]
    a = np.asarray(layer.crop((x, y, x + w, y + h))).reshape(-1, 3).astype(int)
    inked = a[a.min(1) < 200]
    assert len(inked) > 1000
    # blended with the paper, a stamp pixel is white + a * (stamp colour - white)
    v = 255.0 - inked
    c = 255.0 - np.array(sheetgen.STAMP_INKS, float)
    cos = (v @ c.T) / (np.linalg.norm(v, axis=1)[:, None] * np.linalg.norm(c, axis=1)[None])
    assert (cos.max(1) > 0.97).mean() > 0.99


def test_deterministic_per_seed() -> None:
    a = sheetgen.free_form_sheet(7, profile="photo", fmt="jpg")
    b = sheetgen.free_form_sheet(7, profile="photo", fmt="jpg")
    c = sheetgen.free_form_sheet(8, profile="photo", fmt="jpg")
    assert a.content == b.content
    assert a.truth == b.truth
    assert a.content != c.content
    assert a.suffix == ".jpg" and a.image().format == "JPEG"


@pytest.mark.parametrize(
    ("profile", "turn", "fmt"), [("scan", 90, "pdf"), ("clean", 180, "png"), ("photo", 0, "png")]
)
def test_degradations_and_formats(profile: str, turn: int, fmt: str) -> None:
    s = sheetgen.free_form_sheet(3, layout="list", profile=profile, turn=turn, fmt=fmt)
    assert s.suffix == "." + fmt
    img = s.image()
    w, h = img.size
    if turn == 90:
        assert w > h  # landscape after a quarter turn
    else:
        assert h > w
    assert s.truth["degradation"]["profile"] == profile
    assert s.truth["degradation"]["turn"] == turn
    assert "boxes" not in next(iter(s.truth["roles"].values()))


@pytest.mark.skipif(not sheetgen.template_available(), reason="sopcheck.template not written yet")
def test_own_template_sheet() -> None:
    pytest.importorskip("pypdfium2")
    s = sheetgen.own_template_sheet(1, profile="scan", fmt="png", roles_truth=_forced(1))
    assert s.truth["kind"] == "own"
    assert {t["signature"] for t in s.truth["roles"].values()} == {"signature", "stamp", "empty"}
    assert s.image().size[1] > 2000


@pytest.mark.parametrize("layout", ["columns", "table"])
def test_the_verification_body_keeps_the_roles_on_the_page_and_below_it(layout: str) -> None:
    short, _, t_short = sheetgen._free_form(4, layout=layout)
    page, layer, truth = sheetgen._free_form(4, layout=layout, body="verification")
    assert truth["body"] == "verification" and page.size == sheetgen.A4_PX
    # the same role truths (the body has its own generator), every area lower and on the page
    for rid, t in truth["roles"].items():
        assert t["signature"] == t_short["roles"][rid]["signature"]
        x, y, w, h = t["area"]
        assert y > t_short["roles"][rid]["area"][1] and y + h < page.height

    # the body is printed: much more ink above the role blocks than on the short sheet
    def ink_above_roles(img, t):
        top = min(r["label_box"][1] for r in t["roles"].values())
        return int((np.asarray(img.convert("L").crop((0, 0, img.width, top))) < 128).sum())

    assert ink_above_roles(page, truth) > 1.5 * ink_above_roles(short, t_short)


def test_the_list_layout_does_not_take_the_verification_body() -> None:
    with pytest.raises(ValueError, match="list layout"):
        sheetgen._free_form(4, layout="list", body="verification")
    with pytest.raises(ValueError, match="unknown body"):
        sheetgen._free_form(4, body="letter")
