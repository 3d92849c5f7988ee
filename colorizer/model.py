"""The 4-channel U-Net (1 sketch + 3 hint channels in, RGB out)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class UNetConfig:
    """Shape of the U-Net; saved inside every checkpoint.

    base_channels: channels at full resolution; doubled at each level, capped at max_channels.
    depth: number of 2x downsamplings; inputs are padded to a multiple of 2**depth.
    blocks: 3x3 conv blocks per level.
    """

    in_channels: int = 4
    out_channels: int = 3
    base_channels: int = 16
    depth: int = 4
    max_channels: int = 256
    blocks: int = 2

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "UNetConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"Unknown model config keys {sorted(unknown)}; is the checkpoint newer than this code?")
        return cls(**values)

    def channels(self, level: int) -> int:
        return min(self.base_channels * 2 ** level, self.max_channels)


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
