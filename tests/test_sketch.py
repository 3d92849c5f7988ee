import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer import KERNEL_SIZES, line_art_sketch, sobel_sketch
from tests.synthetic import anime_frame


@pytest.mark.parametrize("kernel_size", KERNEL_SIZES)
@pytest.mark.parametrize("size", [(120, 80), (33, 71), (9, 9)])
def test_sketch_is_L_same_size_dark_lines_on_white(kernel_size, size, rng):
    image = anime_frame(rng, *size)
    sketch = sobel_sketch(image, kernel_size=kernel_size)
    assert sketch.mode == "L" and sketch.size == image.size
    values = np.asarray(sketch)
    assert values.min() < 100  # some dark lines
    if min(size) > 20:
        assert np.median(values) > 200  # mostly white paper


def test_lines_follow_outlines(frame):
    sketch = np.asarray(sobel_sketch(frame))
    gray = np.asarray(frame.convert("L"))
    window = np.ones((7, 7), np.uint8)
    flat = cv2.dilate(gray, window) == cv2.erode(gray, window)  # no change within 3 px
    outline = gray < 60
    assert (sketch[outline] < 128).mean() > 0.5  # the dark outlines become lines
    assert (sketch[flat] < 128).mean() < 0.02  # flat colour areas stay white


def test_invert_and_binarize(frame):
    plain = np.asarray(sobel_sketch(frame))
    inverted = np.asarray(sobel_sketch(frame, invert=True))
    assert np.array_equal(inverted, 255 - plain)
    binary = np.asarray(sobel_sketch(frame, binarize=True))
    assert set(np.unique(binary)) <= {0, 255}


def test_line_width_thickens_lines(frame):
    thin = (np.asarray(sobel_sketch(frame, binarize=True)) == 0).sum()
    thick = (np.asarray(sobel_sketch(frame, binarize=True, line_width=5)) == 0).sum()
    assert thick > 1.5 * thin


def test_threshold_removes_weak_edges(frame):
    weak = (np.asarray(sobel_sketch(frame, threshold=0.0)) < 250).sum()
    strong = (np.asarray(sobel_sketch(frame, threshold=0.6)) < 250).sum()
    assert strong < weak


def test_flat_picture_gives_blank_sketch():
    sketch = sobel_sketch(Image.new("RGB", (40, 30), (200, 10, 10)))
    assert np.asarray(sketch).min() == 255


@pytest.mark.parametrize("bad", [{"kernel_size": 4}, {"threshold": 1.0}, {"line_width": 0}, {"blur": -1}])
def test_bad_settings_raise_clear_errors(frame, bad):
    with pytest.raises(ValueError, match="must be"):
        sobel_sketch(frame, **bad)


def test_accepts_any_mode(frame):
    for mode in ("L", "RGBA", "P", "LA"):
        assert sobel_sketch(frame.convert(mode)).size == frame.size


def test_line_art_sketch_stretches_and_inverts():
    art = Image.new("L", (50, 40), 200)
    art.paste(90, (10, 10, 40, 12))
    sketch = np.asarray(line_art_sketch(art))
    assert sketch.min() == 0 and sketch.max() == 255
    inverted = np.asarray(line_art_sketch(Image.fromarray(255 - np.asarray(art)), invert=True))
    assert np.array_equal(inverted, sketch)


def photographed(art: Image.Image, seed: int = 0) -> Image.Image:
    """``art`` as a phone photo: light falling off across the page, a vignette, a warm tint, noise (RGB)."""
    from training.paper_eval import photograph

    return Image.fromarray(photograph(np.asarray(art.convert("L")), np.random.default_rng(seed)))


def paper_and_lines(art: Image.Image) -> tuple[np.ndarray, np.ndarray]:
    """Masks (H, W) of ``art``'s paper at least 3 px from any line, and of its line cores."""
    gray = np.asarray(art.convert("L"))
    return cv2.erode(gray, np.ones((7, 7), np.uint8)) > 128, cv2.dilate(gray, np.ones((3, 3), np.uint8)) < 128


@pytest.mark.parametrize("seed", range(3))
def test_line_art_photographed_under_uneven_light_gets_white_paper_and_dark_lines(seed):
    from colorizer.sketch import uneven_paper
    from tests.synthetic import line_art

    art = line_art(384)
    photo = photographed(art, seed)
    paper, lines = paper_and_lines(art)
    evened, before = np.asarray(line_art_sketch(photo)), np.asarray(line_art_sketch(photo, even_lighting=False))
    assert uneven_paper(photo)
    assert (evened[paper] >= 230).mean() > 0.99  # the region fill's line level: the paper is paper again
    assert (before[paper] >= 230).mean() < 0.8  # without it, the dark side of the page passes for lines
    assert np.median(evened[lines]) < 80


def test_evenly_lit_line_art_and_solid_fills_are_left_as_they_are():
    from colorizer.sketch import uneven_paper
    from tests.synthetic import line_art

    art = np.asarray(line_art(384).convert("L")).copy()
    cv2.circle(art, (250, 200), 60, 0, -1)  # a solid black fill (hair, a coat) is not a shadow
    art[300:, :150] = 0
    for picture in (Image.fromarray(art), Image.fromarray((art * 0.7 + 60).astype(np.uint8))):  # a dull, even scan
        assert not uneven_paper(picture)
        assert np.array_equal(np.asarray(line_art_sketch(picture)), np.asarray(line_art_sketch(picture, even_lighting=False)))
    lit = np.asarray(line_art_sketch(photographed(Image.fromarray(art))))
    assert lit[200, 250] < 60 and np.median(lit[320:, :130]) < 60  # under uneven light the fills stay black


