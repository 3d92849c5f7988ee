import cv2
import numpy as np
import pytest

from colorizer import Colorizer, sobel_sketch
from colorizer.hints import pack_arrays
from colorizer.scales import coarse_size, merge_scales
from tests.synthetic import anime_frame


@pytest.mark.parametrize("size, expected", [
    ((256, 256), None),  # the models' own scale: one pass
    ((383, 200), None),  # below 1.5 x 256
    ((384, 200), (256, 133)),
    ((512, 512), (256, 256)),
    ((300, 1024), (75, 256)),
])
def test_coarse_size_only_for_inputs_well_above_the_coarse_side(size, expected):
    assert coarse_size(size, 256) == expected


def test_coarse_side_zero_turns_two_scales_off():
    assert coarse_size((2048, 2048), 0) is None


def test_merge_takes_flat_colour_from_the_coarse_pass():
    fine = np.full((64, 96, 3), (200, 40, 40), np.uint8)
    coarse = np.full((32, 48, 3), (30, 90, 220), np.uint8)
    assert np.abs(merge_scales(fine, coarse).astype(int) - (30, 90, 220)).max() <= 1


def test_merge_keeps_the_fine_detail():
    rng = np.random.default_rng(0)
    fine = rng.integers(60, 180, (64, 64, 3)).astype(np.uint8)  # detail at every pixel
    shrunk = cv2.resize(fine.astype(np.float32), (32, 32), interpolation=cv2.INTER_AREA)
    coarse = np.round(shrunk + 30).astype(np.uint8)  # same picture, 30 levels brighter
    merged = merge_scales(fine, coarse).astype(int)
    assert np.abs(merged - (fine.astype(int) + 30)).max() <= 1


def test_merge_of_a_coarse_pass_that_agrees_changes_nothing():
    fine = np.zeros((64, 64, 3), np.uint8)
    fine[:, 32:] = 255  # a sharp edge
    coarse = cv2.resize(fine, (32, 32), interpolation=cv2.INTER_AREA)
    assert np.abs(merge_scales(fine, coarse).astype(int) - fine).max() <= 1


@pytest.fixture(scope="module")
def tiny(tiny_checkpoint):
    return Colorizer.load(tiny_checkpoint, coarse_side=256)


def sketch_and_hints(side: int):
    sketch = np.asarray(sobel_sketch(anime_frame(np.random.default_rng(3), side, side)))
    rgb = np.zeros((side, side, 3), np.uint8)
    mask = np.zeros((side, side), bool)
    rgb[side // 4:side // 2, side // 4:side // 2], mask[side // 4:side // 2, side // 4:side // 2] = (250, 30, 30), True
    return sketch, rgb, mask


def test_inputs_at_the_coarse_side_run_once(tiny):
    sketch, rgb, mask = sketch_and_hints(256)
    assert np.array_equal(tiny.colour_arrays(sketch, rgb, mask), tiny.predict(pack_arrays(sketch, rgb, mask)))


def test_inputs_without_hints_run_once(tiny, monkeypatch):
    sides = []
    real = tiny.predict
    monkeypatch.setattr(tiny, "predict", lambda packed: sides.append(packed.shape[1]) or real(packed))
    sketch, rgb, mask = sketch_and_hints(512)
    tiny.colour_arrays(sketch, rgb, np.zeros_like(mask))
    assert sides == [512]  # a coarse pass would only mix in a second guess


def test_large_inputs_take_their_region_colours_from_the_coarse_pass(tiny, monkeypatch):
    seen = []

    def network_by_size(packed):  # a stand-in network whose colour depends on the size it runs at
        seen.append(packed)
        colour = (30, 90, 220) if packed.shape[1] == 256 else (200, 40, 40)
        return np.broadcast_to(np.array(colour, np.uint8), packed.shape[1:] + (3,)).copy()

    monkeypatch.setattr(tiny, "predict", network_by_size)
    sketch, rgb, mask = sketch_and_hints(512)
    merged = tiny.colour_arrays(sketch, rgb, mask).astype(int)
    assert [packed.shape for packed in seen] == [(4, 512, 512), (4, 256, 256)]
    assert np.allclose(seen[1][1:, 80, 80], np.array((250, 30, 30)) / 127.5 - 1, atol=0.01)  # hints shrunk too
    assert np.abs(merged - (30, 90, 220)).max() <= 1
    monkeypatch.setattr(tiny, "coarse_side", 0)
    assert np.abs(tiny.colour_arrays(sketch, rgb, mask).astype(int) - (200, 40, 40)).max() == 0
