"""Benchmark: every validation set, both sketch paths, the app's default output as the headline.

    python -m training.evaluate --out runs/bench                       # all sets, shipped models
    python -m training.evaluate --sets stickers --limit 12 --out runs/quick
    python -m training.evaluate --hint-auc --out runs/bench            # also the Hint-AUC protocol

Sets (training.valsets): held-out faces (256 px), stickers/val on white and illustrations/val
(512 px). Paths: "sobel" (the app's default Sobel sketch, the Sobel model) and "line art" (XDoG
line art through the app's line-art path, the line-art model). Methods, on the same seeded strokes
of the project's simulator (region strokes, N = --strokes): "app" (exactly what the Colorize page
shows: the model, region fill with the app's settings unless --fill-* say otherwise, White paper
where the app turns it on (--white-paper), crisp lines on top for line art), "network" (the same
without region fill) and "bucket fill". Metrics: PSNR, SSIM, CIEDE2000, region CIEDE2000, streak
(training.metrics), and a one-stroke test per picture (strokes = "one": coverage, leakage, its harmful
part, the harmful part near the stroked region (its halo) and the far shift).
--hint-auc adds hintauc's protocol (training.hint_auc; needs the evaluation extra).

Writes to --out: benchmark.csv and per_image.csv, hintauc.csv (with --hint-auc), benchmark.json
(command, checkpoints), summary.md, quality_vs_strokes.png, hintauc_curves.png, contact sheets
contact_<set>_<path>.png and the 10-stroke outputs outputs/<set>/<path>/<method>/<name>.png; with
--before DIR (an earlier run's --out), before_after_<set>_<path>.png sheets of both runs' app outputs.
"""
from __future__ import annotations

import argparse
import logging
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from tqdm import tqdm

from colorizer import Colorizer, RegionFill, SketchKind, keep_freed_memory, line_art_sketch, sobel_sketch
from colorizer.pipeline import FLIP_AVERAGE, white_paper_default
from colorizer.shipped import default_checkpoint
from colorizer.__main__ import add_fill_arguments, add_flip_average_argument, fill_from_args
from colorizer.hints import hints_image

from . import hint_auc, results
from .baselines import bucket_fill
from .extractors import xdog_sketch
from .hint_sim import simulate_hints
from .metrics import (ciede2000_lab, lab, one_stroke, one_stroke_region, paper_kept, psnr,
                      region_ciede2000, ssim, streak, stroke_coverage, stroke_leakage, stroke_regions)
from .valsets import DEFAULT_ROOTS, SETS, Picture, load_set

PATHS = {"sobel": SketchKind.SOBEL, "line art": SketchKind.LINE_ART}
METHODS = ("app", "network", "bucket fill")
STROKE_COUNTS = (0, 1, 5, 10, 20)
WHITE_PAPER = ("auto", "on", "off")  # --white-paper; auto is the app's default
ONE = "one"  # the strokes label of the one-stroke test's rows
SHOWN = 10  # stroke count of the saved outputs and contact sheets
STROKE_COLOURS = np.array([[230, 30, 40], [30, 160, 60], [40, 80, 230], [250, 200, 20], [180, 40, 200],
                           [20, 200, 210], [250, 120, 20], [30, 30, 30]], np.uint8)  # one-stroke colours
log = logging.getLogger(__name__)


def path_sketch(kind: SketchKind, picture: np.ndarray) -> np.ndarray:
    """The sketch a path's model sees: the app's default Sobel sketch, or XDoG line art through the
    app's line-art path. uint8 (H, W), dark lines on white."""
    if kind is SketchKind.LINE_ART:
        return np.asarray(line_art_sketch(Image.fromarray(xdog_sketch(picture))))
    return np.asarray(sobel_sketch(Image.fromarray(picture)))


def white_paper_for(kind: SketchKind, sketch: np.ndarray) -> bool:
    """Whether the model's methods are told ``sketch`` (uint8 (H, W)) is on white paper, as --white-paper
    says (_WORKER["white_paper"]: on, off, or auto: the app's default for this sketch)."""
    paper = _WORKER.get("white_paper", "auto")
    return paper == "on" or (paper == "auto" and white_paper_default(Image.fromarray(sketch, "L"), kind))


def run_methods(model: Colorizer, kind: SketchKind, sketch: np.ndarray, rgb: np.ndarray,
                mask: np.ndarray, white_paper: bool | None = None) -> dict[str, np.ndarray]:
    """The three methods' outputs (uint8 RGB, the sketch's size) for one sketch and its hints; "app"
    fills regions with the app's settings (or --fill-* ones, _WORKER["fill"]); the model's two methods
    are told the sketch is on white paper as ``white_paper`` says (None: :func:`white_paper_for`, which
    callers that run one sketch many times compute once and pass)."""
    white_paper = white_paper_for(kind, sketch) if white_paper is None else white_paper
    app, network = model.colorize_each(Image.fromarray(sketch, "L"), hints_image(rgb, mask), kind.lines_on_top,
                                       [_WORKER.get("fill", RegionFill()), None], white_paper)
    return {"app": np.asarray(app), "network": np.asarray(network), "bucket fill": bucket_fill(sketch, rgb, mask)}


