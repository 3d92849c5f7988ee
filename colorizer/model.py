"""The 4-channel U-Net (1 sketch + 3 hint channels in, RGB out)."""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, fields

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .regions import RegionFill, fill_labels

LABELLING_THREADS = min(8, os.cpu_count() or 1)  # sketches of a batch labelled at once by region_spread_hints


# Keys of configs saved by networks that are gone (docs/experiments.md); a checkpoint that
# holds one at its value here describes the U-Net below and loads.
RETIRED_KEYS = {"arch": "unet", "refine": 0, "hint_scales": ()}


@dataclass
class UNetConfig:
    """Shape of the U-Net; saved inside every checkpoint.

    base_channels: channels at the first level; doubled at each level, capped at max_channels.
    depth: number of 2x downsamplings after the stem.
    blocks: 3x3 conv blocks per encoder and decoder level.
    region_hints: add :class:`RegionHints`, the hints spread through the sketch's regions,
        to the stem's features (off in checkpoints saved before it existed).
    """

    in_channels: int = 4
    out_channels: int = 3
    base_channels: int = 16
    depth: int = 5
    max_channels: int = 256
    blocks: int = 2
    region_hints: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "UNetConfig":
        """The config a checkpoint's dict describes.

        Raises:
            ValueError: unknown keys (a newer checkpoint), or a retired network's settings.
        """
        values = dict(values)
        for key, plain in RETIRED_KEYS.items():
            value = values.pop(key, plain)
            if (tuple(value) if isinstance(value, list) else value) != plain:
                raise ValueError(f"This checkpoint needs {key}={value!r}, a network this version no longer has "
                                 "(docs/experiments.md says which commit had it).")
        unknown = set(values) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"Unknown model config keys {sorted(unknown)}; is the checkpoint newer than this code?")
        return cls(**values)

    def channels(self, level: int) -> int:
        return min(self.base_channels * 2 ** level, self.max_channels)


def describe(config: UNetConfig) -> str:
    """One line for people: the network a config builds."""
    widths = "/".join(str(config.channels(level)) for level in range(config.depth + 1))
    extra = ", hints spread through the sketch's regions" if config.region_hints else ""
    return f"U-Net: {widths} channels at full to 1/{2 ** config.depth} size, {config.blocks} convs per level{extra}"


