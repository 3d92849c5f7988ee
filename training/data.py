"""Training data: image sources (folder, parquet, hub) and on-the-fly samples.

Every sample is made by the same code the app uses: ``sobel_sketch`` (or, for foreign line
art, ``line_art_sketch``) for the sketch and ``pack_arrays`` for the model input, so what the
model learns is what the app feeds it.
"""
from __future__ import annotations

import io
import itertools
import logging
import os
import socket
from pathlib import Path
from urllib.parse import urlparse

import cv2
import numpy as np
import torch
from PIL import Image

from colorizer.hints import pack_arrays
from colorizer.images import ImageLoadError, load_image
from colorizer.sketch import sobel_sketch

from .augment import random_sketch, recolour_clusters, rotate_hue
from .composition import composed_picture
from .hint_sim import region_hints, simulate_hints
from .losses import kmeans_palette

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
FULL_COLOUR = "full_colour"  # the hub dataset's column of coloured frames (sketches and hints are made here)
GRAY_SATURATION = 6.0  # mean (max - min) channel spread below this counts as near-grayscale


def is_near_grayscale(image: np.ndarray) -> bool:
    """True when a uint8 (H, W, 3) picture has almost no colour."""
    spread = image.max(axis=2).astype(np.float32) - image.min(axis=2)
    return float(spread.mean()) < GRAY_SATURATION


def decode_colour_image(data, name: str) -> np.ndarray | None:
    """Decode bytes or a path to uint8 (H, W, 3); None (with a warning) for bad or grey images."""
    try:
        image = np.asarray(load_image(data))
    except ImageLoadError as error:
        log.warning("Skipping %s: %s", name, error)
        return None
    if is_near_grayscale(image):
        log.info("Skipping near-grayscale %s", name)
        return None
    return image


def load_images(spec: str, split: str = "train", limit: int | None = None) -> list[np.ndarray]:
    """Load colour images from a folder, a parquet file/folder, or a hub dataset name.

    Returns:
        list of uint8 (H, W, 3) arrays; unreadable and near-grayscale images are skipped.
    Raises:
        SystemExit: the hub cannot be reached (with advice to pass a local path).
    """
    return [row["full_colour"] for row in load_rows(spec, split, limit)]


def image_files(folder: Path, suffixes=IMAGE_SUFFIXES) -> list[Path]:
    """The pictures of a folder whose suffix (any case) is in ``suffixes``, sorted by name: the order
    that holds out the last ones."""
    return sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in suffixes)


def load_stickers(folder: str) -> list[dict]:
    """Sticker rows {"rgba": uint8 (H, W, 4)} from a folder of transparent PNGs; [] for ""."""
    if not folder:
        return []
    files = image_files(folder, {".png"})
    if not files:
        raise SystemExit(f"No PNG stickers in {folder}; pass --stickers=FOLDER of transparent PNGs (or leave it empty).")
    return [{"rgba": np.asarray(Image.open(p).convert("RGBA"))} for p in files]


def load_rows(spec: str, split: str = "train", limit: int | None = None) -> list[dict]:
    """Rows {"full_colour": uint8 (H, W, 3)} of a folder, a parquet file or folder, or a hub dataset
    (its ``full_colour`` column); unreadable and near-grayscale pictures are skipped."""
    path = Path(spec)
    if path.is_dir() and not list(path.glob("*.parquet")):
        rows = ((p.name, {"full_colour": p}) for p in image_files(path))
    elif path.suffix == ".parquet" or path.is_dir():
        rows = _parquet_rows(path)
    else:
        rows = _hub_rows(spec, split)
    loaded = []
    for name, cells in itertools.islice(rows, limit):
        image = _decode_row_picture(cells.get("full_colour"), name)
        if image is not None:
            loaded.append({"full_colour": image})
    return loaded


def _decode_row_picture(cell, name: str) -> np.ndarray | None:
    """A row's ``full_colour`` cell as uint8 (H, W, 3); None (with a warning) when unusable."""
    try:
        return decode_colour_image(_pil_to_bytes(cell), name)
    except Exception as error:  # a missing or odd cell: skip the row, keep the run going
        log.warning("Skipping %s: %s", name, error)
        return None


def _parquet_rows(path: Path):
    import pyarrow.parquet as pq

    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    for file in files:
        table = pq.read_table(file, columns=[FULL_COLOUR]).to_pylist()
        for number, row in enumerate(table, 1):
            yield f"{file.name} row {number}", {key: _image_bytes(cell) for key, cell in row.items()}


def _image_bytes(cell) -> bytes:
    """Hub/parquet image cells are dicts {'bytes': ..., 'path': ...} or raw bytes."""
    return cell["bytes"] if isinstance(cell, dict) else cell


