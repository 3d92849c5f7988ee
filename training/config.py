"""Training configuration: a small dataclass with ``--key=value`` command-line overrides."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from colorizer.model import UNetConfig


@dataclass
class TrainConfig:
    """Everything a training run needs; saved as config.json beside its checkpoints."""

    data: str = "../shared/data/anime-faces-256/train"  # folder, parquet file/folder, or hub name
    val_count: int = 200  # the last N images of a local folder are held out
    val_eval_images: int = 48  # held-out images scored at each evaluation
    out_dir: str = "runs/default"
    crop: int = 128
    batch_size: int = 16
    steps: int = 4000
    lr: float = 2e-3
    weight_decay: float = 1e-4
    warmup_steps: int = 200
    palette_k: int = 8
    palette_lambda: float = 0.1
    max_strokes: int = 30
    no_hint_fraction: float = 0.1
    hue_rotation: float = 0.5  # probability of a random hue rotation of target and hints
    foreign_sketches: float = 0.0  # share of samples sketched by Canny or XDoG (random settings) instead of Sobel
    recolour_clusters: float = 0.0  # share of targets whose one or two colour clusters get new hues
    max_scale: float = 1.0  # crops follow a random resize of up to this; 2 also shows 2x-enlarged frames (the app's 512 px)
    stickers: str = ""  # folder of transparent PNG characters (e.g. ../shared/data/stickers/train); "" = none
    sticker_share: float = 0.0  # share of samples that are a sticker on a canvas
    compose: float = 0.0  # share of frame samples pasted on a canvas (white, flat colour or another frame)
    canvas: int = 512  # side of the composed canvases, px (crops are taken from them)
    keep_background: bool = False  # composed canvases' backgrounds keep their colour through recolouring and hue rotation
    region_hints: float = 0.0  # share of samples hinted on their largest regions (as Hint-AUC does) instead of strokes
    eval_every: int = 250
    ckpt_every: int = 250
    keep_checkpoints: int = 3
    workers: int = 1
    threads: int = 0  # torch CPU threads; 0 = all cores
    seed: int = 0
    device: str = "auto"
    precision: str = "auto"  # training steps: auto = bfloat16 autocast on CUDA and CPUs with native bfloat16; or float32, bfloat16
    max_minutes: float = 0.0  # stop (with a checkpoint) after this wall time; 0 = no limit
    init_from: str = ""  # warm start: a checkpoint whose weights seed a new run (see train.warm_start)
    model: dict = field(default_factory=lambda: UNetConfig().as_dict())  # default: the shipped U-Net's shape

    def model_config(self) -> UNetConfig:
        return UNetConfig.from_dict(self.model)

    def save(self, path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2))


def parse_overrides(argv: list[str], config: TrainConfig | None = None) -> TrainConfig:
    """Apply ``--key=value`` (or ``--key value``) overrides; ``--model.depth=3`` sets model keys.

    Values are parsed as JSON when possible (numbers, booleans), else kept as strings.
    """
    config = config or TrainConfig()
    known = {f.name: f for f in fields(config)}
    pairs = _split_pairs(argv)
    for key, raw in pairs:
        value = _parse_value(raw)
        if key.startswith("model."):
            model_key = key.split(".", 1)[1]
            UNetConfig.from_dict({**config.model, model_key: value})  # validates the key
            config.model = {**config.model, model_key: value}
        elif key in known:
            setattr(config, key, value)
        else:
            raise SystemExit(f"Unknown option --{key}. Known options: {', '.join(sorted(known))}")
    return config


def _split_pairs(argv: list[str]) -> list[tuple[str, str]]:
    pairs, index = [], 0
    while index < len(argv):
        arg = argv[index]
        if not arg.startswith("--"):
            raise SystemExit(f"Expected --key=value, got '{arg}'.")
        if "=" in arg:
            key, raw = arg[2:].split("=", 1)
        elif index + 1 < len(argv):
            key, raw = arg[2:], argv[index + 1]
            index += 1
        else:
            raise SystemExit(f"Option {arg} needs a value.")
        pairs.append((key.replace("-", "_"), raw))
        index += 1
    return pairs


def _parse_value(raw: str):
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return raw
