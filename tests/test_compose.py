import numpy as np
from PIL import Image

from colorizer import Colorizer
from colorizer.compose import compose, guided_band, guided_coefficients, remove_lines


def bands(size=64):
    """Two flat colours split by a dark vertical line; returns (colour, sketch)."""
    colour = np.zeros((size, size, 3), np.uint8)
    colour[:, : size // 2] = (220, 60, 60)
    colour[:, size // 2:] = (60, 60, 220)
    sketch = np.full((size, size), 255, np.uint8)
    sketch[:, size // 2 - 1: size // 2 + 1] = 0
    colour[sketch == 0] = 0  # the model draws the line dark too
    return colour, sketch


def test_remove_lines_refills_line_pixels_from_their_side():
    colour, sketch = bands()
    flat = remove_lines(colour, sketch)
    assert flat[:, 30].mean(axis=0)[0] > 0.6  # the line column takes the red side's colour
    assert np.allclose(flat[:, 5], colour[:, 5] / 255.0)


def test_guided_filter_keeps_colour_edges_on_the_full_size_line():
    colour, sketch = bands(32)
    full = np.asarray(Image.fromarray(bands(128)[1]))
    a, b = guided_coefficients(remove_lines(colour, sketch), sketch / 255.0)
    up = guided_band(a, b, full / 255.0, range(128), 128)
    assert up.shape == (128, 128, 3)
    assert up[:, 50, 0].mean() > 0.7 and up[:, 78, 2].mean() > 0.7  # sides stay their colour near the line
    plain = np.asarray(Image.fromarray(colour).resize((128, 128), Image.Resampling.BILINEAR)) / 255.0
    assert np.abs(up[:, 60] - [220 / 255, 60 / 255, 60 / 255]).mean() <= np.abs(plain[:, 60] - [220 / 255, 60 / 255, 60 / 255]).mean()


def test_compose_sizes_and_lines_on_top():
    colour, sketch = bands(32)
    full = bands(96)[1]
    layers = compose(colour, sketch, full, lines_on_top=True)
    result, flat = layers["result"], layers["flat"]
    assert result.shape == flat.shape == (96, 96, 3)
    assert result[:, 47:49].max() == 0  # the crisp full-size line is black
    assert flat[:, 47:49].mean() > 40  # the flat layer has no line


def test_colorize_layers_at_full_size(tiny_checkpoint):
    model = Colorizer.load(tiny_checkpoint)
    model.work_side = 32
    sketch = Image.fromarray(bands(100)[1])
    for lines_on_top in (True, False):
        layers = model.colorize_layers(sketch, None, lines_on_top=lines_on_top)
        assert layers["result"].size == layers["flat"].size == (100, 100)
        assert layers["result"].tobytes() == model.colorize(sketch, None, lines_on_top=lines_on_top).tobytes()


def test_flat_layer_is_only_built_when_asked_for():
    colour, sketch = bands(32)
    assert set(compose(colour, sketch, bands(96)[1], with_flat=False)) == {"result"}
    assert set(compose(colour, sketch, bands(96)[1], lines_on_top=True, with_flat=False)) == {"result"}


def test_rows_upsampled_band_by_band_match_one_whole_resize():
    import cv2

    from colorizer.compose import upsample_rows

    small = np.random.default_rng(0).random((37, 23, 3), np.float32)
    whole = cv2.resize(small, (101, 300), interpolation=cv2.INTER_LINEAR)
    for rows in (range(0, 1), range(0, 64), range(64, 199), range(250, 300)):
        assert np.allclose(upsample_rows(small, (101, 300), rows), whole[rows.start:rows.stop], atol=1e-5)


def test_compose_in_bands_matches_the_whole_picture_at_once(monkeypatch):
    from colorizer import compose as module

    rng = np.random.default_rng(1)
    colour, sketch = rng.integers(0, 256, (40, 30, 3), np.uint8), rng.integers(0, 256, (40, 30), np.uint8)
    full = rng.integers(0, 256, (333, 250), np.uint8)
    for lines_on_top in (False, True):
        whole = module.compose(colour, sketch, full, lines_on_top)
        monkeypatch.setattr(module, "WHOLE_PIXELS", 1000)
        monkeypatch.setattr(module, "BAND_ROWS", 64)
        banded = module.compose(colour, sketch, full, lines_on_top)
        monkeypatch.undo()
        for name in ("result", "flat"):  # the same but for float rounding: at most one level, rarely
            difference = np.abs(banded[name].astype(int) - whole[name])
            assert difference.max() <= 1 and (difference > 0).mean() < 1e-3


def test_enlarge_brings_a_result_to_a_larger_sketchs_size_with_its_crisp_lines():
    from colorizer.compose import enlarge

    colour, sketch = bands(64)
    big = Image.fromarray(bands(256)[1])
    flat = Image.fromarray((remove_lines(colour, sketch) * 255).round().astype(np.uint8))
    for lines_on_top in (True, False):
        layers = enlarge(Image.fromarray(colour), flat, Image.fromarray(sketch), big, lines_on_top)
        out, flat_out = np.asarray(layers["result"]), np.asarray(layers["flat"])
        assert out.shape == flat_out.shape == (256, 256, 3)
        assert flat_out[:, 127:129].min() > 40  # no line in the flat layer
        assert np.abs(out[:, 40].astype(int) - (220, 60, 60)).max() <= 3  # each side keeps its colour
        assert np.abs(out[:, 216].astype(int) - (60, 60, 220)).max() <= 3
    assert out[:, 127:129].max() < 80  # the line stays dark at the larger size
    crisp = np.asarray(enlarge(Image.fromarray(colour), flat, Image.fromarray(sketch), big, True)["result"])
    assert crisp[:, 127:129].max() == 0 and crisp[:, 124:127].min() > 0  # the larger sketch's own 2 px line
