import numpy as np
from PIL import Image

from colorizer.palette import kmeans_colours, suggest_palette
from tests.synthetic import anime_frame


def test_palette_size_order_and_format():
    array = np.zeros((40, 40, 3), np.uint8)
    array[:30] = (200, 10, 10)
    array[30:] = (10, 10, 200)
    swatches = suggest_palette(Image.fromarray(array), k=8)
    assert swatches == ["#c80a0a", "#0a0ac8"]  # two distinct colours, most common first


def test_palette_is_deterministic_by_seed_and_has_k_colours():
    frame = anime_frame(np.random.default_rng(3), 120, 90, shapes=6)
    noisy = np.clip(np.asarray(frame).astype(int) + np.random.default_rng(0).integers(-20, 20, (90, 120, 3)), 0, 255)
    picture = Image.fromarray(noisy.astype(np.uint8))
    first = suggest_palette(picture, k=6, seed=1)
    assert first == suggest_palette(picture, k=6, seed=1)
    assert len(first) == 6 and all(len(s) == 7 and s.startswith("#") for s in first)


def test_few_distinct_colours_come_back_exactly_with_their_shares():
    array = np.zeros((10, 10, 3), np.uint8)
    array[:7] = (250, 3, 128)
    array[7:] = (1, 200, 255)
    colours, shares = kmeans_colours(array, 4, np.random.default_rng(0))
    assert np.array_equal(colours[:2], [[250, 3, 128], [1, 200, 255]]) and np.allclose(shares, [0.7, 0.3, 0, 0])
