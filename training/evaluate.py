"""Benchmark: quality by number of hints, against the bucket-fill baseline.

    python -m training.evaluate --data=../shared/data/anime-faces-256/train --out=runs/eval

Scores the checkpoint (default: the shipped one), bucket fill and any ``--extra`` checkpoints
on held-out images with N stroke hints for N in 0, 1, 2, 5, 10, 20, 50. Hints are simulated
once per (image, N, style), written to ``<out>/hints`` and reused, so every method and every
later run sees the same hints. Conditions: the app's Sobel sketch with region-coloured strokes
(how artists scribble), with per-pixel strokes (the dataset's style) and with per-pixel strokes
on the frame recoloured by a hue rotation of 90-270 degrees ("recolour": colours the model cannot
guess from the character, only from the hints), plus Canny and XDoG sketches with region
strokes for robustness. ``--region_fill`` adds rows for each model with the app's region fill
(:mod:`colorizer.regions`) applied to its output. Parquet or hub data with the dataset's
``sketch`` and ``scribbles`` columns is also scored on those ("dataset" rows). Writes
per_image.csv, summary.csv, summary.md and quality_vs_hints.png to ``--out``.
"""
from __future__ import annotations

import argparse
import csv
import logging
import sys
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from colorizer import DEFAULT_CHECKPOINT, Colorizer, keep_freed_memory
from colorizer.hints import hint_arrays, hints_image, resize_hints
from colorizer.pipeline import PRECISIONS
from colorizer.__main__ import add_coarse_argument, add_fill_arguments, fill_from_args
from colorizer.regions import RegionFill, fill_regions

from .augment import rotate_hue
from .baselines import bucket_fill
from .data import load_rows
from .dataset_hints import row_sketch_and_hints
from .extractors import EXTRACTORS
from .hint_sim import simulate_hints
from .metrics import ciede2000, hint_fidelity, leakage, psnr, ssim

BUCKET_FILL = "bucket fill"
STROKE_COUNTS = (0, 1, 2, 5, 10, 20, 50)
STYLES = {"region": 1.0, "pixel": 0.0, "recolour": 0.0}  # share of strokes painted with their region's mean colour
CONDITIONS = (("sobel", "region"), ("sobel", "pixel"), ("sobel", "recolour"), ("canny", "region"), ("xdog", "region"))
FILLED = " + region fill"  # suffix of the method name for a model's output after fill_regions
DATASET = ("dataset", "dataset")  # the hub's own sketch and scribbles columns, when the data has them
DATASET_STROKES = -1  # the "strokes" of rows scored with the dataset's own scribbles
CONDITION_ORDER = {condition: rank for rank, condition in enumerate(CONDITIONS + (DATASET,))}
METRICS = ("psnr", "ssim", "ciede2000", "fidelity", "leakage")
log = logging.getLogger(__name__)


