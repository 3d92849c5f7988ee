import cv2
import numpy as np

from colorizer.sketch import sobel_sketch
from training.augment import nearest_centre, random_foreign_sketch, random_sketch, random_sketch_settings, recolour_clusters
from training.data import make_sample


def two_colour_picture() -> np.ndarray:
    """Red left, green right (each in a lit and a shadowed tone), a grey strip and black lines."""
    picture = np.zeros((64, 96, 3), np.uint8)
    picture[:32, :40], picture[32:, :40] = (220, 40, 40), (150, 25, 25)
    picture[:32, 40:80], picture[32:, 40:80] = (40, 200, 60), (25, 130, 40)
    picture[:, 80:] = (128, 128, 128)
    picture[:, 38:42] = 0
    return picture


def hue(pixel: np.ndarray) -> int:
    return int(cv2.cvtColor(pixel.reshape(1, 1, 3), cv2.COLOR_RGB2HSV_FULL)[0, 0, 0])


def test_random_sketch_without_foreign_share_is_the_apps_sobel_sketch_with_the_same_draws(frame):
    image = np.asarray(frame)
    first, second = np.random.default_rng(3), np.random.default_rng(3)
    expected = np.asarray(sobel_sketch(frame, **random_sketch_settings(second)))
    assert np.array_equal(random_sketch(image, first, foreign=0.0), expected)
    assert first.random() == second.random()  # no extra draw when the share is 0


def test_foreign_sketches_are_dark_lines_on_white_from_canny_or_xdog(frame):
    image = np.asarray(frame)
    for seed in range(6):
        sketch = random_sketch(image, np.random.default_rng(seed), foreign=1.0)
        assert sketch.dtype == np.uint8 and sketch.shape == image.shape[:2]
        assert np.median(sketch) == 255 and sketch.min() < 64
        assert np.array_equal(sketch, random_foreign_sketch(image, _after_share_draw(seed)))


def _after_share_draw(seed: int) -> np.random.Generator:
    rng = np.random.default_rng(seed)
    rng.random()
    return rng


def test_recolour_turns_whole_colours_and_keeps_greys_lines_and_shading():
    picture = two_colour_picture()
    changed_alone = 0
    for seed in range(12):
        out = recolour_clusters(picture, np.random.default_rng(seed))
        assert np.array_equal(out, recolour_clusters(picture, np.random.default_rng(seed)))
        assert np.array_equal(out[:, 80:], picture[:, 80:]) and np.array_equal(out[:, 38:42], picture[:, 38:42])
        red, green = (not np.array_equal(out[:, :38], picture[:, :38]), not np.array_equal(out[:, 42:80], picture[:, 42:80]))
        assert red or green
        for part in (np.s_[:, :38], np.s_[:, 42:80]):  # lit and shadowed tones turn by the same angle
            turn = [(hue(out[part][y, 0]) - hue(picture[part][y, 0])) % 256 for y in (0, 63)]
            assert abs(turn[0] - turn[1]) <= 2
        value_and_saturation = lambda rgb: cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV_FULL)[..., 1:].astype(int)
        assert np.abs(value_and_saturation(out) - value_and_saturation(picture)).max() <= 3  # shading kept
        changed_alone += red != green
    assert changed_alone >= 3  # unlike a global hue rotation, one colour often turns alone


def test_recolour_leaves_a_grey_picture_alone():
    grey = np.full((32, 32, 3), 90, np.uint8)
    grey[10:20] = 200
    assert np.array_equal(recolour_clusters(grey, np.random.default_rng(0)), grey)


def test_sample_shares_change_the_sample_only_when_asked(frame):
    image = np.asarray(frame)
    make = lambda **shares: make_sample(image, np.random.default_rng(5), crop=48, palette_k=8, max_strokes=30,
                                        no_hint_fraction=0.0, hue_rotation=0.0, **shares)
    plain, foreign, recoloured = make(), make(foreign_sketches=1.0), make(recolour=1.0)
    assert np.array_equal(plain["input"], make(foreign_sketches=0.0, recolour=0.0, max_scale=1.0)["input"])
    assert not np.array_equal(plain["input"][0], foreign["input"][0])
    assert not np.array_equal(plain["target"], recoloured["target"])
    assert not np.array_equal(plain["target"], make(max_scale=2.0)["target"])


def test_crops_are_enlarged_up_to_max_scale_only_when_asked():
    from training.data import random_crop

    ramp = np.tile(np.arange(256, dtype=np.uint8)[None, :, None], (256, 1, 3))  # value = column

    def steps(max_scale):  # mean value step between neighbouring columns of each crop: 1 / scale
        crops = [random_crop(ramp, 64, np.random.default_rng(seed), max_scale=max_scale) for seed in range(30)]
        assert all(c.shape == (64, 64, 3) for c in crops)
        return [np.abs(np.diff(c[0].astype(float), axis=0)).mean() for c in crops]

    plain, enlarged = steps(1.0), steps(2.0)
    assert min(plain) >= 0.98  # never enlarged by default
    assert min(enlarged) < 0.6 and max(enlarged) > 1.0  # down- and up-scaled, up to 2x
    small = random_crop(ramp[:40, :40], 64, np.random.default_rng(0), max_scale=2.0)
    assert small.shape == (64, 64, 3)  # a picture smaller than the crop still gives a full crop


def test_nearest_centre_matches_the_plain_distance():
    rng = np.random.default_rng(3)
    picture = rng.integers(0, 256, (24, 40, 3), dtype=np.uint8)
    centres = rng.uniform(0, 255, (8, 3)).astype(np.float32)
    plain = np.argmin(((picture.reshape(-1, 1, 3).astype(np.float32) - centres[None]) ** 2).sum(-1), axis=1)
    assert np.array_equal(nearest_centre(picture, centres), plain.reshape(24, 40))
