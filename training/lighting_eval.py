"""Photos of drawings: line art photographed under uneven light, through the app's line-art path.

    python -m training.lighting_eval --out runs/lighting               # every set
    python -m training.lighting_eval --sets stickers --limit 12 --out runs/quick

Each validation picture's XDoG line art (the line-art path's benchmark input) is "photographed" by
:func:`photograph`: a seeded light falling off across the page by PHOTO_FALLOFF, a vignette, a warm
tint and sensor noise. Ten region strokes of the project's simulator are painted, and the app's
default output (region fill, crisp lines on top) is scored for the line art as scanned, the photo
with the paper's lighting evened out (colorizer.sketch.paper_lighting, the app's default) and the
photo as it was sketched before that ("not evened").
Metrics: PSNR against the picture, and "paper": the share of the scan sketch's paper (pixels the
region fill does not take for lines) that is paper in the photo's sketch too.
Writes per_image.csv, summary.md (means, and paired 95 % intervals of evened minus not evened) and
contact sheets contact_<set>_line art.png.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
from PIL import Image

from colorizer import Colorizer, RegionFill, SketchKind, keep_freed_memory, line_art_sketch
from colorizer.shipped import default_checkpoint

from .compare import paired_interval
from .extractors import xdog_sketch
from .metrics import psnr
from .motion_eval import save_pictures, simulated_strokes
from .results import CONTACT_PICTURES, write_side_run
from .valsets import add_set_options, score_sets

METHODS = ("scan", "evened", "not evened")
PHOTO_FALLOFF = (0.25, 0.55)  # how much darker the far side of the page is than the lit side (a share)
SHEET_COLUMNS = ["photo", "not evened sketch", "not evened", "evened sketch", "evened", "scan"]
_MODEL: dict = {}


def photograph(lines: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Line art as a phone photo: uint8 (H, W) dark lines on white in, uint8 (H, W, 3) RGB out, lit from a
    random side (falling off by PHOTO_FALLOFF across the page), with a vignette, a warm tint and noise."""
    height, width = lines.shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) / max(height, width)
    angle = rng.uniform(0, 2 * np.pi)
    slope = (np.cos(angle) * (x - x.mean()) + np.sin(angle) * (y - y.mean()))
    light = 1 - rng.uniform(*PHOTO_FALLOFF) * (slope - slope.min()) / max(np.ptp(slope), 1e-6)
    light *= 1 - 0.3 * ((x - x.mean()) ** 2 + (y - y.mean()) ** 2)
    tint = np.array([1.0, 0.96, 0.88], np.float32) * rng.uniform(0.85, 0.95)
    photo = (lines[..., None] * 0.85 + 20) * light[..., None] * tint + rng.normal(0, 3, (height, width, 3))
    return np.clip(np.round(photo), 0, 255).astype(np.uint8)


def score_picture(task: tuple) -> list[dict]:
    """Rows (set, method, image, psnr, paper) of one picture; the first CONTACT_PICTURES of each set also
    save their pictures under ``out``/outputs for the contact sheets."""
    picture, index, set_name, out = task
    lines = xdog_sketch(picture.rgb)
    photo = Image.fromarray(photograph(lines, np.random.default_rng([index, 11])))
    sketches = {"scan": line_art_sketch(Image.fromarray(lines)), "evened": line_art_sketch(photo),
                "not evened": line_art_sketch(photo, even_lighting=False)}
    hints, fill = simulated_strokes(picture.rgb, index), RegionFill()
    paper = np.asarray(sketches["scan"]) >= fill.line_level
    rows, saved = [], {"photo": photo, "truth": Image.fromarray(picture.rgb)}
    for method, sketch in sketches.items():
        output = _MODEL["line art"].colorize(sketch, hints, SketchKind.LINE_ART.lines_on_top, fill)
        kept = float((np.asarray(sketch)[paper] >= fill.line_level).mean())
        rows.append({"set": set_name, "method": method, "image": picture.name,
                     "psnr": psnr(np.asarray(output), picture.rgb), "paper": kept})
        saved[method], saved[f"{method} sketch"] = output, sketch
    if index < CONTACT_PICTURES:
        save_pictures(out / "outputs" / set_name / "line art", picture.name, saved)
    return rows


def init_worker(checkpoint: str) -> None:
    import torch
    torch.set_num_threads(1)
    keep_freed_memory()
    _MODEL["line art"] = Colorizer.load(checkpoint)


def summary(rows: list[dict], command: str) -> str:
    """Markdown: mean PSNR and paper share per set and method; paired evened - not evened."""
    lines = [f"`{command}`", "", "| set | " + " | ".join(METHODS) + " | evened - not evened, dB [95 %] |",
             "|---|" + "---:|" * (len(METHODS) + 1)]
    for set_name in dict.fromkeys(r["set"] for r in rows):
        mine = {m: [r for r in rows if (r["set"], r["method"]) == (set_name, m)] for m in METHODS}
        cells = [f"{np.mean([r['psnr'] for r in mine[m]]):.2f} ({np.mean([r['paper'] for r in mine[m]]):.0%})"
                 for m in METHODS]
        gain = np.array([a["psnr"] - b["psnr"] for a, b in zip(mine["evened"], mine["not evened"])])
        mean, low, high = paired_interval(gain, np.random.default_rng(0))
        lines.append(f"| {set_name} | {' | '.join(cells)} | {mean:+.2f} [{low:+.2f}, {high:+.2f}] |")
    return "\n".join(lines + ["", "Cells: mean PSNR of the app's output (dB), and the share of the scan's paper "
                                  "that the sketch keeps as paper."]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_options(parser)
    parser.add_argument("--checkpoint", default=str(default_checkpoint(SketchKind.LINE_ART)))
    args = parser.parse_args(argv)
    rows = score_sets(args, score_picture, init_worker, (args.checkpoint,))
    command = "python -m training.lighting_eval " + " ".join(sys.argv[1:] if argv is None else argv)
    write_side_run(args.out, rows, summary(rows, command), args.sets, ["line art"], SHEET_COLUMNS)


if __name__ == "__main__":
    main()
