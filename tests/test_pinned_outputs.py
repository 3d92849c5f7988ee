"""The shipped models' outputs, pinned: a refactor must not change what the app shows.

Each case colours a synthetic picture (tests.synthetic, seeded) with a shipped model as the
app does and compares the result with a PNG in tests/pinned/, made by

    .venv/bin/python -m tests.test_pinned_outputs   # rewrites tests/pinned/ (only when the models change)

The references are keyed by the checkpoints' SHA-256, so a new model fails here until its
references are made on purpose; a deliberate change of the pipeline (as region fill's stroke
footprint was) remakes them too, in the same commit. On the CPU the references were made on (same model and oneDNN
instruction set) the outputs must be byte-identical; elsewhere convolutions round differently,
so a few 8-bit levels of difference are allowed there.
"""
from __future__ import annotations

import hashlib
import json
import platform
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from colorizer import (DEFAULT_CHECKPOINT, LINE_ART_CHECKPOINT, Colorizer, RegionFill, SketchKind, line_art_sketch,
                       sobel_sketch)
from tests.synthetic import anime_frame

PINNED = Path(__file__).resolve().parent / "pinned"
CASES = {  # name: (line-art model?, picture side, region fill?, lines on top?)
    "sobel-fill-160": (False, 160, True, False),
    "sobel-plain-200x120": (False, (200, 120), False, False),
    "line-art-fill-400": (True, 400, True, True),
}


def checkpoint_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def case_inputs(side) -> tuple[Image.Image, Image.Image]:
    """A seeded synthetic frame and five strokes sampled from its own colours (RGBA hints)."""
    width, height = (side, side) if isinstance(side, int) else side
    rng = np.random.default_rng(width * 1000 + height)
    frame = anime_frame(rng, width, height, shapes=6)
    pixels = np.asarray(frame)
    hints = np.zeros((height, width, 4), np.uint8)
    for _ in range(5):
        y, x = int(rng.integers(4, height - 4)), int(rng.integers(4, width - 12))
        hints[y - 2:y + 2, x:x + 10] = (*pixels[y, x], 255)
    return frame, Image.fromarray(hints, "RGBA")


def run_case(models: dict[bool, Colorizer], name: str) -> np.ndarray:
    line_art, side, fill, on_top = CASES[name]
    frame, hints = case_inputs(side)
    sketch = line_art_sketch(sobel_sketch(frame, binarize=True)) if line_art else sobel_sketch(frame)
    result = models[line_art].colorize(sketch, hints, lines_on_top=on_top, region_fill=RegionFill() if fill else None)
    return np.asarray(result)


def cpu_model() -> str:
    """The CPU's model name: the instruction set flags alone do not fix oneDNN's kernels (an AMD
    EPYC with AVX512-BF16 rounds differently from an Intel CPU with AMX)."""
    info = Path("/proc/cpuinfo")
    names = [line.split(":", 1)[1].strip() for line in (info.read_text().splitlines() if info.exists() else [])
             if line.startswith("model name")]
    return names[0] if names else platform.processor()


def cpu_signature() -> str:
    return (f"{torch.backends.cpu.get_cpu_capability()} bf16={torch.ops.mkldnn._is_mkldnn_bf16_supported()} "
            f"{cpu_model()}")


@pytest.fixture(scope="module")
def models():
    return {False: Colorizer.load(), True: Colorizer.load(kind=SketchKind.LINE_ART)}


@pytest.fixture(scope="module")
def manifest():
    return json.loads((PINNED / "manifest.json").read_text())


def test_references_belong_to_the_shipped_checkpoints(manifest):
    assert manifest["checkpoints"] == {"sobel": checkpoint_digest(DEFAULT_CHECKPOINT),
                                       "line_art": checkpoint_digest(LINE_ART_CHECKPOINT)}, \
        "The shipped models changed: check their outputs, then run `python -m tests.test_pinned_outputs`."


@pytest.mark.parametrize("name", list(CASES))
def test_output_matches_its_pinned_reference(models, manifest, name):
    output = run_case(models, name)
    reference = np.asarray(Image.open(PINNED / f"{name}.png").convert("RGB"))
    assert output.shape == reference.shape
    if manifest["cpu"] == cpu_signature():
        assert np.array_equal(output, reference), f"{name}: {np.count_nonzero(output != reference)} values differ"
    else:
        difference = np.abs(output.astype(int) - reference)
        assert difference.max() <= 12 and difference.mean() < 0.5, f"{name}: differs by up to {difference.max()}"


def write_references() -> None:
    models = {False: Colorizer.load(), True: Colorizer.load(kind=SketchKind.LINE_ART)}
    PINNED.mkdir(exist_ok=True)
    for name in CASES:
        Image.fromarray(run_case(models, name)).save(PINNED / f"{name}.png")
    manifest = {"cpu": cpu_signature(), "checkpoints": {"sobel": checkpoint_digest(DEFAULT_CHECKPOINT),
                                                        "line_art": checkpoint_digest(LINE_ART_CHECKPOINT)}}
    (PINNED / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")


if __name__ == "__main__":
    write_references()
