"""The validation sets: held-out face frames, stickers/val on white, illustrations/val.

Each picture comes as a :class:`Picture`: its RGB pixels and, for stickers, the character's
mask (the sticker's alpha). Stickers are composited on white and enlarged onto a square canvas
whose side is the app's 512 px working size, as an artist uploading a character on white would
see it; illustrations are 512 px already; face frames stay at their 256 px.
"""
from __future__ import annotations

import argparse
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from .data import image_files, load_rows

SETS = ("faces", "stickers", "illustrations")
DEFAULT_ROOTS = {"faces": "../shared/data/anime-faces-256/train", "stickers": "../shared/data/stickers/val",
                 "illustrations": "../shared/data/illustrations-512/val"}
FACES_HELD_OUT = 200  # the last 200 frames of anime-faces-256/train, never trained on
STICKER_SIDE = 512  # side of the white square a sticker is placed on
STICKER_MARGIN = 0.06  # white margin around the sticker, share of the side


@dataclass
class Picture:
    """One validation picture: ``rgb`` uint8 (H, W, 3); ``mask`` bool (H, W) where the character is, or None."""

    name: str
    rgb: np.ndarray
    mask: np.ndarray | None = None


def sticker_on_white(rgba: np.ndarray, side: int = STICKER_SIDE) -> Picture:
    """A sticker (uint8 RGBA) scaled to fit a ``side`` x ``side`` white square with a margin, centred.

    Returns a Picture with the composite and the sticker's alpha (> 127) as the character mask.
    """
    height, width = rgba.shape[:2]
    scale = side * (1 - 2 * STICKER_MARGIN) / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    scaled = cv2.resize(rgba, size, interpolation=cv2.INTER_LANCZOS4 if scale > 1 else cv2.INTER_AREA)
    canvas = np.zeros((side, side, 4), np.uint8)
    top, left = (side - size[1]) // 2, (side - size[0]) // 2
    canvas[top:top + size[1], left:left + size[0]] = scaled
    alpha = canvas[..., 3:].astype(np.float32) / 255.0
    rgb = np.round(canvas[..., :3] * alpha + 255.0 * (1 - alpha)).astype(np.uint8)
    return Picture("", rgb, canvas[..., 3] > 127)


def load_set(name: str, root: str | Path, limit: int | None = None) -> list[Picture]:
    """The pictures of one validation set (see the module docstring); at most ``limit`` of them.

    Raises:
        SystemExit: the folder does not exist (with the option that points elsewhere).
    """
    root = Path(root)
    if not root.is_dir():
        raise SystemExit(f"No {name} set at {root}; pass --{name}=FOLDER (or leave the set out with --sets).")
    if name == "faces":
        rows = load_rows(str(root))[-FACES_HELD_OUT:][:limit]
        return [Picture(f"face{index:03d}", row["full_colour"]) for index, row in enumerate(rows)]
    pictures = []
    for path in image_files(root)[:limit]:
        if name == "stickers":
            picture = sticker_on_white(np.asarray(Image.open(path).convert("RGBA")), STICKER_SIDE)
        else:
            picture = Picture("", np.asarray(Image.open(path).convert("RGB")))
        picture.name = path.stem
        pictures.append(picture)
    return pictures


def add_set_options(parser: argparse.ArgumentParser) -> None:
    """The options a side benchmark (motion_eval, paper_eval) shares: --out, --sets, a folder per set,
    --limit and --workers."""
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS))
    for name in SETS:
        parser.add_argument(f"--{name}", default=DEFAULT_ROOTS[name], help=f"folder of the {name} set")
    parser.add_argument("--limit", type=int, default=None, help="pictures per set")
    parser.add_argument("--workers", type=int, default=2)


def score_sets(args: argparse.Namespace, score_picture, init_worker, init_args: tuple) -> list[dict]:
    """Every picture of ``args.sets`` (options of :func:`add_set_options`) through ``score_picture((picture,
    index, set name, args.out))`` in ``args.workers`` processes started by ``init_worker(*init_args)``: the
    rows it returns, in order."""
    tasks = [(picture, index, name, args.out) for name in args.sets
             for index, picture in enumerate(load_set(name, getattr(args, name), args.limit))]
    with ProcessPoolExecutor(args.workers, initializer=init_worker, initargs=init_args) as pool:
        return [row for rows in tqdm(pool.map(score_picture, tasks), total=len(tasks)) for row in rows]


WORKER_MODELS: dict = {}  # {path: Colorizer} in each worker process (load_worker_models)


def add_checkpoint_options(parser: argparse.ArgumentParser) -> None:
    """--sobel-checkpoint and --line-art-checkpoint: the models of a side benchmark's two paths (default: shipped)."""
    from colorizer import SketchKind, default_checkpoint

    parser.add_argument("--sobel-checkpoint", default=str(default_checkpoint(SketchKind.SOBEL)))
    parser.add_argument("--line-art-checkpoint", default=str(default_checkpoint(SketchKind.LINE_ART)))


def run_path_benchmark(argv: list[str] | None, name: str, doc: str, score_picture, summary,
                       columns: list[str]) -> None:
    """A side benchmark's command line (motion_eval, cutout_eval): the set options (:func:`add_set_options`) and both
    paths' checkpoints, every picture through ``score_picture`` with the paths' models in WORKER_MODELS of each
    worker ({"sobel": Colorizer, "line art": Colorizer}), then the run's files (training.results.write_side_run)
    with ``summary(rows, command)`` and contact sheets of ``columns``. ``name``, ``doc``: the benchmark's module
    name (as ``python -m`` takes it) and docstring."""
    from .results import write_side_run

    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    add_set_options(parser)
    add_checkpoint_options(parser)
    args = parser.parse_args(argv)
    checkpoints = {"sobel": args.sobel_checkpoint, "line art": args.line_art_checkpoint}
    rows = score_sets(args, score_picture, load_worker_models, (checkpoints,))
    command = f"python -m {name} " + " ".join(sys.argv[1:] if argv is None else argv)
    write_side_run(args.out, rows, summary(rows, command), args.sets, list(checkpoints), columns)


def load_worker_models(checkpoints: dict[str, str]) -> None:
    """A worker's start: one thread, freed memory kept, and each checkpoint ({path: file}) loaded into WORKER_MODELS."""
    import torch

    from colorizer import Colorizer, keep_freed_memory

    torch.set_num_threads(1)
    keep_freed_memory()
    WORKER_MODELS.update({path: Colorizer.load(checkpoint) for path, checkpoint in checkpoints.items()})