def test_even_lighting_is_a_line_art_setting_and_follows_invert():
    from colorizer import SketchKind, SketchSettings
    from colorizer.sketch import uneven_paper
    from tests.synthetic import line_art

    photo = photographed(line_art(256))
    inverted = Image.fromarray(255 - np.asarray(photo.convert("L")))
    assert uneven_paper(inverted, invert=True) and not uneven_paper(Image.new("L", (64, 64), 40), invert=True)
    on, off = (SketchKind.LINE_ART.sketch(inverted, SketchSettings(invert=True, even_lighting=e)) for e in (True, False))
    assert np.array_equal(np.asarray(on), np.asarray(line_art_sketch(photo)))
    assert not np.array_equal(np.asarray(on), np.asarray(off))
    sobel = [np.asarray(SketchKind.SOBEL.sketch(photo, SketchSettings(even_lighting=e))) for e in (True, False)]
    assert np.array_equal(*sobel)  # the Sobel sketch has no such setting


def test_line_art_is_told_from_pictures_to_sketch():
    from colorizer.sketch import looks_like_line_art
    from tests.synthetic import line_art

    art = line_art(256)
    assert looks_like_line_art(art) and looks_like_line_art(photographed(art)) and looks_like_line_art(art.convert("L"))
    assert not looks_like_line_art(anime_frame(np.random.default_rng(0), 200, 200))  # flat colours
    pastel = np.asarray(art).copy()
    pastel[100:180, 40:100] = (215, 190, 235)  # a pale lilac part: the pastel pictures a chroma of 48 let through
    assert not looks_like_line_art(Image.fromarray(pastel))
    grey = np.tile(np.linspace(40, 220, 256, dtype=np.float32), (256, 1))  # a grey painting: no paper
    assert not looks_like_line_art(Image.fromarray(grey.astype(np.uint8)))
    assert not looks_like_line_art(Image.new("RGB", (64, 64), "white"))  # blank paper has no lines
    chalk = Image.fromarray(255 - np.asarray(art))  # white lines on black
    assert looks_like_line_art(chalk, invert=True) and not looks_like_line_art(chalk)
    assert not looks_like_line_art(art, invert=True)


def test_erase_faint_marks_turns_smudges_to_paper_and_keeps_lines_black():
    from colorizer import SketchKind, SketchSettings
    from tests.synthetic import line_art

    art = np.asarray(line_art(256).convert("L")).copy()
    art[20:60, 20:200] = 215  # a smudge, about a sixth of black
    art[100, 10:240] = 210  # a faint construction line
    kept, erased = (np.asarray(line_art_sketch(Image.fromarray(art), erase_faint=t)) for t in (0.0, 0.2))
    assert kept[40, 100] < 230 and kept[100, 120] < 230  # the fill would stop at both
    assert erased[40, 100] == 255 and erased[100, 120] == 255
    lines = art < 60
    assert (erased[lines] == kept[lines]).all() and kept[lines].max() == 0
    settings = SketchSettings(erase_faint=0.2)
    assert np.array_equal(np.asarray(SketchKind.LINE_ART.sketch(Image.fromarray(art), settings)), erased)
    assert np.array_equal(np.asarray(SketchKind.SOBEL.sketch(Image.fromarray(art), settings)),
                          np.asarray(sobel_sketch(Image.fromarray(art))))
    with pytest.raises(ValueError, match="erase_faint must be between 0.0 and 0.6"):
        line_art_sketch(Image.fromarray(art), erase_faint=0.9)


def test_faint_marks_tell_a_smudged_pencil_scan_from_clean_line_art():
    from colorizer.sketch import FAINT_MARKS, faint_marks
    from tests.synthetic import line_art
    from training.paper_eval import smudge

    art = line_art(256)
    smudged = line_art_sketch(Image.fromarray(smudge(np.asarray(art.convert("L")), np.random.default_rng(0))))
    assert faint_marks(line_art_sketch(art)) < 0.01 < FAINT_MARKS < faint_marks(smudged)
    assert faint_marks(line_art_sketch(smudged, erase_faint=0.3)) < 0.01


def test_sketch_settings_check_their_ranges_and_each_kind_names_what_it_reads():
    from colorizer import SketchKind, SketchSettings

    with pytest.raises(ValueError, match="kernel_size must be one of"):
        SketchSettings(kernel_size=4)
    with pytest.raises(ValueError, match="erase_faint must be between"):
        SketchSettings(erase_faint=-0.1)
    settings = SketchSettings(threshold=0.3, invert=True, erase_faint=0.2)
    assert SketchKind.SOBEL.changed_settings(settings) == {"threshold": 0.3}  # invert only shows the Sobel sketch
    assert SketchKind.LINE_ART.changed_settings(settings) == {"invert": True, "erase_faint": 0.2}
    assert not set(SketchKind.SOBEL.setting_names) & set(SketchKind.LINE_ART.setting_names)
