import numpy as np
import pytest
from PIL import Image

from colorizer import empty_hints, hint_arrays, pack_arrays, pack_inputs, resize_hints


def stroke_image(width, height, strokes):
    """strokes: list of (x0, x1, y, rgb) horizontal 1-px lines."""
    array = np.zeros((height, width, 4), np.uint8)
    for x0, x1, y, rgb in strokes:
        array[y, x0:x1, :3] = rgb
        array[y, x0:x1, 3] = 255
    return Image.fromarray(array, "RGBA")


def test_pack_channels_and_ranges():
    sketch = Image.fromarray(np.array([[0, 255], [255, 128]], np.uint8), "L")
    hints = stroke_image(2, 2, [(0, 1, 0, (255, 0, 0))])
    packed = pack_inputs(sketch, hints)
    assert packed.shape == (4, 2, 2) and packed.dtype == np.float32
    assert packed[0, 0, 0] == -1.0 and packed[0, 0, 1] == 1.0
    assert np.allclose(packed[1:, 0, 0], [1.0, -1.0, -1.0])  # red hint in [-1, 1]
    assert np.all(packed[1:, 1, :] == 0) and np.all(packed[1:, 0, 1] == 0)  # unpainted = 0


def test_pack_without_hints_is_zero():
    packed = pack_inputs(Image.new("L", (7, 5), 255), None)
    assert packed.shape == (4, 5, 7) and np.all(packed[1:] == 0)


def test_pack_rejects_mismatched_sizes():
    with pytest.raises(ValueError, match="same size"):
        pack_arrays(np.zeros((4, 4), np.uint8), np.zeros((4, 5, 3), np.uint8), np.zeros((4, 5), bool))


@pytest.mark.parametrize("target", [(100, 50), (37, 23), (13, 11)])
def test_one_pixel_stroke_survives_downscale_with_exact_colour(target):
    hints = stroke_image(400, 200, [(50, 350, 101, (30, 200, 90))])
    small = resize_hints(hints, target)
    rgb, mask = hint_arrays(small)
    assert small.size == target
    assert mask.any(axis=1).sum() >= 1 and mask.sum() >= target[0] * 0.5
    assert np.all(rgb[mask] == (30, 200, 90))  # no mixing with "no hint"


def test_separate_strokes_keep_their_own_colours():
    hints = stroke_image(200, 200, [(10, 190, 20, (255, 0, 0)), (10, 190, 180, (0, 0, 255))])
    rgb, mask = hint_arrays(resize_hints(hints, (50, 50)))
    assert set(map(tuple, rgb[mask])) == {(255, 0, 0), (0, 0, 255)}


def test_upscale_repeats_pixels_without_new_colours():
    hints = stroke_image(10, 10, [(2, 5, 3, (10, 20, 30))])
    rgb, mask = hint_arrays(resize_hints(hints, (40, 40)))
    assert mask.sum() == 3 * 16
    assert set(map(tuple, rgb[mask])) == {(10, 20, 30)}


def test_mixed_axes_and_same_size():
    hints = stroke_image(60, 20, [(0, 60, 10, (1, 2, 3))])
    assert resize_hints(hints, (20, 60)).size == (20, 60)
    assert resize_hints(hints, (60, 20)).tobytes() == hints.tobytes()


def test_empty_hints_pack_to_zero():
    assert not hint_arrays(resize_hints(empty_hints((30, 30)), (7, 9)))[1].any()