def frozen_hints(folder: Path, index: int, image: np.ndarray, sobel: np.ndarray, style: str,
                 count: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded hints for one image, made once and then read back from ``folder``.

    Hints are placed on the regions of ``sobel`` (the image's app sketch), whatever sketch is scored.
    Returns:
        (hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)).
    """
    path = folder / style / f"{index:05d}_n{count:02d}.png"
    if path.is_file():
        rgba = np.asarray(Image.open(path).convert("RGBA"))
        return rgba[..., :3].copy(), rgba[..., 3] > 0
    rng = np.random.default_rng([index, count, list(STYLES).index(style)])
    rgb, mask = simulate_hints(image, sobel, rng, count=count, region_fraction=STYLES[style])
    path.parent.mkdir(parents=True, exist_ok=True)
    hints_image(rgb, mask).save(path)
    return rgb, mask


def condition_target(image: np.ndarray, index: int, style: str) -> np.ndarray:
    """The picture a condition asks for: the frame; for "recolour" the frame with its hues
    rotated by a fixed per-image angle in 90-270 degrees. uint8 (H, W, 3)."""
    return rotate_hue(image, 90 + (37 * index) % 180) if style == "recolour" else image


def score(output: np.ndarray, target: np.ndarray, sketch: np.ndarray, rgb: np.ndarray, mask: np.ndarray) -> dict:
    return {"psnr": psnr(output, target), "ssim": ssim(output, target), "ciede2000": ciede2000(output, target),
            "fidelity": hint_fidelity(output, rgb, mask), "leakage": leakage(output, target, sketch)}


def enlarge(image: np.ndarray, scale: float) -> np.ndarray:
    """uint8 RGB (H, W, 3) resized by ``scale`` (Lanczos); the same array at 1."""
    if scale == 1:
        return image
    return cv2.resize(image, (round(image.shape[1] * scale), round(image.shape[0] * scale)),
                      interpolation=cv2.INTER_LANCZOS4)


def enlarge_hints(rgb: np.ndarray, mask: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Hints (uint8 (H, W, 3), bool (H, W)) at ``size`` (width, height), resized as the app resizes them."""
    if size == mask.shape[::-1]:
        return rgb, mask
    return hint_arrays(resize_hints(hints_image(rgb, mask), size))


def score_image(index: int, image: np.ndarray, models: dict[str, Colorizer], hints_dir: Path,
                counts: tuple[int, ...], conditions: tuple[tuple[str, str], ...],
                region_fill: RegionFill | None = None, scale: float = 1.0) -> list[dict]:
    """Rows for one image: every condition x stroke count x method.

    Sketches are always made from the frame itself: recolouring changes the colours, not the lines.
    With ``scale`` != 1 the frame is enlarged before it is sketched and coloured, and the hints
    (frozen at the frame's own size) are enlarged with it.
    """
    rows = []
    frame = enlarge(image, scale)
    sketches = {name: EXTRACTORS[name](frame) for name in {c[0] for c in conditions}}
    hint_sketch = sketches["sobel"] if frame is image and "sobel" in sketches else EXTRACTORS["sobel"](image)
    for extractor, style in conditions:
        target = condition_target(image, index, style)
        scored = enlarge(target, scale)
        for count in counts:
            rgb, mask = frozen_hints(hints_dir, index, target, hint_sketch, style, count)
            rgb, mask = enlarge_hints(rgb, mask, scored.shape[1::-1])
            rows += score_methods(models, scored, sketches[extractor], rgb, mask,
                                  {"image": index, "sketch": extractor, "hints": style, "strokes": count}, region_fill)
    return rows


def score_methods(models: dict[str, Colorizer], image: np.ndarray, sketch: np.ndarray, rgb: np.ndarray,
                  mask: np.ndarray, labels: dict, region_fill: RegionFill | None = None) -> list[dict]:
    """One row per method (bucket fill, every model, and each model + region fill if asked)."""
    outputs = {BUCKET_FILL: bucket_fill(sketch, rgb, mask)}
    outputs |= {name: model.colour_arrays(sketch, rgb, mask) for name, model in models.items()}
    if region_fill is not None:
        outputs |= {name + FILLED: fill_regions(outputs[name], sketch, rgb, mask, region_fill) for name in models}
    return [{**labels, "method": method, **score(output, image, sketch, rgb, mask)}
            for method, output in outputs.items()]


def score_dataset_scribbles(index: int, row: dict, models: dict[str, Colorizer]) -> list[dict]:
    """Rows for a hub/parquet row's own ``sketch`` and ``scribbles`` (strokes = DATASET_STROKES).

    Without a ``sketch`` column the app's Sobel sketch of the picture is used. A row whose
    cells cannot be decoded is skipped with a warning.
    """
    try:
        sketch, rgb, mask = row_sketch_and_hints(row)
    except Exception as error:  # a broken cell in someone's parquet: score the rest
        log.warning("Skipping the dataset scribbles of image %d: %s", index, error)
        return []
    return score_methods(models, row["full_colour"], sketch, rgb, mask,
                         {"image": index, "sketch": DATASET[0], "hints": DATASET[1], "strokes": DATASET_STROKES})


def summarise(rows: list[dict]) -> list[dict]:
    """Mean of every metric per (sketch, hints, strokes, method), ignoring nan."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["sketch"], row["hints"], row["strokes"], row["method"]), []).append(row)
    summary = []
    for (sketch, hints, strokes, method), chosen in groups.items():
        means = {m: float(np.nanmean([r[m] for r in chosen])) if any(np.isfinite(r[m]) for r in chosen) else float("nan")
                 for m in METRICS}
        summary.append({"sketch": sketch, "hints": hints, "strokes": strokes, "method": method,
                        "images": len(chosen), **means})
    return sorted(summary, key=lambda s: (CONDITION_ORDER.get((s["sketch"], s["hints"]), 99), s["strokes"], s["method"]))


def strokes_label(strokes: int) -> str:
    return "dataset's own" if strokes == DATASET_STROKES else str(strokes)


def format_value(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def markdown_table(summary: list[dict]) -> str:
    """One table per (sketch, hints) condition."""
    parts = []
    for sketch, hints in dict.fromkeys((s["sketch"], s["hints"]) for s in summary):
        chosen = [s for s in summary if (s["sketch"], s["hints"]) == (sketch, hints)]
        title = "the dataset's own sketch and scribbles" if (sketch, hints) == DATASET else f"{sketch} sketch, {hints} hints"
        parts += [f"**{title}** ({chosen[0]['images']} images)", "",
                  "| strokes | method | PSNR dB ↑ | SSIM ↑ | CIEDE2000 ↓ | hint ΔE ↓ | leakage ↓ |",
                  "|---:|---|---:|---:|---:|---:|---:|"]
        parts += [f"| {strokes_label(s['strokes'])} | {s['method']} | " + " | ".join(format_value(s[m]) for m in METRICS) + " |"
                  for s in chosen]
        parts.append("")
    return "\n".join(parts)


def plot_summary(summary: list[dict], path: Path) -> None:
    """PSNR and CIEDE2000 against the number of strokes (symmetric log axis, so N = 0 shows)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2, figsize=(14, 4.6))
    styles = dict(zip(CONDITIONS, ("-", "--", (0, (5, 1, 1, 1)), ":", "-.")))
    summary = [s for s in summary if s["strokes"] != DATASET_STROKES]  # no stroke count to plot against
    for (sketch, hints, method) in dict.fromkeys((s["sketch"], s["hints"], s["method"]) for s in summary):
        chosen = sorted((s for s in summary if (s["sketch"], s["hints"], s["method"]) == (sketch, hints, method)),
                        key=lambda s: s["strokes"])
        label = f"{method} ({sketch}, {hints})"
        for axis, metric in zip(axes, ("psnr", "ciede2000")):
            axis.plot([s["strokes"] for s in chosen], [s[metric] for s in chosen], linestyle=styles.get((sketch, hints), "-"),
                      marker="o", markersize=3, label=label)
    for axis, title in zip(axes, ("PSNR (dB), higher is better", "CIEDE2000, lower is better")):
        axis.set_xscale("symlog", linthresh=1)
        axis.set_xlabel("number of stroke hints")
        axis.set_title(title)
        axis.grid(alpha=0.3)
    axes[1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_csv(rows: list[dict], path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def write_outputs(rows: list[dict], summary: list[dict], out: Path, header: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(rows, out / "per_image.csv")
    write_csv(summary, out / "summary.csv")
    (out / "summary.md").write_text(header + "\n\n" + markdown_table(summary))
    plot_summary(summary, out / "quality_vs_hints.png")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT), help="model to score (default: shipped)")
    parser.add_argument("--extra", nargs="*", default=[], help="more checkpoints scored in the same run")
    parser.add_argument("--data", default="../shared/data/anime-faces-256/train",
                        help="image folder, parquet file/folder, or pawlo2013/anime_diffusion_full (test split)")
    parser.add_argument("--val_count", type=int, default=200, help="score the last N images (the held-out split)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N held-out images")
    parser.add_argument("--strokes", type=int, nargs="+", default=list(STROKE_COUNTS))
    parser.add_argument("--conditions", nargs="+", default=[f"{s}/{h}" for s, h in CONDITIONS],
                        help="sketch/hints pairs, e.g. sobel/region canny/region; sketches: "
                        f"{', '.join(EXTRACTORS)}; hints: {', '.join(STYLES)}")
    parser.add_argument("--no_dataset_scribbles", action="store_true",
                        help="skip scoring the data's own sketch/scribbles columns (parquet or hub data)")
    parser.add_argument("--region_fill", action="store_true",
                        help="also score every model with the app's region fill applied to its output")
    add_fill_arguments(parser)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="enlarge each frame and its frozen hints by this factor before sketching and colouring "
                             "(2: 256 px frames at the app's 512 px working size)")
    parser.add_argument("--precision", choices=PRECISIONS, default="auto",
                        help="dtype the models run in, as in the app (auto: bfloat16 where the CPU has it natively)")
    add_coarse_argument(parser)
    parser.add_argument("--out", default="runs/eval")
    args = parser.parse_args(argv)
    args.region_fill = fill_from_args(parser, args) if args.region_fill else None
    args.conditions = [tuple(condition.split("/")) for condition in args.conditions]
    for condition in args.conditions:
        if len(condition) != 2 or condition[0] not in EXTRACTORS or condition[1] not in STYLES:
            parser.error(f"unknown condition '{'/'.join(condition)}': use sketch/hints with a sketch from "
                         f"{', '.join(EXTRACTORS)} and hints from {', '.join(STYLES)}, e.g. sobel/region")
    return args


