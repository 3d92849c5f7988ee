import numpy as np
from PIL import Image

import pytest

from colorizer.palette import (MAX_PALETTE, PaletteFileError, kmeans_colours, palette_file, read_palette_file,
                               suggest_palette)
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


def test_palette_file_round_trips_and_is_a_gimp_palette():
    colours = ["#f2c9a0", "#1a2b3c", "#ffffff", "#000000"]
    text = palette_file(colours, "Hero\nred  coat")
    assert text.splitlines()[:2] == ["GIMP Palette", "Name: Hero red coat"]
    assert "242 201 160\t#f2c9a0" in text.splitlines()
    assert read_palette_file(text.encode()) == colours


def test_gimp_palettes_as_other_programs_save_them_are_read():
    krita = ("\ufeffGIMP Palette\r\nName: Skin tones\r\nColumns: 8\r\n#\r\n# a comment\r\n"
             "255   0  64\tHot pink\r\n  0 128 255 Sky\r\n255 0 64\tsame again\r\n\r\n")
    assert read_palette_file(krita.encode()) == ["#ff0040", "#0080ff"]


def test_hex_lists_with_or_without_hash_are_read():
    assert read_palette_file(b"#F2C9A0\nff0000\n\n  00ff00  \n") == ["#f2c9a0", "#ff0000", "#00ff00"]


@pytest.mark.parametrize("data, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", "Not a palette file"),
    (b"GIMP Palette\nName: x\n300 0 0\tbad\n", "Not a palette file"),
    (b"hello world\n", "Not a palette file"),
    (b"GIMP Palette\nName: empty\n#\n", "no colours"),
    (b"", "no colours"),
    ("\n".join(f"#{i:06x}" for i in range(MAX_PALETTE + 1)).encode(), f"at most {MAX_PALETTE}"),
    (b"#ffffff\n" * 40_000, "too big"),
])
def test_bad_palette_files_raise_a_message_saying_what_loads(data, message):
    with pytest.raises(PaletteFileError, match=message):
        read_palette_file(data)


def test_colour_at_takes_the_median_around_a_point_and_clips_to_the_picture():
    from colorizer.palette import colour_at

    array = np.full((20, 30, 3), (200, 100, 50), np.uint8)
    array[10, 15] = (0, 0, 0)  # one stray dark pixel in the window
    array[:, 25:] = (10, 20, 30)
    picture = Image.fromarray(array)
    assert colour_at(picture, 15, 10) == "#c86432"
    assert colour_at(picture, 29.6, -3) == "#0a141e"  # outside the picture: its nearest edge
