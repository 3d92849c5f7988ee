"""Line art on real paper: phone photos under uneven light, and pencil scans with smudges, through the
app's line-art path.

    python -m training.paper_eval --out runs/paper                   # every set
    python -m training.paper_eval --sets stickers --limit 12 --out runs/quick

Each validation picture's XDoG line art (the line-art path's benchmark input) is
- "photographed" by :func:`photograph`: a seeded light falling off across the page by PHOTO_FALLOFF,
  a vignette, a warm tint and sensor noise, and sketched with the paper's lighting evened out (the
  app's default, colorizer.sketch.paper_lighting) and without ("photo, not evened");
- "smudged" by :func:`smudge`: soft pencil smudges, faint construction lines and grain, and sketched
  as it is and with *Erase faint marks* at PENCIL_ERASE ("smudged, erased"); the clean line art is
  sketched at PENCIL_ERASE too ("scan, erased": what erasing costs where there is nothing to erase).
Ten region strokes of the project's simulator are painted, and the app's default output (region fill,
crisp lines on top) is scored.
Metrics: PSNR against the picture, and "paper": the share of the scan sketch's paper (pixels the
region fill does not take for lines) that is paper in the sketch too.
Writes per_image.csv, summary.md (means, and paired 95 % intervals of each fix against the sketch
without it) and contact sheets contact_<set>_line_art.png.
"""
from __future__ import annotations

import argparse
import sys

import cv2
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

METHODS = ("scan", "photo", "photo, not evened", "smudged", "smudged, erased", "scan, erased")
GAINS = {"evened": ("photo", "photo, not evened"), "erased": ("smudged, erased", "smudged")}  # (with, without)
PHOTO_FALLOFF = (0.25, 0.55)  # how much darker the far side of the page is than the lit side (a share)
PENCIL_ERASE = 0.2  # *Erase faint marks* for the smudged scans, as its help suggests for a pencil scan
SHEET_COLUMNS = ["the photo", "photo, not evened", "photo", "smudged sketch", "smudged", "smudged, erased", "scan"]
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


def smudge(lines: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Line art as a pencil scan: uint8 (H, W) dark lines on white in and out, with soft smudges (up to 30 %
    of black), a dozen faint construction lines (8-20 %) and grain."""
    height, width = lines.shape
    blobs = cv2.GaussianBlur(rng.normal(size=(height, width)).astype(np.float32), (0, 0), 12 * max(height, width) / 512)
    blobs = np.clip((blobs / max(float(blobs.std()), 1e-6) - 1.0) * 0.12, 0.0, 0.3)
    construction = np.zeros((height, width), np.float32)
    for _ in range(12):
        ends = rng.integers(0, (width, height), (2, 2))
        cv2.line(construction, tuple(map(int, ends[0])), tuple(map(int, ends[1])), float(rng.uniform(0.08, 0.2)), 1)
    paper = (lines.astype(np.float32) / 255) * (1 - blobs) * (1 - construction)
    return np.clip(np.round((paper - rng.normal(0, 0.02, paper.shape)) * 255), 0, 255).astype(np.uint8)


def sketches(lines: np.ndarray, index: int) -> tuple[dict[str, Image.Image], Image.Image]:
    """Each method's sketch ("L") of one picture's line art (uint8 (H, W)), and the photo (RGB)."""
    photo = Image.fromarray(photograph(lines, np.random.default_rng([index, 11])))
    smudged = Image.fromarray(smudge(lines, np.random.default_rng([index, 12])))
    scan = Image.fromarray(lines)
    return {"scan": line_art_sketch(scan), "photo": line_art_sketch(photo),
            "photo, not evened": line_art_sketch(photo, even_lighting=False), "smudged": line_art_sketch(smudged),
            "smudged, erased": line_art_sketch(smudged, erase_faint=PENCIL_ERASE),
            "scan, erased": line_art_sketch(scan, erase_faint=PENCIL_ERASE)}, photo


def score_picture(task: tuple) -> list[dict]:
    """Rows (set, method, image, psnr, paper) of one picture; the first CONTACT_PICTURES of each set also
    save their pictures under ``out``/outputs for the contact sheets."""
    picture, index, set_name, out = task
    made, photo = sketches(xdog_sketch(picture.rgb), index)
    hints, fill = simulated_strokes(picture.rgb, index), RegionFill()
    paper = np.asarray(made["scan"]) >= fill.line_level
    rows, saved = [], {"the photo": photo, "truth": Image.fromarray(picture.rgb)}
    for method, sketch in made.items():
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
    """Markdown: mean PSNR and paper share per set and method; paired gains of evening and erasing."""
    gains = [f"{name}: {a} - {b}, dB [95 %]" for name, (a, b) in GAINS.items()]
    lines = [f"`{command}`", "", f"| set | {' | '.join(METHODS)} | {' | '.join(gains)} |",
             "|---|" + "---:|" * (len(METHODS) + len(GAINS))]
    for set_name in dict.fromkeys(r["set"] for r in rows):
        mine = {m: [r for r in rows if (r["set"], r["method"]) == (set_name, m)] for m in METHODS}
        cells = [f"{np.mean([r['psnr'] for r in mine[m]]):.2f} ({np.mean([r['paper'] for r in mine[m]]):.0%})"
                 for m in METHODS]
        for with_fix, without in GAINS.values():
            gain = np.array([a["psnr"] - b["psnr"] for a, b in zip(mine[with_fix], mine[without])])
            mean, low, high = paired_interval(gain, np.random.default_rng(0))
            cells.append(f"{mean:+.2f} [{low:+.2f}, {high:+.2f}]")
        lines.append(f"| {set_name} | {' | '.join(cells)} |")
    return "\n".join(lines + ["", "Cells: mean PSNR of the app's output (dB), and the share of the scan's paper "
                                  "that the sketch keeps as paper."]) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_options(parser)
    parser.add_argument("--checkpoint", default=str(default_checkpoint(SketchKind.LINE_ART)))
    args = parser.parse_args(argv)
    rows = score_sets(args, score_picture, init_worker, (args.checkpoint,))
    command = "python -m training.paper_eval " + " ".join(sys.argv[1:] if argv is None else argv)
    write_side_run(args.out, rows, summary(rows, command), args.sets, ["line art"], SHEET_COLUMNS)


if __name__ == "__main__":
    main()
