import numpy as np

from training.baselines import bucket_fill
from training.metrics import ciede2000, psnr


def two_regions():
    sketch = np.full((20, 20), 255, np.uint8)
    sketch[:, 10] = 0
    return sketch


def test_bucket_fill_colours_each_region_from_its_hints_and_keeps_lines():
    sketch = two_regions()
    hint_rgb = np.zeros((20, 20, 3), np.uint8)
    mask = np.zeros((20, 20), bool)
    hint_rgb[5, 2], mask[5, 2] = (200, 0, 0), True
    hint_rgb[5, 15], mask[5, 15] = (0, 0, 200), True
    out = bucket_fill(sketch, hint_rgb, mask)
    assert np.all(out[:, :10] == (200, 0, 0)) and np.all(out[:, 11:] == (0, 0, 200))
    assert np.all(out[:, 10] == 0)


def test_bucket_fill_without_hints_is_grey():
    out = bucket_fill(two_regions(), np.zeros((20, 20, 3), np.uint8), np.zeros((20, 20), bool))
    assert np.all(out[:, :10] == 128)


def test_metrics_on_identical_and_shifted_images():
    image = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    assert psnr(image, image) == float("inf") and ciede2000(image, image) == 0
    black, grey = np.zeros((4, 4, 3), np.uint8), np.full((4, 4, 3), 10, np.uint8)
    assert abs(psnr(black, grey) - 20 * np.log10(255 / 10)) < 1e-9
    assert ciede2000(black, grey) > 0


def test_other_extractors_give_dark_lines_on_white_paper():
    from tests.synthetic import anime_frame
    from training.extractors import canny_sketch, xdog_sketch

    frame = np.asarray(anime_frame(np.random.default_rng(2), 120, 90))
    for name, extract in {"canny": canny_sketch, "xdog": xdog_sketch}.items():
        sketch = extract(frame)
        assert sketch.shape == frame.shape[:2] and sketch.dtype == np.uint8, name
        dark = (sketch < 128).mean()
        assert 0.005 < dark < 0.3, f"{name}: {dark:.3f} of the pixels are dark"
