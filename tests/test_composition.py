"""Composed training pictures (characters on canvases) and hints on the largest regions."""
import cv2
import numpy as np
import torch

from training.composition import composed_picture, paste, random_background
from training.config import TrainConfig
from training.data import SampleDataset, make_sample
from training.hint_sim import region_hints
from tests.synthetic import anime_frame, three_region_frame


def sticker(height: int = 60, width: int = 40) -> np.ndarray:
    """A transparent RGBA picture with an opaque red ellipse outlined in black."""
    rgba = np.zeros((height, width, 4), np.uint8)
    cv2.ellipse(rgba, (width // 2, height // 2), (width // 3, height // 3), 0, 0, 360, (220, 30, 40, 255), -1)
    cv2.ellipse(rgba, (width // 2, height // 2), (width // 3, height // 3), 0, 0, 360, (20, 20, 20, 255), 2)
    return rgba


def test_a_pasted_sticker_keeps_its_colours_and_the_background_shows_around_it(rng):
    canvas = np.full((128, 128, 3), 255, np.uint8)
    out, background = paste(canvas, sticker(), rng, (0.5, 0.5))
    red = np.all(np.abs(out.astype(int) - (220, 30, 40)) < 8, axis=-1)
    assert 0.02 < red.mean() < 0.2  # the ellipse, scaled to half the canvas height
    assert (out == 255).all(axis=-1).mean() > 0.5  # white paper all around it
    assert not background[red].any() and (out[background] == 255).all(axis=-1).mean() > 0.97  # the mask: paper
    assert np.array_equal(canvas, np.full((128, 128, 3), 255, np.uint8))  # the canvas itself is untouched


def test_backgrounds_are_white_light_flat_or_a_frame(rng):
    frames = [np.asarray(anime_frame(rng, 40, 30))]
    kinds = set()
    for _ in range(60):
        background = random_background(rng, 64, frames)
        flat = (background == background[0, 0]).all()
        kinds.add("white" if flat and (background == 255).all() else "flat" if flat else "frame")
    assert kinds == {"white", "flat", "frame"}


def test_sticker_rows_always_land_on_a_canvas_of_the_asked_size(rng):
    picture, background = composed_picture({"rgba": sticker()}, rng, [], 96)
    assert picture.shape == (96, 96, 3) and picture.dtype == np.uint8 and background.shape == (96, 96)
    frame = np.asarray(anime_frame(rng, 50, 40))
    picture, background = composed_picture({"full_colour": frame}, rng, [frame], 80)
    assert picture.shape == (80, 80, 3)
    assert 0.1 < (~background).mean() < 0.9  # an opaque frame covers a rectangle of the canvas


def test_keep_background_leaves_the_canvas_out_of_recolouring_and_hue_rotation():
    image = np.zeros((64, 64, 3), np.uint8)
    image[:] = (40, 90, 220)  # a saturated blue canvas
    image[16:48, 16:48] = (220, 40, 40)  # a red character in the middle (the same under a flip)
    background = np.ones((64, 64), bool)
    background[16:48, 16:48] = False
    blue = torch.tensor([40, 90, 220], dtype=torch.float32) / 127.5 - 1

    def target(seed, kept):
        return make_sample(image, np.random.default_rng(seed), crop=64, palette_k=4, max_strokes=5,
                           no_hint_fraction=0.0, hue_rotation=1.0, recolour=1.0,
                           background=background if kept else None)["target"]

    for seed in range(4):
        kept, turned = target(seed, True), target(seed, False)
        assert torch.allclose(kept[:, background], blue[:, None], atol=0.02)  # the canvas keeps its blue
        assert not torch.allclose(turned[:, background], blue[:, None], atol=0.02)  # without the mask it turns
        assert torch.allclose(kept[:, ~background], turned[:, ~background])  # the character turns either way


def test_the_dataset_passes_composed_backgrounds_only_when_asked(rng):
    rows = [{"full_colour": np.asarray(anime_frame(rng, 64, 64))}]

    def targets(keep):
        config = TrainConfig(crop=64, canvas=96, sticker_share=1.0, hue_rotation=1.0, keep_background=keep)
        dataset = SampleDataset(rows, config, [{"rgba": sticker()}])
        return [dataset[(0, seed)]["target"] for seed in range(8)]

    assert any(not torch.equal(a, b) for a, b in zip(targets(True), targets(False)))


def test_region_hints_paint_the_largest_regions_first_in_their_mean_colour(rng):
    picture = np.asarray(three_region_frame(60, 300))  # white bands split by black lines
    target = picture.copy()
    target[:100] = (200, 40, 40)  # the top band red
    sketch = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)
    rgb, mask = region_hints(target, sketch, rng, ratio=0.2)
    assert mask.any() and np.all(sketch[mask] > 128)  # strokes stay off the lines
    rgb, mask = region_hints(target, sketch, rng, ratio=1.0)
    assert mask[:100].any() and mask[100:200].any() and mask[200:].any()  # every band gets one
    assert np.all(np.abs(rgb[:100][mask[:100]].astype(int) - (200, 40, 40)) <= 2)


def test_the_dataset_mixes_stickers_and_composed_frames(rng, tmp_path):
    rows = [{"full_colour": np.asarray(anime_frame(rng, 64, 64))} for _ in range(3)]
    config = TrainConfig(crop=48, sticker_share=1.0, compose=1.0, region_hints=0.5, canvas=96)
    dataset = SampleDataset(rows, config, [{"rgba": sticker()}])
    sample = dataset[(0, 5)]
    assert sample["input"].shape == (4, 48, 48) and sample["target"].shape == (3, 48, 48)
    no_stickers = SampleDataset(rows, TrainConfig(crop=48), [])
    assert no_stickers[(0, 5)]["input"].shape == (4, 48, 48)
