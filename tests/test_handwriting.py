"""Telling a handwritten date from a printed one (sopcheck/extract/handwriting.py), on small
generated crops: print in the block's font, a pen's writing (slanted, jittered, blue or black) and
upright writing whose only tell is its uneven glyphs."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from sopcheck import sheetgen
from sopcheck.extract import handwriting

pytestmark = pytest.mark.skipif(
    not (sheetgen.FONT_DIR / "DejaVuSans.ttf").exists(), reason="needs fonts-dejavu-core"
)

LABEL = "Tanggal:"
LABEL_AT = (20, 30)
DATE_AT = (190, 30)


def _canvas(size=(620, 110)) -> Image.Image:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).text(LABEL_AT, LABEL, font=sheetgen.font(28), fill=(0, 0, 0))
    return img


def _ink_box(img: Image.Image, x0: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the ink right of ``x0`` (what an OCR word box would be)."""
    a = np.asarray(img.convert("L")) < 160
    a[:, :x0] = False
    ys, xs = np.nonzero(a)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _label_box(img: Image.Image) -> tuple[int, int, int, int]:
    d = ImageDraw.Draw(img)
    return tuple(int(v) for v in d.textbbox(LABEL_AT, LABEL, font=sheetgen.font(28)))


def _printed(text: str) -> Image.Image:
    img = _canvas()
    ImageDraw.Draw(img).text(DATE_AT, text, font=sheetgen.font(28), fill=(0, 0, 0))
    return img


def _pen(text: str, seed: int, colour=(25, 45, 150)) -> Image.Image:
    img = _canvas()
    sheetgen.draw_handwritten(img, (DATE_AT[0], DATE_AT[1] + 10), text, random.Random(seed),
                              size=34, color=colour)  # fmt: skip
    return img


def _upright_uneven(text: str, seed: int) -> Image.Image:
    """Upright glyphs of the print's own font, black, but each of its own size and height on the
    line: what a careful hand leaves (no slant, no colour)."""
    rng = random.Random(seed)
    img = _canvas()
    d = ImageDraw.Draw(img)
    x = DATE_AT[0]
    for ch in text:
        f = sheetgen.font(28 + rng.choice((-5, -3, 3, 5)))
        d.text((x, DATE_AT[1] + rng.choice((-5, -3, 3, 5))), ch, font=f, fill=(0, 0, 0))
        x += f.getlength(ch) + 2
    return img


def _judge(img: Image.Image, conf: float | None = 0.95, colour=True) -> handwriting.Handwriting:
    return handwriting.judge(
        img.convert("L"),
        _ink_box(img, DATE_AT[0] - 5),
        [_label_box(img)],
        conf=conf,
        colour=img if colour else None,
    )


@pytest.mark.parametrize("text", ["13 Maret 2024", "13/3/2024", "14-03-2024"])
def test_a_printed_date_is_printed(text):
    got = _judge(_printed(text))
    assert not got.handwritten, got.reasons
    assert got.reasons == ()
    assert got.height_ratio is not None and 0.9 <= got.height_ratio <= 1.1
    assert got.chroma_gap is not None and abs(got.chroma_gap) < 0.02
    assert got.shape is not None and got.shape.slant == 0.0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("text", ["13 Maret 2024", "13/3/2024"])
def test_a_pen_written_date_is_handwritten(text, seed):
    got = _judge(_pen(text, seed))
    assert got.handwritten
    assert any("ink colour" in r for r in got.reasons)  # blue beside a black label
    # black ink: the shape alone still tells (its lean, its size against the label)
    black = _judge(_pen(text, seed, colour=(20, 20, 35)))
    assert black.handwritten
    assert not any("ink colour" in r for r in black.reasons)
    assert black.shape is not None and black.shape.slant >= handwriting.SLANT_DEG


@pytest.mark.parametrize("seed", range(3))
def test_upright_uneven_writing_is_handwritten_without_colour_or_slant(seed):
    got = _judge(_upright_uneven("13/03/2024", seed), colour=False)
    assert got.handwritten
    assert got.shape is not None and abs(got.shape.slant) < handwriting.SLANT_DEG
    assert any("uneven" in r for r in got.reasons), got.reasons


def test_when_unsure_it_is_handwritten():
    img = _printed("13 Maret 2024")
    assert _judge(img, conf=0.7).reasons == ("OCR confidence low",)  # print OCR was unsure of
    assert _judge(img, conf=None).handwritten
    # nothing measurable (a box with no ink): not called printed
    blank = handwriting.judge(img.convert("L"), (560, 5, 615, 25), [], conf=0.96)
    assert blank.handwritten and "glyphs not measurable" in blank.reasons


def test_without_printed_words_to_compare_the_absolute_limits_apply():
    img = _printed("13 Maret 2024")
    box = _ink_box(img, DATE_AT[0] - 5)
    assert not handwriting.judge(img.convert("L"), box, [], conf=0.95).handwritten
    pen = _pen("13 Maret 2024", 1, colour=(20, 20, 35))
    box = _ink_box(pen, DATE_AT[0] - 5)
    assert handwriting.judge(pen.convert("L"), box, [], conf=0.95).handwritten


def test_slant_of_a_sheared_line_is_measured():
    img = Image.new("L", (300, 80), 255)
    ImageDraw.Draw(img).text((20, 20), "1111", font=sheetgen.font(40), fill=0)
    m = np.asarray(img) < 128
    assert handwriting.slant_deg(m) == 0.0
    sheared = img.transform(img.size, Image.Transform.AFFINE, (1, 0.25, -10, 0, 1, 0),
                            fillcolor=255)  # fmt: skip
    lean = handwriting.slant_deg(np.asarray(sheared) < 128)
    assert 12.0 <= abs(lean) <= 16.0  # atan(0.25) = 14 degrees


def test_a_failed_measurement_is_handwritten_not_an_error():
    got = handwriting.judge_safely(None, (0, 0, 10, 10), conf=0.99)
    assert got.handwritten and got.reasons[0].startswith("not measurable")
