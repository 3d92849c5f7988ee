import numpy as np
import pytest
from PIL import Image

from colorizer import Colorizer, empty_hints, sobel_sketch
from tests.synthetic import anime_frame


@pytest.fixture(scope="module")
def tiny(tiny_checkpoint):
    return Colorizer.load(tiny_checkpoint)


@pytest.mark.parametrize("size", [(300, 500), (97, 41), (1200, 300)])
def test_colorize_returns_rgb_of_sketch_size(tiny, size):
    sketch = sobel_sketch(anime_frame(np.random.default_rng(0), *size))
    result = tiny.colorize(sketch, empty_hints(size))
    assert result.mode == "RGB" and result.size == size


def test_hints_of_another_size_and_none_are_accepted(tiny):
    sketch = Image.new("L", (64, 48), 255)
    assert tiny.colorize(sketch, empty_hints((128, 96))).size == (64, 48)
    assert tiny.colorize(sketch, None).size == (64, 48)


def test_canvas_sized_hints_reach_the_network_in_place_at_the_working_size(tiny, monkeypatch):
    # a 1000 x 600 upload works at 512 x 307; its canvas hints are 250 x 150
    hints = np.zeros((150, 250, 4), np.uint8)
    hints[30:60, 100:150] = (20, 200, 90, 255)  # 0.2-0.4 of the height, 0.4-0.6 of the width
    seen = {}

    def capture(sketch, hint_rgb, hint_mask, labels=None):
        seen.update(sketch=sketch, rgb=hint_rgb, mask=hint_mask)
        return np.zeros((*sketch.shape, 3), np.uint8)

    monkeypatch.setattr(tiny, "colour_arrays", capture)
    tiny.colorize(Image.new("L", (1000, 600), 255), Image.fromarray(hints, "RGBA"))
    rows, cols = np.nonzero(seen["mask"])
    assert seen["mask"].shape == seen["sketch"].shape == (307, 512)
    box = np.array([rows.min(), rows.max() + 1, cols.min(), cols.max() + 1])
    expected = np.array([30 * 307 / 150, 60 * 307 / 150, 100 * 512 / 250, 150 * 512 / 250])  # 61.4, 122.8, 204.8, 307.2
    assert np.abs(box - expected).max() <= 1  # within a pixel of the stretched box
    assert (seen["rgb"][seen["mask"]] == (20, 200, 90)).all()  # pure colour, no blend with "no hint"


def test_hints_change_the_output(tiny):
    sketch = Image.new("L", (64, 64), 255)
    hints = np.zeros((64, 64, 4), np.uint8)
    hints[20:40, 20:40] = (255, 0, 0, 255)
    plain = np.asarray(tiny.colorize(sketch, None), dtype=int)
    hinted = np.asarray(tiny.colorize(sketch, Image.fromarray(hints, "RGBA")), dtype=int)
    assert np.abs(plain - hinted).sum() > 0


def test_same_input_same_output(tiny):
    sketch = sobel_sketch(anime_frame(np.random.default_rng(5), 80, 60))
    assert tiny.colorize(sketch).tobytes() == tiny.colorize(sketch).tobytes()


def test_region_fill_paints_the_hinted_region_and_leaves_the_rest(tiny):
    from colorizer import RegionFill

    sketch = np.full((48, 64), 255, np.uint8)
    sketch[:, 31:33] = 0
    hints = np.zeros((48, 64, 4), np.uint8)
    hints[10:14, 5:20] = (230, 30, 40, 255)
    sketch, hints = Image.fromarray(sketch, "L"), Image.fromarray(hints, "RGBA")
    plain = np.asarray(tiny.colorize(sketch, hints))
    hinted_only = RegionFill(gap=0, flatness=1.0, unhinted=False)
    filled = np.asarray(tiny.colorize(sketch, hints, region_fill=hinted_only))
    assert np.all(filled[:, :31] == (230, 30, 40))
    assert np.array_equal(filled[:, 31:], plain[:, 31:])
    layers = tiny.colorize_layers(sketch, hints, region_fill=hinted_only)
    assert np.array_equal(np.asarray(layers["result"]), filled)


def test_white_paper_hints_the_border_paper_white_for_the_network_and_the_fill(tiny, monkeypatch):
    from colorizer import RegionFill

    sketch = np.full((48, 64), 255, np.uint8)
    sketch[12:36, 20:44] = 0
    sketch[14:34, 22:42] = 255  # a closed box: inside it, not paper
    sketch = Image.fromarray(sketch, "L")
    filled = np.asarray(tiny.colorize(sketch, None, region_fill=RegionFill(), white_paper=True))
    assert np.all(filled[:8] == 255) and np.all(filled[:, :16] == 255)
    seen = {}
    monkeypatch.setattr(tiny, "colour_arrays", lambda s, rgb, mask, labels=None: seen.update(mask=mask) or np.zeros((*s.shape, 3), np.uint8))
    tiny.colorize(sketch, None, white_paper=True)
    assert seen["mask"][0, 0] and not seen["mask"][24, 32]  # the network is told too; the box's inside is not paper
    tiny.colorize(sketch, None)
    assert not seen["mask"].any()
    monkeypatch.undo()
    hints = np.zeros((48, 64, 4), np.uint8)
    hints[20:28, 26:38] = (230, 30, 40, 255)
    network = tiny.network_pass(sketch, Image.fromarray(hints, "RGBA"), white_paper=True)
    assert network.hint_mask[0, 0] and not network.strokes[0, 0]  # the fill tells the artist's paint from the paper's
    assert network.strokes[24, 32] and network.strokes.sum() == 8 * 12


