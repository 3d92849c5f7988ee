"""The one place checkpoints are written and read.

A checkpoint is a plain dict (tensors, numbers, strings, lists, dicts) so it loads
with ``torch.load(weights_only=True)`` and can never run code:
    format: CHECKPOINT_FORMAT
    model_config: UNetConfig as a dict (the model's shape travels with its weights)
    model: the state dict
    meta: facts for the model card (steps, data, validation figures, ...)
    training: optional resume state (optimizer, schedule, step, config), absent in shipped files
"""
from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

import torch

from .model import UNet, UNetConfig
from .sketch import SketchKind

CHECKPOINT_FORMAT = "anime-colorizer/1"


class CheckpointError(RuntimeError):
    """A checkpoint is missing, unreadable or not ours; the message names the file."""


def save_checkpoint(path, model, meta: dict | None = None, training: dict | None = None) -> Path:
    """Write a checkpoint of ``model`` atomically (see :func:`write_payload`)."""
    payload = {
        "format": CHECKPOINT_FORMAT,
        "model_config": model.config.as_dict(),
        "model": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "meta": meta or {},
    }
    if training is not None:
        payload["training"] = training
    return write_payload(path, payload)


def write_payload(path, payload: dict) -> Path:
    """Write a checkpoint dict atomically (temporary file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(payload, file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes 0600 files; a checkpoint is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_checkpoint(path) -> dict:
    """Load a checkpoint dict safely (``weights_only=True``) and check it is ours.

    Raises:
        CheckpointError: missing, truncated, corrupt or foreign files.
    """
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(
            f"No checkpoint at '{path}'. Train one with `python -m training.train` "
            "or pass the path of an existing .pt file."
        )
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "weights_only" in str(error) or "Unsupported global" in str(error):
            raise CheckpointError(
                f"'{path}' was refused as unsafe: it holds Python objects other than tensors and plain data, "
                "which could run code when loaded, so it was not opened. Use a checkpoint written by "
                "`python -m training.train` (or from this repository's models/)."
            ) from error
        raise CheckpointError(f"'{path}' could not be read as a checkpoint ({error}); it may be corrupt or "
                              "truncated. Download or train it again.") from error
    except Exception as error:
        raise CheckpointError(
            f"'{path}' could not be read as a checkpoint ({type(error).__name__}); it may be "
            "corrupt, truncated or not a PyTorch file. Download or train it again."
        ) from error
    if not isinstance(payload, dict) or payload.get("format") != CHECKPOINT_FORMAT:
        raise CheckpointError(
            f"'{path}' is not an anime-colorizer checkpoint (expected format '{CHECKPOINT_FORMAT}'). "
            "Use a file written by `python -m training.train`."
        )
    return payload


def load_model(path):
    """Build the network from a checkpoint's own config and load its weights.

    Returns:
        (model in eval mode on CPU, the checkpoint dict).
    """
    payload = read_checkpoint(path)
    try:
        model = UNet(UNetConfig.from_dict(payload["model_config"]))
        model.load_state_dict(payload["model"])
    except (KeyError, TypeError, ValueError, RuntimeError) as error:
        raise CheckpointError(f"'{path}' does not match the U-Net it describes: {error}") from error
    return model.eval(), payload


def training_totals(meta: dict) -> tuple[int | None, float | None]:
    """(steps, wall-time minutes) of a checkpoint's whole training, warm start included.

    A run started with ``--init_from`` records its source's steps and minutes under
    ``meta["warm_start"]``; they are added to the run's own. None where a figure is missing.
    """
    runs = [meta] + ([meta["warm_start"]] if "warm_start" in meta else [])
    steps = [run.get("steps") for run in runs]
    minutes = [run.get("wall_time_minutes") for run in runs]
    total_steps = None if None in steps else sum(steps)
    total_minutes = None if None in minutes else round(sum(minutes), 1)
    return total_steps, total_minutes


SAMPLE_SKETCHES = {SketchKind.SOBEL.value: "the app's Sobel sketches",
                   SketchKind.LINE_ART.value: "Canny and XDoG line art"}  # meta["samples"]["sketches"]


def describe_samples(meta: dict) -> str | None:
    """One line on the sketches, crop size, scales and sample mix a checkpoint was trained on, from
    ``meta["samples"]`` and ``meta["crop"]`` (written by ``training.train``); None for checkpoints
    saved before samples were recorded."""
    samples = meta.get("samples")
    if not samples:
        return None
    kind = samples.get("sketches")
    text = SAMPLE_SKETCHES.get(kind) or f"Sobel sketches and {samples.get('foreign_sketches', 0):.0%} Canny/XDoG line art"
    scale, recoloured = samples.get("max_scale", 1.0), samples.get("recolour_clusters", 0.0)
    crops = f"{meta['crop']} px crops" if meta.get("crop") else ""
    enlarged = f"frames enlarged up to {scale:g}x (the app's 512 px working size)" if scale > 1 else ""
    if crops or enlarged:
        text += "; " + " of ".join(part for part in (crops, enlarged) if part)
    text += f"; {recoloured:.0%} of targets with one or two parts recoloured" if recoloured > 0 else ""
    return text + "".join(f"; {share:.0%} {what}" for what, share in out_of_domain_shares(samples))


def out_of_domain_shares(samples: dict) -> list[tuple[str, float]]:
    """(what, share 0-1) for the recipe parts beyond face frames that a run used: full-body
    stickers, frames pasted on larger canvases, hints on whole regions; absent or 0 ones left out."""
    parts = [("full-body stickers", samples.get("sticker_share", 0.0) if samples.get("stickers") else 0.0),
             (f"frames pasted on {samples.get('canvas', 512)} px canvases", samples.get("compose", 0.0)),
             ("hinted on whole regions", samples.get("region_hints", 0.0))]
    return [(what, share) for what, share in parts if share > 0]
