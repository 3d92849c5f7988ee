"""Train the 4-channel U-Net.

    python -m training.train --data=../shared/data/anime-faces-256/train --steps=4000

Options are the fields of ``TrainConfig`` as ``--key=value``; ``--model.depth=5`` sets
model keys. A run resumes from the newest readable checkpoint in ``out_dir``.
"""
from __future__ import annotations

import csv
import logging
import math
import platform
import sys
import time
from pathlib import Path

import numpy as np
import threadpoolctl
import torch
from tqdm import tqdm

from colorizer.checkpoint import CheckpointError, read_checkpoint, save_checkpoint, training_totals
from colorizer.model import UNet, count_parameters
from colorizer.pipeline import PRECISIONS, pick_dtype
from colorizer.runtime import keep_freed_memory
from colorizer.shipped import default_checkpoint
from colorizer.sketch import SketchKind

from .config import TrainConfig, parse_overrides
from .data import SampleDataset, StepSampler, load_rows, load_stickers, make_eval_sample
from .losses import colorization_loss
from .metrics import psnr

log = logging.getLogger("training")


def lr_at(step: int, config: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to 5% of the peak learning rate."""
    if step < config.warmup_steps:
        return config.lr * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, config.steps - config.warmup_steps)
    return config.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


@torch.no_grad()
def validate(model: torch.nn.Module, samples: list[dict], device: torch.device) -> float:
    """Mean PSNR (dB) over fixed validation samples (10 seeded strokes each)."""
    was_training = model.training
    model.eval()
    scores = []
    for sample in samples:
        x = torch.from_numpy(sample["input"]).unsqueeze(0).to(device)
        y = ((model(x)[0].float().clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 0).cpu().numpy()
        scores.append(psnr(y, sample["target"]))
    model.train(was_training)
    return float(np.mean(scores)) if scores else float("nan")


def split_rows(config: TrainConfig) -> tuple[list[dict], list[dict]]:
    """Load the data (:func:`load_rows`) and hold out the last ``val_count`` rows for validation."""
    rows = load_rows(config.data, split="train")
    if len(rows) <= config.val_count:
        raise SystemExit(f"Only {len(rows)} usable images in {config.data}; need more than val_count={config.val_count}.")
    return rows[:-config.val_count], rows[-config.val_count:]


def find_resume(out_dir: Path) -> dict | None:
    """The newest readable checkpoint in ``out_dir/checkpoints``; corrupt ones are skipped."""
    for path in sorted((out_dir / "checkpoints").glob("step_*.pt"), reverse=True):
        try:
            payload = read_checkpoint(path)
        except CheckpointError as error:
            log.warning("Ignoring unreadable checkpoint: %s", error)
            continue
        if "training" in payload:
            log.info("Resuming from %s", path)
            return payload
    return None


def forget_after(out_dir: Path, step: int) -> None:
    """After a crash: drop metric rows logged after the resumed step and half-written files."""
    for stale in (out_dir / "checkpoints").glob("*.tmp"):
        stale.unlink(missing_ok=True)
    path = out_dir / "metrics.csv"
    if not path.exists():
        return
    rows = list(csv.DictReader(path.open()))
    kept = [row for row in rows if int(row["step"]) <= step]
    if len(kept) != len(rows):
        log.info("Dropping %d metric rows logged after step %d", len(rows) - len(kept), step)
        path.unlink()
        for row in kept:
            append_metrics(out_dir, row)


def warm_start(model: torch.nn.Module, path: str) -> dict:
    """Seed a new run's model with another checkpoint's weights (see :func:`copy_weights`).

    Returns:
        the record a warm-started run keeps in its meta: the source checkpoint and its total
        steps, minutes (a chain of warm starts adds up) and hardware.
    """
    payload = read_checkpoint(path)
    state = model.state_dict()
    copied = copy_weights(state, payload["model"])
    if not copied:
        raise SystemExit(f"--init_from={path} shares no weights with this model; check --model.* options.")
    log.info("Warm start from %s: %d of %d tensors copied", path, len(copied), len(state))
    source = payload.get("meta", {})
    steps, minutes = training_totals(source)
    return {"checkpoint": path, "steps": steps, "wall_time_minutes": minutes, "hardware": source.get("hardware")}


def copy_weights(state: dict, source: dict) -> list[str]:
    """Copy the ``source`` state dict's tensors into ``state`` in place where name and shape
    match; returns the names copied. Everything else is left as it was."""
    copied = []
    for name, old in source.items():
        new = state.get(name)
        if new is not None and new.shape == old.shape:
            new.copy_(old)
            copied.append(name)
    return copied


def prune_checkpoints(out_dir: Path, keep: int) -> None:
    for old in sorted((out_dir / "checkpoints").glob("step_*.pt"))[:-keep]:
        old.unlink(missing_ok=True)


class Run:
    """State of one training process: model, optimiser, data, logs."""

    def __init__(self, config: TrainConfig):
        self.config = config
        self.device = pick_device(config.device)
        self.autocast = autocast_enabled(config.precision, self.device)
        self.out_dir = Path(config.out_dir)
        self.model = UNet(config.model_config()).to(self.device)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        self.step, self.elapsed = 0, 0.0
        self.init_meta: dict = {}  # where a warm-started run began (--init_from), for the model card

    def restore(self, payload: dict) -> None:
        self.model.load_state_dict(payload["model"])
        state = payload["training"]
        self.optimizer.load_state_dict(state["optimizer"])
        self.step, self.elapsed = int(state["step"]), float(state["elapsed"])
        self.init_meta = payload.get("meta", {}).get("warm_start", {})

    def meta(self, train_count: int, val_psnr: float) -> dict:
        return {
            "data": self.config.data, "train_images": train_count, "steps": self.step,
            "batch_size": self.config.batch_size, "crop": self.config.crop,
            "wall_time_minutes": round(self.elapsed / 60, 1), "hardware": hardware_name(self.device),
            "precision": "bfloat16 autocast" if self.autocast else "float32",
            "val_psnr_10_strokes": round(val_psnr, 3), "val_images": self.config.val_eval_images,
            "loss": f"L1 + {self.config.palette_lambda} * palette(k={self.config.palette_k})",
            "parameters": count_parameters(self.model), "samples": sample_recipe(self.config),
            **({"warm_start": self.init_meta} if self.init_meta else {}),
        }

    def save(self, train_count: int, val_psnr: float) -> None:
        training = {"optimizer": self.optimizer.state_dict(), "step": self.step, "elapsed": self.elapsed,
                    "config": dict(vars(self.config))}
        path = self.out_dir / "checkpoints" / f"step_{self.step:07d}.pt"
        save_checkpoint(path, self.model, self.meta(train_count, val_psnr), training)
        save_checkpoint(self.out_dir / "final.pt", self.model, self.meta(train_count, val_psnr))
        prune_checkpoints(self.out_dir, self.config.keep_checkpoints)


def sketch_kind(foreign_share: float) -> str:
    """The kind of sketch a run trained on (meta["samples"]["sketches"]), from its share of Canny/XDoG
    sketches (0-1): a :class:`SketchKind` value, or "mixed"."""
    return SketchKind.SOBEL.value if foreign_share <= 0 else SketchKind.LINE_ART.value if foreign_share >= 1 else "mixed"


def sample_recipe(config: TrainConfig) -> dict:
    """What the samples showed the model, for its metadata: "sketches" (:func:`sketch_kind`) and the
    settings behind it."""
    return {"sketches": sketch_kind(config.foreign_sketches), "foreign_sketches": config.foreign_sketches,
            "max_scale": config.max_scale, "recolour_clusters": config.recolour_clusters,
            "hue_rotation": config.hue_rotation, "stickers": config.stickers, "sticker_share": config.sticker_share,
            "compose": config.compose, "canvas": config.canvas, "region_hints": config.region_hints,
            "keep_background": config.keep_background}


def ship_target(config: TrainConfig) -> str:
    """Where a finished run's checkpoint is served from: models/colorizer_line_art.pt for a run on
    line art only, else models/colorizer.pt (the app's Sobel sketches)."""
    line_art = sketch_kind(config.foreign_sketches) == SketchKind.LINE_ART.value
    return f"models/{default_checkpoint(SketchKind.LINE_ART if line_art else SketchKind.SOBEL).name}"


def pick_device(name: str) -> torch.device:
    """The device named by ``--device``; "auto" is the first GPU where there is one, else the CPU."""
    return torch.device(("cuda" if torch.cuda.is_available() else "cpu") if name == "auto" else name)


def autocast_enabled(precision: str, device: torch.device) -> bool:
    """Whether training steps run under bfloat16 autocast: where the app's :func:`pick_dtype` picks
    bfloat16 ("auto" on CPUs with native bfloat16: 1.3x the steps/s of float32 on this project's
    CPU, same loss and validation PSNR, docs/experiments.md, "Training precision"; "bfloat16"
    anywhere), and for "auto" on CUDA too. bfloat16 keeps float32's exponent range, so no loss
    scaling is needed; weights, optimiser state and the loss stay float32."""
    try:
        dtype = pick_dtype(precision, device)
    except ValueError:
        raise SystemExit(f"Unknown --precision={precision}; use one of {', '.join(PRECISIONS)}.") from None
    return dtype == torch.bfloat16 or (precision == "auto" and device.type == "cuda")


def hardware_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    threads = torch.get_num_threads()
    return f"CPU ({platform.processor() or platform.machine()}, {threads} thread{'s' if threads > 1 else ''})"


def make_loader(run: Run, rows: list[dict], stickers: list[dict] | None = None) -> torch.utils.data.DataLoader:
    config = run.config
    sampler = StepSampler(len(rows), config.batch_size, config.seed, run.step, config.steps)
    return torch.utils.data.DataLoader(
        SampleDataset(rows, config, stickers), batch_size=config.batch_size, sampler=sampler,
        num_workers=config.workers, pin_memory=run.device.type == "cuda", worker_init_fn=one_thread_per_worker,
        persistent_workers=False, prefetch_factor=4 if config.workers else None)


def one_thread_per_worker(worker_id: int) -> None:
    """Data-loader worker start: its BLAS and OpenMP pools use one thread each.

    Otherwise every worker starts pools as large as the machine (16 threads in each of 14
    workers on the lent GPU machine); with the matrix product in ``nearest_centre`` that halved
    round 4's steps per second there (docs/experiments.md, "Out-of-domain round 4").
    """
    threadpoolctl.threadpool_limits(limits=1)


def train_step(run: Run, batch: dict) -> dict:
    """One optimiser step (bfloat16 autocast where :func:`autocast_enabled`); returns the logged loss terms."""
    for group in run.optimizer.param_groups:
        group["lr"] = lr_at(run.step, run.config)
    x, target, palette = (batch[k].to(run.device, non_blocking=True) for k in ("input", "target", "palette"))
    with torch.autocast(run.device.type, dtype=torch.bfloat16, enabled=run.autocast):
        output = run.model(x)
    loss, terms = colorization_loss(output.float(), target, palette, run.config.palette_lambda)
    run.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    run.optimizer.step()
    return {**terms, "lr": run.optimizer.param_groups[0]["lr"]}


def append_metrics(out_dir: Path, row: dict) -> None:
    path = out_dir / "metrics.csv"
    fields = ["step", "loss", "l1", "palette", "lr", "val_psnr", "elapsed_s"]
    new = not path.exists()
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerow(row)


def moving_average(values: list[float], window: int) -> list[float]:
    """Trailing mean over up to ``window`` values, same length as ``values`` (the first entries
    average what there is so far)."""
    sums, out = [0.0], []
    for i, value in enumerate(values):
        sums.append(sums[-1] + value)
        start = max(0, i + 1 - window)
        out.append((sums[-1] - sums[start]) / (i + 1 - start))
    return out


def plot_metrics(out_dir: Path) -> None:
    """Write loss_curve.png from metrics.csv: each training loss term per step (faint) with its
    moving average over a fiftieth of the run (solid), and validation PSNR."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(csv.DictReader((out_dir / "metrics.csv").open()))
    if not rows:
        return
    steps = [int(r["step"]) for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    window = max(1, len(rows) // 50)
    for key in ("loss", "l1", "palette"):
        values = [float(r[key]) for r in rows]
        line, = left.plot(steps, values, alpha=0.25, linewidth=0.5)
        left.plot(steps, moving_average(values, window), color=line.get_color(), label=f"{key} (mean of {window})")
    left.set_xlabel("step"), left.set_yscale("log"), left.legend(), left.set_title("training loss")
    val = [(s, float(r["val_psnr"])) for s, r in zip(steps, rows) if r["val_psnr"] not in ("", "nan")]
    if val:
        right.plot(*zip(*val), marker="o")
    right.set_xlabel("step"), right.set_ylabel("dB"), right.set_title("validation PSNR, 10 strokes")
    figure.tight_layout()
    figure.savefig(out_dir / "loss_curve.png", dpi=100)
    plt.close(figure)


def train(config: TrainConfig) -> Path:
    """Run (or resume) training; returns the path of the exportable final checkpoint."""
    if config.threads:
        torch.set_num_threads(config.threads)
    keep_freed_memory()  # 1.18 -> 1.38 steps/s for the shipped U-Net on the 2-core CPU
    run = Run(config)
    out_dir = run.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = find_resume(out_dir)
    if payload is not None:
        run.restore(payload)
    elif config.init_from:
        run.init_meta = warm_start(run.model, config.init_from)
    forget_after(out_dir, run.step)
    config.save(out_dir / "config.json")
    train_rows, val_rows = split_rows(config)
    val_samples = [make_eval_sample(row["full_colour"], i) for i, row in enumerate(val_rows[:config.val_eval_images])]
    log.info("%d training images, %d validation images, model %d parameters, device %s",
             len(train_rows), len(val_samples), count_parameters(run.model), run.device)
    loop(run, train_rows, val_samples, load_stickers(config.stickers))
    return out_dir / "final.pt"


def loop(run: Run, train_rows: list[dict], val_samples: list[dict], stickers: list[dict] | None = None) -> None:
    config, started = run.config, time.time() - run.elapsed
    progress = tqdm(total=config.steps, initial=run.step, dynamic_ncols=True)
    run.model.train()
    for batch in make_loader(run, train_rows, stickers):
        terms = train_step(run, batch)
        run.step += 1
        run.elapsed = time.time() - started
        progress.update(1)
        progress.set_postfix(loss=f"{terms['loss']:.4f}", lr=f"{terms['lr']:.2e}")
        out_of_time = bool(config.max_minutes) and run.elapsed > config.max_minutes * 60
        save = run.step % config.ckpt_every == 0 or run.step >= config.steps or out_of_time
        evaluate = save or run.step % config.eval_every == 0
        val = validate(run.model, val_samples, run.device) if evaluate else float("nan")
        append_metrics(run.out_dir, {**terms, "step": run.step, "val_psnr": val, "elapsed_s": round(run.elapsed, 1)})
        if save:
            run.save(len(train_rows), val)
            plot_metrics(run.out_dir)
        if out_of_time:
            log.info("Stopping after %.1f minutes (max_minutes); resume by running the same command.", run.elapsed / 60)
            break
    progress.close()


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = parse_overrides(sys.argv[1:] if argv is None else argv)
    final = train(config)
    log.info("Done. Ship it with: cp %s %s", final, ship_target(config))


if __name__ == "__main__":
    main()
