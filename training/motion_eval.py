"""Scribbles that follow the motion: scribbles painted on one frame, used on the next frame of a cut.

    python -m training.motion_eval --out runs/motion                 # every set, both paths
    python -m training.motion_eval --sets stickers --limit 12 --out runs/quick

The validation sets have no frame sequences, so each picture (training.valsets) gets a second frame
by a seeded smooth motion: a pan, a turn and a zoom, plus a gentle bend of up to a few pixels, at
the strengths of MOTIONS. Ten region strokes of the project's simulator are painted on the first
frame. The app's default output of the second frame (region fill, White paper where the app turns
it on, crisp lines for line art) is scored with the scribbles "laid on" unchanged (the Batch page
before motion following), "moved" by colorizer.motion.follow_motion, and "painted on it" (the
simulator's strokes on the second frame: the ceiling).
Metrics: PSNR against the second frame, and "on colour": the share of stroke pixels within
HINT_TOLERANCE (RGB) of the mean colour of the second frame's region they lie in.
Writes per_image.csv, summary.md (means, and paired 95 % intervals of "moved" minus "laid on") and
contact sheets contact_<set>_<path>.png of the large motion: the first frame with its strokes, the
second with the strokes laid on and moved, the app's outputs, and the second frame itself.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from colorizer import RegionFill, SketchKind
from colorizer.hints import hints_image
from colorizer.layers import scribbles_over
from colorizer.motion import follow_motion
from colorizer.pipeline import white_paper_default
from colorizer.regions import HINT_TOLERANCE, fill_labels, region_means

from .compare import paired_interval
from .evaluate import PATHS, path_sketch
from .hint_sim import simulate_hints
from .metrics import psnr
from .results import CONTACT_PICTURES
from .valsets import WORKER_MODELS, Picture, run_path_benchmark

MOTIONS = {"still": (0.0, 0.0, 0.0, 0.0), "small": (0.03, 3.0, 0.03, 3.0), "large": (0.08, 8.0, 0.08, 8.0)}
# (pan as a share of the side, turn in degrees, zoom as a share, bend in px at 512 px)
METHODS = ("laid on", "moved", "painted on it")
STROKES = 10
SHOWN = "large"  # the motion whose pictures the contact sheets show
SHEET_COLUMNS = ["painted on", "laid on strokes", "laid on", "moved strokes", "moved", "truth"]


def smooth_motion(shape: tuple[int, int], rng: np.random.Generator, pan: float, turn: float, zoom: float,
                  bend: float) -> np.ndarray:
    """A random smooth motion: float32 (H, W, 2), for each pixel of the new frame its (x, y) in the old one."""
    height, width = shape
    forward = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-turn, turn), 1 + rng.uniform(-zoom, zoom))
    forward[:, 2] += rng.uniform(-pan, pan, 2) * (width, height)
    back = cv2.invertAffineTransform(forward)
    grid_y, grid_x = np.mgrid[0:height, 0:width].astype(np.float32)
    where = np.stack([back[i, 0] * grid_x + back[i, 1] * grid_y + back[i, 2] for i in range(2)], axis=-1)
    coarse = rng.normal(size=(height // 128 + 2, width // 128 + 2, 2)).astype(np.float32)
    field = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    return (where + field / max(np.abs(field).max(), 1e-6) * bend * max(shape) / 512).astype(np.float32)


def next_frame(picture: Picture, where: np.ndarray) -> np.ndarray:
    """The picture moved by ``where`` (uint8 RGB): white comes in at the edges of a picture on white paper."""
    border = cv2.BORDER_CONSTANT if picture.mask is not None else cv2.BORDER_REFLECT101
    return cv2.remap(picture.rgb, where[..., 0], where[..., 1], cv2.INTER_LINEAR, borderMode=border,
                     borderValue=(255, 255, 255))


def on_colour(hints: Image.Image, frame: np.ndarray, sketch: np.ndarray) -> float:
    """Share of stroke pixels off the lines whose colour is within HINT_TOLERANCE of their region's mean colour."""
    strokes = np.asarray(hints)
    labels = fill_labels(sketch, RegionFill())
    painted = (strokes[..., 3] > 0) & (labels > 0)
    if not painted.any():
        return float("nan")
    means = region_means(frame, labels)[1]
    distance = np.linalg.norm(strokes[..., :3][painted].astype(np.float64) - means[labels[painted]], axis=1)
    return float((distance <= HINT_TOLERANCE).mean())


