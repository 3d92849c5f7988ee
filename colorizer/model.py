"""The 4-channel U-Net (1 sketch + 3 hint channels in, RGB out)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn


# Keys of configs saved by networks that are gone (docs/experiments.md); a checkpoint that
# holds one at its value here describes the U-Net below and loads.
RETIRED_KEYS = {"arch": "unet", "refine": 0, "hint_scales": ()}


@dataclass
class UNetConfig:
    """Shape of the U-Net; saved inside every checkpoint.

    base_channels: channels at the first level; doubled at each level, capped at max_channels.
    depth: number of 2x downsamplings after the stem.
    blocks: 3x3 conv blocks per encoder and decoder level.
    """

    in_channels: int = 4
    out_channels: int = 3
    base_channels: int = 16
    depth: int = 5
    max_channels: int = 256
    blocks: int = 2

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
    return f"U-Net: {widths} channels at full to 1/{2 ** config.depth} size, {config.blocks} convs per level"


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

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        x = pad_to_multiple(x, 2 ** self.config.depth)
        skips = [self.stem(x)]
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