def conv_block(in_channels: int, out_channels: int, count: int) -> nn.Sequential:
    """``count`` times (3x3 conv, batch norm, ReLU); the first maps in -> out channels."""
    layers = []
    for index in range(count):
        layers += [
            nn.Conv2d(in_channels if index == 0 else out_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        ]
    return nn.Sequential(*layers)


def fine_labels(sketch: np.ndarray) -> np.ndarray:
    """The regions the app's region fill colours at its defaults (:func:`~colorizer.regions.fill_labels`)."""
    return fill_labels(sketch, RegionFill())


def label_sketches(x: torch.Tensor) -> np.ndarray:
    """:func:`fine_labels` of each sketch of (N, 4, H, W) packed inputs -> int32 (N, H, W), in threads."""
    sketches = ((x[:, 0].detach().float().cpu() + 1) * 127.5).round().clamp(0, 255).to(torch.uint8).numpy()
    with ThreadPoolExecutor(max_workers=min(len(sketches), LABELLING_THREADS)) as pool:
        return np.stack(list(pool.map(fine_labels, sketches)))


def pad_labels(labels: np.ndarray | None, height: int, width: int) -> np.ndarray | None:
    """Integer (N, h, w) labels edge-padded at the bottom and right to (N, height, width), as
    :func:`pad_to_multiple` pads the sketch; None stays None."""
    if labels is None:
        return None
    labels = np.asarray(labels)
    return np.pad(labels, ((0, 0), (0, height - labels.shape[1]), (0, width - labels.shape[2])), mode="edge")


def region_spread_hints(x: torch.Tensor, labels: np.ndarray | None = None) -> torch.Tensor:
    """The hints spread through the line-bounded regions the app's region fill uses (:func:`fine_labels`).

    Without ``labels`` the sketches are labelled here on the CPU, several at once in threads (OpenCV
    releases the GIL); a caller that already has them (the app's fill labels the same sketch) passes them.

    Args:
        x: (N, 4, H, W) packed inputs (:func:`~colorizer.hints.pack_arrays`), any float dtype.
        labels: integer (N, H, W), :func:`fine_labels` of each sketch (0 on lines), or None.
    Returns:
        float32 (N, 4, H, W), channels-last: per pixel, the mean hint RGB of its region's painted
        pixels in [-1, 1] (0 where none is painted) and the share of the region painted, in [0, 1];
        0 on lines.
    """
    n, _, height, width = x.shape
    labels = (label_sketches(x) if labels is None else np.asarray(labels)).astype(np.int64)
    if labels.shape != (n, height, width):
        raise ValueError(f"Region labels of shape {labels.shape} do not match the inputs {tuple(x.shape)}: "
                         "pass one label map per sketch, at its size.")
    offsets = np.cumsum([0] + [int(each.max()) + 1 for each in labels[:-1]])  # each sketch's labels apart
    flat = torch.from_numpy((labels + offsets[:, None, None]).reshape(-1)).to(x.device)
    hints = x.detach().permute(0, 2, 3, 1)[..., 1:].reshape(-1, 3)  # a view where x is channels-last
    painted = (hints != 0).any(dim=1).nonzero()[:, 0]  # few pixels: sum over these only
    count = int(offsets[-1] + labels[-1].max()) + 1
    area = torch.bincount(flat, minlength=count).float()
    painted_area = torch.bincount(flat[painted], minlength=count).float()
    colour = torch.zeros(count, 3, device=x.device).index_add_(0, flat[painted], hints[painted].float())
    per_region = torch.cat([colour / painted_area.clamp(min=1)[:, None], (painted_area / area)[:, None]], dim=1)
    per_region[torch.from_numpy(offsets).to(x.device)] = 0  # label 0 of each sketch: its lines
    return per_region[flat].reshape(n, height, width, 4).permute(0, 3, 1, 2)  # channels-last, as convs read it


class RegionHints(nn.Module):
    """Adds :func:`region_spread_hints`, through a 3x3 conv, to the stem's features, so that a
    stroke's colour reaches its whole region from the first layer on.

    The conv starts at zero: a network that gains it computes what it did before until trained.
    """

    def __init__(self, width: int):
        super().__init__()
        self.project = nn.Conv2d(4, width, 3, padding=1)
        nn.init.zeros_(self.project.weight)
        nn.init.zeros_(self.project.bias)

    def forward(self, x: torch.Tensor, labels: np.ndarray | None = None) -> torch.Tensor:
        """(N, 4, H, W) packed inputs (and optionally their (N, H, W) region labels, see
        :func:`region_spread_hints`) -> (N, width, H, W) in the conv's dtype, added to the stem's output."""
        return self.project(region_spread_hints(x, labels).to(self.project.weight.dtype))


class UNet(nn.Module):
    """Fully convolutional U-Net: (N, in, H, W) -> (N, out, H, W) in [-1, 1], any H, W."""

    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = config
        c = config.channels
        self.stem = conv_block(config.in_channels, c(0), config.blocks)
        self.down = nn.ModuleList(conv_block(c(i), c(i + 1), config.blocks) for i in range(config.depth))
        self.up = nn.ModuleList(
            conv_block(c(i + 1) + c(i), c(i), config.blocks) for i in reversed(range(config.depth))
        )
        self.head = nn.Conv2d(c(0), config.out_channels, 1)
        self.region_hints = RegionHints(c(0)) if config.region_hints else None

    def forward(self, x: torch.Tensor, labels: np.ndarray | None = None) -> torch.Tensor:
        """``labels``: the sketches' region labels for the region hints (:func:`region_spread_hints`),
        integer (N, H, W), or None to label them here; ignored by a network without region hints."""
        height, width = x.shape[-2:]
        x = pad_to_multiple(x, 2 ** self.config.depth)
        skips = [self.stem(x)]
        if self.region_hints is not None:
            labels = pad_labels(labels, *x.shape[-2:])
            skips[0] = skips[0] + self.region_hints(x, labels).to(skips[0].dtype)
        for block in self.down:
            skips.append(block(F.max_pool2d(skips[-1], 2)))
        y = skips.pop()
        for block in self.up:
            skip = skips.pop()
            y = F.interpolate(y, size=skip.shape[-2:], mode="nearest")
            y = block(torch.cat([y, skip], dim=1))
        return torch.tanh(self.head(y))[..., :height, :width]


def pad_to_multiple(x: torch.Tensor, multiple: int) -> torch.Tensor:
    """Replicate-pad the bottom and right of (N, C, H, W) up to multiples of ``multiple``."""
    height, width = x.shape[-2:]
    pad_h, pad_w = (-height) % multiple, (-width) % multiple
    if pad_h == 0 and pad_w == 0:
        return x
    return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def fuse_for_inference(model: nn.Module) -> nn.Module:
    """Fold every (Conv2d, BatchNorm2d) pair of the U-Net's blocks into one Conv2d, in place.

    Only for a model in eval mode (the folded conv uses the running statistics); outputs stay
    the same up to float rounding, with one layer fewer to run per conv.
    """
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    if model.training:
        raise ValueError("Fuse only a model in eval mode (call model.eval() first).")
    for block in model.modules():
        if not isinstance(block, nn.Sequential):
            continue
        layers = list(block)
        for index in range(len(layers) - 1):
            conv, norm = layers[index], layers[index + 1]
            if isinstance(conv, nn.Conv2d) and isinstance(norm, nn.BatchNorm2d):
                block[index] = fuse_conv_bn_eval(conv, norm)
                block[index + 1] = nn.Identity()
    return model
