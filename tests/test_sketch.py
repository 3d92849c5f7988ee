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