def method_names(checkpoint: str, extra: list[str]) -> list[str]:
    """Row labels: "model" for ``checkpoint``, each extra its file stem, or folder/stem where stems repeat
    (runs/a/final.pt and runs/b/final.pt become a/final and b/final)."""
    stems = [Path(path).stem for path in extra]
    names = ["model"] + [f"{Path(path).parent.name}/{stem}" if stems.count(stem) > 1 else stem
                         for path, stem in zip(extra, stems)]
    if len(set(names)) < len(names):
        raise SystemExit(f"Two checkpoints would share a row label ({', '.join(names)}); "
                         "give each --extra checkpoint its own file name.")
    return names


def main(argv: list[str] | None = None) -> list[dict]:
    args = parse_args(argv)
    keep_freed_memory()
    models = {name: Colorizer.load(path, precision=args.precision, coarse_side=args.coarse_side)
              for name, path in zip(method_names(args.checkpoint, args.extra), [args.checkpoint, *args.extra])}
    split = "test" if "/" in args.data and not Path(args.data).exists() else "train"
    data = load_rows(args.data, split=split)
    data = (data if split == "test" else data[-args.val_count:])[:args.limit]
    out = Path(args.out)
    rows = []
    for index, row in enumerate(tqdm(data, desc="images")):
        rows += score_image(index, row["full_colour"], models, out / "hints", tuple(args.strokes),
                            tuple(args.conditions), args.region_fill, args.scale)
        if "scribbles" in row and not args.no_dataset_scribbles:
            rows += score_dataset_scribbles(index, row, models)
    summary = summarise(rows)
    header = (f"Data: {args.data} ({len(data)} held-out images); model: {args.checkpoint} in "
              f"{models['model'].dtype_name}. Command: "
              f"`python -m training.evaluate {' '.join(argv if argv is not None else sys.argv[1:])}`")
    write_outputs(rows, summary, out, header)
    print(markdown_table(summary))
    return summary


if __name__ == "__main__":
    main()
