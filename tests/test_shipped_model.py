"""Checks on the committed model in models/ (real weights, still fast on a CPU)."""
import dataclasses

import numpy as np
import pytest
from PIL import Image

from colorizer import DEFAULT_CHECKPOINT, LINE_ART_CHECKPOINT, Colorizer, SketchKind, line_art_sketch, sobel_sketch
from tests.synthetic import three_region_frame

STROKES = {  # band index -> stroke colour
    0: (220, 40, 40),
    1: (40, 90, 220),
    2: (240, 200, 40),
}


@pytest.fixture(scope="module")
def shipped():
    assert DEFAULT_CHECKPOINT.is_file(), "models/colorizer.pt must be committed"
    return Colorizer.load()


@pytest.fixture(scope="module")
def line_art_model():
    assert LINE_ART_CHECKPOINT.is_file(), "models/colorizer_line_art.pt must be committed"
    return Colorizer.load(kind=SketchKind.LINE_ART)


def three_strokes(width=300, height=500) -> Image.Image:
    hints = np.zeros((height, width, 4), np.uint8)
    for band, colour in STROKES.items():
        y = band * height // 3 + height // 6
        hints[y - 3:y + 3, width // 4: 3 * width // 4] = (*colour, 255)
    return Image.fromarray(hints, "RGBA")


def test_shipped_checkpoint_describes_itself(shipped):
    meta = shipped.meta
    assert meta["steps"] > 0 and meta["train_images"] > 0
    assert shipped.parameter_count > 100_000
    assert DEFAULT_CHECKPOINT.stat().st_size < 30 * 2**20


def test_line_art_checkpoint_is_a_fine_tune_on_line_art(shipped, line_art_model):
    assert line_art_model.path == LINE_ART_CHECKPOINT and shipped.path == DEFAULT_CHECKPOINT
    assert LINE_ART_CHECKPOINT.stat().st_size < 30 * 2**20
    # the same network; the Sobel model alone has gained the region hints (docs/experiments.md, round 14)
    assert line_art_model.config == dataclasses.replace(shipped.config, region_hints=False)
    assert line_art_model.meta["warm_start"]["checkpoint"].startswith("models/")  # a committed ancestor
    assert line_art_model.meta["samples"]["sketches"] == "line art"
    assert line_art_model.meta["steps"] > 0


@pytest.mark.parametrize("line_art", [False, True], ids=["sobel-model", "line-art-model"])
def test_three_strokes_colour_their_regions(shipped, line_art_model, line_art):
    model = line_art_model if line_art else shipped
    frame = three_region_frame(300, 500)
    sketch = line_art_sketch(frame) if line_art else sobel_sketch(frame)
    hints = three_strokes()
    result = model.colorize(sketch, hints, lines_on_top=line_art)
    assert result.mode == "RGB" and result.size == (300, 500)
    output = np.asarray(result, dtype=np.float64)
    painted = np.asarray(hints)[..., 3] > 0
    colours = np.array(list(STROKES.values()), dtype=np.float64)
    for band, colour in STROKES.items():
        rows = slice(band * 500 // 3 + 12, (band + 1) * 500 // 3 - 12)
        under = output[rows][painted[rows]].mean(axis=0)
        assert np.linalg.norm(under - colour) < 45, f"band {band}: {under} under a {colour} stroke"
        region = output[rows, 12:-12].reshape(-1, 3).mean(axis=0)
        nearest = np.argmin(np.linalg.norm(colours - region, axis=1))
        assert nearest == band, f"band {band} is filled with {region}, nearer another stroke's colour"


def test_resume_checkpoints_load_with_the_code_in_the_tree():
    """The shipped models and any file in models/resume/ are the weights the next training round starts
    from (--init_from): a change to the network's code must keep them loadable."""
    from colorizer.checkpoint import load_model

    resume = [DEFAULT_CHECKPOINT, LINE_ART_CHECKPOINT, *sorted((DEFAULT_CHECKPOINT.parent / "resume").glob("*.pt"))]
    for path in resume:
        model, payload = load_model(path)
        assert payload["meta"]["steps"] > 0 and not model.training