def check_hub_reachable(timeout: float = 5.0) -> None:
    """Fail in seconds, not after minutes of retries, when the hub cannot be reached.

    Raises:
        OSError: HF_HUB_OFFLINE is set, or the hub's host does not answer within ``timeout``.
    """
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        raise OSError("HF_HUB_OFFLINE is set")
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    with socket.create_connection((endpoint.hostname, port), timeout=timeout):
        pass


def _hub_rows(name: str, split: str):
    from datasets import load_dataset

    try:
        check_hub_reachable()
        dataset = load_dataset(name, split=split, streaming=True)
        rows = iter(dataset)
        first = next(rows)
    except Exception as error:
        raise SystemExit(
            f"Could not load the hub dataset '{name}' ({type(error).__name__}: {error}). "
            "Offline? Pass a local folder of images or parquet files, e.g. "
            "--data=../shared/data/anime-faces-256/train"
        ) from error
    for number, row in enumerate(_until_interrupted(_chain(first, rows), name), 1):
        yield f"{name} row {number}", {FULL_COLOUR: row.get(FULL_COLOUR)}


def _chain(first, rest):
    yield first
    yield from rest


def _until_interrupted(rows, name: str):
    """Yield rows until the stream breaks; a broken download ends it with a warning, not a crash."""
    count = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except Exception as error:
            log.warning("The %s download stopped after %d rows (%s: %s); continuing with those.",
                        name, count, type(error).__name__, error)
            return
        count += 1
        yield row


def _pil_to_bytes(cell) -> bytes:
    if isinstance(cell, Image.Image):
        buffer = io.BytesIO()
        cell.save(buffer, format="PNG")
        return buffer.getvalue()
    return _image_bytes(cell)


def random_crop(image: np.ndarray, crop: int, rng: np.random.Generator, *layers: np.ndarray,
                max_scale: float = 1.0) -> np.ndarray | tuple:
    """Random scale (from the crop's size up to ``max_scale``) then random crop x crop window, random flip.

    Args:
        image: uint8 (H, W, 3); layers: more (H, W) or (H, W, <=4) arrays (uint8 or float32)
            moved the same way (same scale, window and flip).
        max_scale: largest scale; above 1 also enlarges (the app runs at up to 512 px, twice
            the frames' size). 1 draws exactly what it always did.
    Returns:
        the cropped image, or (image, *layers) when layers are given.
    """
    height, width = image.shape[:2]
    short = min(height, width)
    low = crop / short
    scale = rng.uniform(low, max(max_scale, low)) if short > crop or max_scale > low else low
    arrays = [image, *layers]
    if abs(scale - 1.0) > 1e-3:
        size = (max(crop, round(width * scale)), max(crop, round(height * scale)))
        method = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
        arrays = [cv2.resize(array, size, interpolation=method) for array in arrays]
    top = int(rng.integers(arrays[0].shape[0] - crop + 1))
    left = int(rng.integers(arrays[0].shape[1] - crop + 1))
    flip = rng.random() < 0.5
    arrays = [a[top:top + crop, left:left + crop] for a in arrays]
    arrays = [np.ascontiguousarray(a[:, ::-1] if flip else a) for a in arrays]
    return arrays[0] if not layers else tuple(arrays)


def keep_background(changed: np.ndarray, original: np.ndarray, background: np.ndarray | None) -> np.ndarray:
    """``changed`` (uint8 RGB (H, W, 3)) with ``original``'s pixels where ``background`` (bool (H, W))
    is True; ``changed`` itself when there is no background."""
    if background is None:
        return changed
    return np.where(background[..., None], original, changed)


