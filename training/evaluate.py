"""Score checkpoints against the bucket-fill baseline on held-out images with seeded hints.

    python -m training.evaluate --data=../shared/data/anime-faces-256/train --strokes 10 \
        --extra runs/prototype/final.pt --out=runs/eval

Every method sees exactly the same sketches and hints (seeded by image index and stroke count).
"""
from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from tqdm import tqdm

from colorizer import DEFAULT_CHECKPOINT, Colorizer

from .baselines import bucket_fill
from .data import load_images, make_eval_sample
from .metrics import ciede2000, psnr

BUCKET_FILL = "bucket fill"


def held_out(data: str, val_count: int, limit: int | None) -> list[np.ndarray]:
    """The last ``val_count`` usable images of ``data`` (the training run's validation split)."""
    images = load_images(data)
    return images[-val_count:][:limit]


def sample_arrays(sample: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sketch uint8 (H, W), hint_rgb uint8 (H, W, 3), hint_mask bool (H, W)) of a packed sample."""
    packed = sample["input"]
    sketch = np.round((packed[0] + 1) * 127.5).astype(np.uint8)
    mask = np.any(packed[1:] != 0, axis=0)
    hint_rgb = np.round((packed[1:].transpose(1, 2, 0) + 1) * 127.5).astype(np.uint8) * mask[..., None]
    return sketch, hint_rgb, mask


def score_methods(images: list[np.ndarray], models: dict[str, Colorizer], strokes: list[int]) -> list[dict]:
    """One row per (method, strokes, image) with PSNR and CIEDE2000."""
    rows = []
    for index, image in enumerate(tqdm(images, desc="evaluating")):
        for count in strokes:
            sample = make_eval_sample(image, index, count)
            outputs = {BUCKET_FILL: bucket_fill(*sample_arrays(sample))}
            outputs.update({name: model.predict(sample["input"]) for name, model in models.items()})
            for method, output in outputs.items():
                rows.append({"method": method, "strokes": count, "image": index,
                             "psnr": psnr(output, image), "ciede2000": ciede2000(output, image)})
    return rows


def summarise(rows: list[dict]) -> list[dict]:
    """Mean PSNR and CIEDE2000 per (method, strokes)."""
    keys = sorted({(r["method"], r["strokes"]) for r in rows}, key=lambda k: (k[1], k[0]))
    summary = []
    for method, count in keys:
        chosen = [r for r in rows if r["method"] == method and r["strokes"] == count]
        summary.append({"method": method, "strokes": count, "images": len(chosen),
                        "psnr": float(np.mean([r["psnr"] for r in chosen])),
                        "ciede2000": float(np.mean([r["ciede2000"] for r in chosen]))})
    return summary


def markdown_table(summary: list[dict]) -> str:
    lines = ["| method | strokes | images | PSNR (dB, higher is better) | CIEDE2000 (lower is better) |",
             "|---|---|---|---|---|"]
    lines += [f"| {s['method']} | {s['strokes']} | {s['images']} | {s['psnr']:.2f} | {s['ciede2000']:.2f} |"
              for s in summary]
    return "\n".join(lines)


def write_outputs(rows: list[dict], summary: list[dict], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "per_image.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (out / "summary.md").write_text(markdown_table(summary) + "\n")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT), help="model to score (default: shipped)")
    parser.add_argument("--extra", nargs="*", default=[], help="more checkpoints to score in the same run")
    parser.add_argument("--data", default="../shared/data/anime-faces-256/train")
    parser.add_argument("--val_count", type=int, default=200, help="score the last N images (held out)")
    parser.add_argument("--limit", type=int, default=None, help="score only the first N held-out images")
    parser.add_argument("--strokes", type=int, nargs="+", default=[10])
    parser.add_argument("--out", default="runs/eval")
    args = parser.parse_args(argv)
    models = {Path(p).stem if p != args.checkpoint else "model": Colorizer.load(p) for p in [args.checkpoint, *args.extra]}
    rows = score_methods(held_out(args.data, args.val_count, args.limit), models, args.strokes)
    summary = summarise(rows)
    write_outputs(rows, summary, Path(args.out))
    print(markdown_table(summary))
    return summary


if __name__ == "__main__":
    main()