def score(output: np.ndarray, target: np.ndarray, target_lab: np.ndarray, regions, mask: np.ndarray) -> dict:
    """Every per-output metric of training.metrics (regions: :func:`stroke_regions`' labels and hinted)."""
    output_lab = lab(output)
    labels, hinted = regions
    return {"psnr": psnr(output, target), "ssim": ssim(output, target),
            "ciede2000": ciede2000_lab(output_lab, target_lab),
            "region_ciede2000": region_ciede2000(output_lab, target_lab, labels, hinted),
            "streak": streak(output_lab, labels, hinted, mask)}


def stroke_rows(model, kind, picture: Picture, index: int, sketch: np.ndarray, hint_sketch: np.ndarray,
                counts: tuple[int, ...], target_lab: np.ndarray, saved: dict, white_paper: bool) -> list[dict]:
    """Rows of every stroke count x method for one picture and path; the SHOWN-stroke outputs go to ``saved``."""
    rows = []
    for count in counts:
        rgb, mask = simulate_hints(picture.rgb, hint_sketch, np.random.default_rng([index, count]), count=count,
                                   region_fraction=1.0)
        regions = stroke_regions(sketch, mask)
        for method, output in run_methods(model, kind, sketch, rgb, mask, white_paper).items():
            rows.append({"strokes": count, "method": method, **score(output, picture.rgb, target_lab, regions, mask)})
            if count == SHOWN:
                saved[method] = output
        if count == SHOWN:
            saved["hints"] = (rgb, mask)
    return rows


def one_stroke_rows(model, kind, picture: Picture, sketch: np.ndarray, target_lab: np.ndarray,
                    white_paper: bool) -> list[dict]:
    """The one-stroke test's rows (one per method): coverage of the stroked region, leakage elsewhere,
    the part of that leakage that moved away from the truth (``target_lab``: Lab of picture.rgb), the
    part on the background (outside the character mask), and the share of that background left white
    (the last two nan without a mask)."""
    region = one_stroke_region(sketch, picture.mask)
    if region is None:
        return []
    rgb, mask = one_stroke(region, picture.rgb, STROKE_COLOURS)
    colour = rgb[mask][0]
    empty = (np.zeros_like(rgb), np.zeros_like(mask))
    with_stroke = run_methods(model, kind, sketch, rgb, mask, white_paper)
    without = run_methods(model, kind, sketch, *empty, white_paper)
    rows = []
    for method in METHODS:
        after, before = lab(with_stroke[method]), lab(without[method])
        paper = None if picture.mask is None else ~picture.mask
        rows.append({"strokes": ONE, "method": method, "coverage": stroke_coverage(after, region, colour),
                     **stroke_leakage(after, before, target_lab, region, paper),
                     "paper": float("nan") if paper is None else paper_kept(after, paper)})
    return rows


def score_picture(models: dict, picture: Picture, index: int, counts: tuple[int, ...], with_hint_auc: bool,
                  out: Path, set_name: str) -> tuple[list[dict], list[dict]]:
    """(benchmark rows, Hint-AUC rows) of one picture on every path; saves its SHOWN-stroke outputs."""
    rows, auc_rows = [], []
    target_lab = lab(picture.rgb)
    protocol_hints = hint_auc.generate(picture.rgb) if with_hint_auc else None
    hint_sketch = path_sketch(SketchKind.SOBEL, picture.rgb)  # strokes are placed on the Sobel sketch's regions
    for path, model in models.items():
        kind = PATHS[path]
        sketch, saved = path_sketch(kind, picture.rgb), {}
        paper = white_paper_for(kind, sketch)  # the app decides once per sketch, so the benchmark does too
        labels = {"set": set_name, "path": path, "image": picture.name}
        picture_rows = stroke_rows(model, kind, picture, index, sketch, hint_sketch, counts, target_lab, saved, paper)
        picture_rows += one_stroke_rows(model, kind, picture, sketch, target_lab, paper)
        rows += [{**labels, **row} for row in picture_rows]
        save_outputs(out / "outputs" / set_name / path, picture.name, sketch, {**saved, "truth": picture.rgb})
        if with_hint_auc:
            colour = lambda *inputs: run_methods(model, kind, *inputs, paper)
            scores = hint_auc.score_picture(picture.rgb, sketch, colour, protocol_hints)
            auc_rows += [{**labels, "method": m, "alpha": a, **v} for m, curve in scores.items() for a, v in curve.items()]
    return rows, auc_rows