def make_sample(image: np.ndarray, rng: np.random.Generator, crop: int, palette_k: int,
                max_strokes: int, no_hint_fraction: float, hue_rotation: float,
                foreign_sketches: float = 0.0, recolour: float = 0.0, max_scale: float = 1.0,
                region_share: float = 0.0, background: np.ndarray | None = None) -> dict:
    """One training sample from one colour picture, with a random sketch and simulated hints.

    The crop is taken after a random resize of up to ``max_scale`` (:func:`random_crop`).

    The sketch is the app's Sobel sketch, or for a ``foreign_sketches`` share Canny or XDoG
    line art; a ``recolour`` share of targets get new hues for one or two colour clusters
    (:func:`recolour_clusters`); a ``region_share`` of samples get hints on the largest regions
    (:func:`region_hints`, a log-uniform 1-100 % of them) instead of strokes anywhere. None of
    these draws from ``rng`` when its share is 0. ``background`` (bool (H, W), a composed
    canvas's uncovered pixels) keeps its colour through the recolouring and the hue rotation, so
    the hints' hues say nothing of the background's.
    Returns:
        dict of tensors: input float32 (4, crop, crop); target float32 (3, crop, crop) in
        [-1, 1]; palette float32 (palette_k, 3) in [-1, 1].
    """
    if background is None:
        target = random_crop(image, crop, rng, max_scale=max_scale)
    else:
        target, kept = random_crop(image, crop, rng, background.astype(np.uint8), max_scale=max_scale)
        background = kept > 0
    sketch = random_sketch(target, rng, foreign_sketches)
    if recolour > 0 and rng.random() < recolour:
        target = keep_background(recolour_clusters(target, rng), target, background)
    if rng.random() < hue_rotation:
        target = keep_background(rotate_hue(target, rng.uniform(0, 360)), target, background)
    if region_share > 0 and rng.random() < region_share:
        hint_rgb, hint_mask = region_hints(target, sketch, rng, float(np.exp(rng.uniform(np.log(0.01), 0.0))))
    else:
        hint_rgb, hint_mask = simulate_hints(target, sketch, rng, max_strokes=max_strokes,
                                             no_hint_fraction=no_hint_fraction)
    return sample_tensors(target, sketch, hint_rgb, hint_mask, palette_k, rng)


def sample_tensors(target: np.ndarray, sketch: np.ndarray, hint_rgb: np.ndarray, hint_mask: np.ndarray,
                   palette_k: int, rng: np.random.Generator) -> dict:
    """Pack one sample (the app's packing) with its target and the target's k-means palette."""
    return {
        "input": torch.from_numpy(pack_arrays(sketch, hint_rgb, hint_mask)),
        "target": torch.from_numpy(target.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0),
        "palette": torch.from_numpy(kmeans_palette(target, palette_k, rng)),
    }


def make_eval_sample(image: np.ndarray, index: int, strokes: int = 10) -> dict:
    """Fixed validation sample: default sketch, ``strokes`` seeded hints (seed = index).

    Returns:
        dict: input float32 (4, H, W), target uint8 (H, W, 3).
    """
    sketch = np.asarray(sobel_sketch(Image.fromarray(image)))
    rng = np.random.default_rng([index, strokes])
    hint_rgb, hint_mask = simulate_hints(image, sketch, rng, count=strokes)
    return {"input": pack_arrays(sketch, hint_rgb, hint_mask), "target": image}


class SampleDataset(torch.utils.data.Dataset):
    """Indexed by (row index, sample seed) pairs from :class:`StepSampler`.

    Rows are :func:`load_rows` dicts. A ``config.sticker_share`` of samples is a random sticker
    (``stickers``: {"rgba": uint8 (H, W, 4)} rows) on a canvas instead, and a ``config.compose``
    share of the others puts the row's frame on a canvas (:func:`composed_picture`).
    """

    def __init__(self, rows: list[dict], config, stickers: list[dict] | None = None):
        self.rows, self.config, self.stickers = rows, config, stickers or []
        self.frames = [row["full_colour"] for row in rows]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: tuple[int, int]) -> dict:
        index, seed = key
        c, row, rng = self.config, self.rows[index], np.random.default_rng(seed)
        picture, max_scale = row["full_colour"], c.max_scale
        if self.stickers and rng.random() < c.sticker_share:
            row = self.stickers[int(rng.integers(len(self.stickers)))]
        background = None
        if "rgba" in row or (c.compose > 0 and rng.random() < c.compose):
            (picture, background), max_scale = composed_picture(row, rng, self.frames, c.canvas), 1.0
        return make_sample(picture, rng, c.crop, c.palette_k, c.max_strokes, c.no_hint_fraction, c.hue_rotation,
                           c.foreign_sketches, c.recolour_clusters, max_scale, c.region_hints,
                           background if c.keep_background else None)


class StepSampler(torch.utils.data.Sampler):
    """Yields (image index, seed) for each sample of each step from ``start_step`` on.

    The stream depends only on (seed, step), so a resumed run sees the same samples
    it would have seen without the interruption.
    """

    def __init__(self, count: int, batch_size: int, seed: int, start_step: int, steps: int):
        self.count, self.batch_size, self.seed = count, batch_size, seed
        self.start_step, self.steps = start_step, steps

    def __len__(self) -> int:
        return max(0, self.steps - self.start_step) * self.batch_size

    def __iter__(self):
        for step in range(self.start_step, self.steps):
            rng = np.random.default_rng([self.seed, step, 0])
            indices = rng.integers(self.count, size=self.batch_size)
            seeds = rng.integers(2**62, size=self.batch_size)
            yield from zip(indices.tolist(), seeds.tolist())