def test_white_paper_and_the_fills_label_the_sketch_once_per_set_of_regions(tiny, monkeypatch):
    from colorizer import RegionFill, pipeline, regions
    from colorizer.regions import fill_labels

    sketch = np.full((48, 64), 255, np.uint8)
    sketch[12:36, 20:44] = 0
    sketch[14:34, 22:42] = 255
    sketch = Image.fromarray(sketch, "L")
    calls = []
    counted = lambda s, fill: calls.append(fill.gap) or fill_labels(s, fill)  # noqa: E731
    monkeypatch.setattr(regions, "fill_labels", counted)
    monkeypatch.setattr(pipeline, "fill_labels", counted, raising=False)
    fills = [RegionFill(flatness=0.6), RegionFill(flatness=1.0), None, RegionFill(gap=0)]
    shared = tiny.colorize_each(sketch, None, fills=fills, white_paper=True)
    assert sorted(calls) == [0, 2]  # gap 2 labelled once for White paper and two fills; gap 0 once
    monkeypatch.undo()
    alone = [tiny.colorize(sketch, None, region_fill=fill, white_paper=True) for fill in fills[:2]]
    assert all(np.array_equal(np.asarray(a), np.asarray(b)) for a, b in zip(shared, alone))


def test_a_network_pass_finished_with_another_fill_gives_what_a_fresh_colouring_would(tiny, monkeypatch):
    from colorizer import RegionFill
    from colorizer.pipeline import finish_layers

    sketch = sobel_sketch(anime_frame(np.random.default_rng(6), 96, 72))
    hints = np.zeros((72, 96, 4), np.uint8)
    hints[30:34, 20:60] = (40, 90, 220, 255)
    hints = Image.fromarray(hints, "RGBA")
    other = RegionFill(gap=4, flatness=1.0, unhinted=False)
    for white_paper, made_with, finishes in ((False, RegionFill(), [True, True, True]),
                                             (True, RegionFill(gap=4), [False, True, False])):
        settings = [(RegionFill(), False), (other, True), (None, False)]
        expected = [tiny.colorize_layers(sketch, hints, lines, fill, white_paper) for fill, lines in settings]
        network = tiny.network_pass(sketch, hints, white_paper=white_paper, region_fill=made_with)
        monkeypatch.setattr(tiny, "colour_arrays", lambda *args: pytest.fail("finishing ran the network"))
        assert [network.finishes(fill) for fill, _ in settings] == finishes  # White paper's regions are made_with's
        for (fill, lines), fresh, same in zip(settings, expected, finishes):
            finished = finish_layers(network, fill, lines)
            assert all(np.array_equal(np.asarray(finished[k]), np.asarray(fresh[k])) for k in fresh) == same
        monkeypatch.undo()


def test_white_paper_is_on_by_default_only_for_an_edge_sketch_of_a_character_on_blank_paper():
    from colorizer import SketchKind
    from colorizer.pipeline import white_paper_default

    on_paper = Image.new("L", (1200, 900), 255)
    on_paper.paste(0, (500, 300, 700, 600))
    on_paper.paste(255, (506, 306, 694, 594))  # a closed box, 6 px lines: about 3 px at the working size
    assert white_paper_default(on_paper, SketchKind.SOBEL)
    assert not white_paper_default(on_paper, SketchKind.LINE_ART)  # its model keeps paper white itself
    scene = sobel_sketch(anime_frame(np.random.default_rng(1), 160, 96))
    assert not white_paper_default(scene, SketchKind.SOBEL)


@pytest.mark.parametrize("size, message", [((0, 0), "0x0 pixels; it needs at least 1"),
                                           ((5000, 20), "over the 4096 px limit; downscale")])
def test_empty_and_huge_sketches_are_refused_with_what_to_do(tiny_checkpoint, size, message):
    model = Colorizer.load(tiny_checkpoint)
    with pytest.raises(ValueError, match=message):
        model.colorize(Image.new("L", size, 255))
    with pytest.raises(ValueError, match="hint picture is 0x0"):
        model.colorize(Image.new("L", (32, 32), 255), Image.new("RGBA", (0, 0)))


def test_flip_average_is_the_mean_of_the_network_on_the_inputs_and_on_their_mirror(tiny_checkpoint):
    plain, averaged = Colorizer.load(tiny_checkpoint, flip_average=False), Colorizer.load(tiny_checkpoint)
    assert averaged.flip_average  # the app's default
    rng = np.random.default_rng(4)
    packed = rng.uniform(-1, 1, (4, 40, 56)).astype(np.float32)
    mirrored = np.ascontiguousarray(packed[:, :, ::-1])
    expected = (plain.predict(packed).astype(np.float32) + plain.predict(mirrored)[:, ::-1]) / 2
    out = averaged.predict(packed)
    assert not np.array_equal(plain.predict(packed), out)  # the tiny network is not mirror-symmetric
    assert np.abs(out - expected).max() <= 1.0  # rounding to 8 bits, in each pass and after averaging