def simulated_strokes(rgb: np.ndarray, index: int) -> Image.Image:
    """The simulator's STROKES region strokes on a picture (uint8 RGB), seeded by the picture's index: RGBA."""
    strokes = simulate_hints(rgb, path_sketch(SketchKind.SOBEL, rgb), np.random.default_rng([index, STROKES]),
                             count=STROKES, region_fraction=1.0)
    return hints_image(*strokes)


def frame_hints(picture: Picture, index: int, frame: np.ndarray, previous: np.ndarray,
                current: np.ndarray) -> dict[str, Image.Image]:
    """Each method's scribbles for the second frame ``frame`` (RGBA at its size); ``previous`` and ``current``
    are the two frames' sketches (uint8)."""
    first, painted = simulated_strokes(picture.rgb, index), simulated_strokes(frame, index)
    before, after = Image.fromarray(previous, "L"), Image.fromarray(current, "L")
    return {"laid on": first, "moved": follow_motion(first, before, after), "painted on it": painted}


def score_picture(task: tuple) -> list[dict]:
    """Rows (set, path, motion, method, image, psnr, on_colour) of one picture; the first CONTACT_PICTURES of
    each set also save the SHOWN motion's pictures under ``out``/outputs for the contact sheets."""
    picture, index, set_name, out = task
    rows = []
    for motion, strengths in MOTIONS.items():
        frame = next_frame(picture, smooth_motion(picture.rgb.shape[:2], np.random.default_rng([index, 7]), *strengths))
        for path, kind in PATHS.items():
            model, previous, current = WORKER_MODELS[path], path_sketch(kind, picture.rgb), path_sketch(kind, frame)
            sketch, saved = Image.fromarray(current, "L"), {"truth": Image.fromarray(frame)}
            paper = white_paper_default(sketch, kind)
            methods = frame_hints(picture, index, frame, previous, current)
            for method, hints in methods.items():
                output = model.colorize(sketch, hints, kind.lines_on_top, RegionFill(), paper)
                rows.append({"set": set_name, "path": path, "motion": motion, "method": method, "image": picture.name,
                             "psnr": psnr(np.asarray(output), frame), "on_colour": on_colour(hints, frame, current)})
                saved[method], saved[f"{method} strokes"] = output, scribbles_over(sketch, hints)
            if motion == SHOWN and index < CONTACT_PICTURES:
                saved["painted on"] = scribbles_over(Image.fromarray(previous, "L"), methods["laid on"])
                save_pictures(out / "outputs" / set_name / path, picture.name, saved)
    return rows


def save_pictures(folder: Path, name: str, saved: dict[str, Image.Image]) -> None:
    for column, image in saved.items():
        (folder / column).mkdir(parents=True, exist_ok=True)
        image.save(folder / column / f"{name}.png")


def summary(rows: list[dict], command: str) -> str:
    """Markdown: mean PSNR and on-colour share per set, path, motion and method; paired moved - laid on."""
    lines = [f"`{command}`", "", "| set | path | motion | " + " | ".join(METHODS) + " | moved - laid on, dB [95 %] |",
             "|---|---|---|" + "---:|" * (len(METHODS) + 1)]
    keys = sorted({(r["set"], r["path"], r["motion"]) for r in rows}, key=lambda k: (k[0], k[1], list(MOTIONS).index(k[2])))
    for key in keys:
        mine = [r for r in rows if (r["set"], r["path"], r["motion"]) == key]
        cells = []
        for method in METHODS:
            picked = [r for r in mine if r["method"] == method]
            cells.append(f"{np.mean([r['psnr'] for r in picked]):.2f} ({np.nanmean([r['on_colour'] for r in picked]):.0%})")
        by = {m: np.array([r["psnr"] for r in mine if r["method"] == m]) for m in ("moved", "laid on")}
        mean, low, high = paired_interval(by["moved"] - by["laid on"], np.random.default_rng(0))
        lines.append(f"| {' | '.join(key)} | {' | '.join(cells)} | {mean:+.2f} [{low:+.2f}, {high:+.2f}] |")
    return "\n".join(lines + ["", "Cells: mean PSNR of the app's output (dB), and the share of stroke pixels on their "
                                  "region's colour."]) + "\n"


def main(argv: list[str] | None = None) -> None:
    run_path_benchmark(argv, "training.motion_eval", __doc__, score_picture, summary, SHEET_COLUMNS)


if __name__ == "__main__":
    main()
