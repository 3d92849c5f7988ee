"""Training data: image sources (folder, parquet, hub) and on-the-fly samples.

Every sample is made by the same code the app uses: ``sobel_sketch`` for the sketch
and ``pack_arrays`` for the model input, so what the model learns is what the app feeds it.
"""
from __future__ import annotations

import io
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

from .hint_sim import simulate_hints
from .losses import kmeans_palette

log = logging.getLogger(__name__)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}
HUB_COLUMNS = ("sketch", "full_colour", "scribbles", "sketch_and_scribbles_merged")
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
    path = Path(spec)
    if path.is_dir() and not list(path.glob("*.parquet")):
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)[:limit]
        images = (decode_colour_image(p, p.name) for p in files)
    elif path.suffix == ".parquet" or path.is_dir():
        images = _parquet_images(path, limit)
    else:
        images = _hub_images(spec, split, limit)
    return [image for image in images if image is not None]


def _parquet_images(path: Path, limit: int | None):
    import pyarrow.parquet as pq

    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    produced = 0
    for file in files:
        for row in pq.read_table(file, columns=["full_colour"]).column("full_colour").to_pylist():
            if limit is not None and produced >= limit:
                return
            produced += 1
            yield decode_colour_image(_image_bytes(row), f"{file.name} row {produced}")


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


def _hub_images(name: str, split: str, limit: int | None):
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
    produced = 0
    for row in _until_interrupted(_chain(first, rows), name):
        if limit is not None and produced >= limit:
            return
        produced += 1
        try:
            yield decode_colour_image(_pil_to_bytes(row["full_colour"]), f"{name} row {produced}")
        except Exception as error:  # a bad row: skip it
            log.warning("Skipping %s row %d: %s", name, produced, error)


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


def random_sketch_settings(rng: np.random.Generator) -> dict:
    """Sketch settings spread over every slider position the app offers."""
    return {
        "kernel_size": int(rng.choice([1, 3, 3, 5, 5, 7])),
        "blur": float(rng.uniform(0.0, 1.6)),
        "strength": float(rng.uniform(1.0, 2.8)),
        "threshold": float(rng.uniform(0.03, 0.3)),
        "line_width": int(rng.choice([1, 1, 1, 2, 3])),
        "binarize": bool(rng.random() < 0.25),
    }


def random_crop(image: np.ndarray, crop: int, rng: np.random.Generator) -> np.ndarray:
    """Random scale (down to the crop's size) then random crop x crop window, random flip."""
    height, width = image.shape[:2]
    short = min(height, width)
    scale = rng.uniform(crop / short, 1.0) if short > crop else crop / short
    if abs(scale - 1.0) > 1e-3:
        size = (max(crop, round(width * scale)), max(crop, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    top = int(rng.integers(image.shape[0] - crop + 1))
    left = int(rng.integers(image.shape[1] - crop + 1))
    image = image[top:top + crop, left:left + crop]
    return np.ascontiguousarray(image[:, ::-1] if rng.random() < 0.5 else image)


def rotate_hue(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate the hue of a uint8 RGB picture by ``degrees`` (lines and greys unchanged)."""
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV_FULL)
    hsv[..., 0] = (hsv[..., 0].astype(np.int32) + round(degrees / 360 * 256)) % 256
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB_FULL)


def make_sample(image: np.ndarray, rng: np.random.Generator, crop: int, palette_k: int,
                max_strokes: int, no_hint_fraction: float, hue_rotation: float) -> dict:
    """One training sample from one colour picture.

    Returns:
        dict of tensors: input float32 (4, crop, crop); target float32 (3, crop, crop) in
        [-1, 1]; palette float32 (palette_k, 3) in [-1, 1].
    """
    target = random_crop(image, crop, rng)
    sketch = np.asarray(sobel_sketch(Image.fromarray(target), **random_sketch_settings(rng)))
    if rng.random() < hue_rotation:
        target = rotate_hue(target, rng.uniform(0, 360))
    hint_rgb, hint_mask = simulate_hints(target, sketch, rng, max_strokes=max_strokes,
                                         no_hint_fraction=no_hint_fraction)
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
    """Indexed by (image index, sample seed) pairs from :class:`StepSampler`."""

    def __init__(self, images: list[np.ndarray], config):
        self.images = images
        self.config = config

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, key: tuple[int, int]) -> dict:
        index, seed = key
        c = self.config
        return make_sample(self.images[index], np.random.default_rng(seed), c.crop, c.palette_k,
                           c.max_strokes, c.no_hint_fraction, c.hue_rotation)


class StepSampler(torch.utils.data.Sampler):
    """Yields (image index, seed) for each sample of each step from ``start_step`` on.

    The stream depends only on (seed, step), so a resumed run sees the same samples
    it would have seen without the interruption.
    """

    def __init__(self, count: int, batch_size: int, seed: int, start_step: int, steps: int,
                 rank: int = 0, world: int = 1):
        self.count, self.batch_size, self.seed = count, batch_size, seed
        self.start_step, self.steps, self.rank, self.world = start_step, steps, rank, world

    def __len__(self) -> int:
        return max(0, self.steps - self.start_step) * self.batch_size

    def __iter__(self):
        for step in range(self.start_step, self.steps):
            rng = np.random.default_rng([self.seed, step, self.rank])
            indices = rng.integers(self.count, size=self.batch_size)
            seeds = rng.integers(2**62, size=self.batch_size)
            yield from zip(indices.tolist(), seeds.tolist())