def save_outputs(folder: Path, name: str, sketch: np.ndarray, saved: dict) -> None:
    """The SHOWN-stroke outputs of one picture, and its sketch with the strokes drawn on it."""
    if "hints" not in saved:
        return
    rgb, mask = saved.pop("hints")
    shown = np.where(mask[..., None], rgb, np.repeat(sketch[..., None], 3, axis=2))
    for method, image in {"sketch": shown, **saved}.items():
        (folder / method).mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(folder / method / f"{name}.png")


_WORKER: dict = {}


def init_worker(checkpoints: dict[str, str], fill: RegionFill, flip_average: bool = FLIP_AVERAGE,
                white_paper: str = "auto") -> None:
    """A worker process: one thread, the models loaded once (as the app serves them), the region fill."""
    torch.set_num_threads(1)
    keep_freed_memory()
    _WORKER["models"] = {path: Colorizer.load(checkpoint, flip_average=flip_average)
                         for path, checkpoint in checkpoints.items()}
    _WORKER["fill"], _WORKER["white_paper"] = fill, white_paper


def worker_task(task: tuple) -> tuple[list[dict], list[dict]]:
    return score_picture(_WORKER["models"], *task)


def run_all(tasks: list[tuple], checkpoints: dict[str, str], workers: int, fill: RegionFill = RegionFill(),
            flip_average: bool = FLIP_AVERAGE, white_paper: str = "auto") -> tuple[list[dict], list[dict]]:
    """Score every (picture, index, counts, hint_auc, out, set) task, in ``workers`` processes."""
    rows, auc_rows = [], []
    settings = (checkpoints, fill, flip_average, white_paper)
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=settings) as pool:
        for picture_rows, picture_auc in tqdm(pool.map(worker_task, tasks), total=len(tasks), desc="pictures"):
            rows += picture_rows
            auc_rows += picture_auc
    return rows, auc_rows


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    for name in SETS:
        parser.add_argument(f"--{name}", default=DEFAULT_ROOTS[name], help=f"folder of the {name} set")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pictures of each set")
    parser.add_argument("--strokes", type=int, nargs="+", default=list(STROKE_COUNTS))
    parser.add_argument("--paths", nargs="+", choices=list(PATHS), default=list(PATHS), help="sketch paths to score")
    parser.add_argument("--sobel-checkpoint", default=str(default_checkpoint(SketchKind.SOBEL)))
    parser.add_argument("--line-art-checkpoint", default=str(default_checkpoint(SketchKind.LINE_ART)))
    parser.add_argument("--hint-auc", action="store_true", help=f"also run Hint-AUC ({hint_auc.INSTALL})")
    add_fill_arguments(parser)
    add_flip_average_argument(parser)
    parser.add_argument("--white-paper", choices=WHITE_PAPER, default="auto",
                        help="the Colorize page's White paper switch: on or off for every sketch, or auto "
                             "(the app's default: on for an edge sketch of a character on blank paper)")
    parser.add_argument("--workers", type=int, default=2, help="processes (each one thread)")
    parser.add_argument("--before", default=None, help="an earlier benchmark's --out: also write before/after sheets")
    parser.add_argument("--out", default="runs/bench")
    args = parser.parse_args(argv)
    args.fill = fill_from_args(parser, args)
    if args.hint_auc:
        hint_auc.require_hintauc()
    return args


def main(argv: list[str] | None = None) -> dict:
    """Run the benchmark; returns {"benchmark": summary rows, "hint_auc": summary rows}."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = parse_args(argv)
    out = Path(args.out)
    checkpoints = {path: checkpoint for path, checkpoint in
                   {"sobel": args.sobel_checkpoint, "line art": args.line_art_checkpoint}.items() if path in args.paths}
    tasks = [(picture, index, tuple(args.strokes), args.hint_auc, out, name)
             for name in args.sets for index, picture in enumerate(load_set(name, getattr(args, name), args.limit))]
    rows, auc_rows = run_all(tasks, checkpoints, args.workers, args.fill, args.flip_average, args.white_paper)
    command = "python -m training.evaluate " + " ".join(argv if argv is not None else sys.argv[1:])
    summary = results.write(out, rows, auc_rows, command, checkpoints)
    results.contact_sheets(out, args.sets, args.paths, ["sketch", *METHODS, "truth"])
    if args.before:
        results.before_after_sheets(out, Path(args.before), args.sets, args.paths)
    print((out / "summary.md").read_text())
    return summary


if __name__ == "__main__":
    main()
