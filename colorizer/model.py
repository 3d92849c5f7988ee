"""The 4-channel U-Net (1 sketch + 3 hint channels in, RGB out)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class UNetConfig:
    """Shape of the U-Net; saved inside every checkpoint.

    arch: "unet" (the shipped network: the studio U-Net with batch norm), "lean" (a faster
        network for CPUs: a space-to-depth stem so no convolution runs at full resolution and a
        1x1-reduced decoder, see :class:`LeanUNet`; try base_channels=24, depth=4), or
        "prototype" (the original prototype: 64-512 channels, 1024 bottleneck, no norm,
        transposed-conv upsampling, ~31M parameters; its channel settings are fixed and the
        fields below are ignored).
    base_channels: channels at the first level; doubled at each level, capped at max_channels.
    depth: number of 2x downsamplings after the stem.
    blocks: 3x3 conv blocks per encoder level (and per decoder level for "unet").
    refine: "lean" only: channels of a small full-resolution head that sees the input sketch
        and hints again and corrects the output next to lines; 0 = no such head.
    hint_scales: "unet" only: cell sizes in pixels over which the hint colours are averaged and
        spread to every cell as extra maps (:func:`spread_hints`); they join the encoder at the
        level whose size is 1/min(hint_scales), e.g. 1/4 for (4, 16, 64); () = none.
    """

    arch: str = "unet"

    in_channels: int = 4
    out_channels: int = 3
    base_channels: int = 16
    depth: int = 5
    max_channels: int = 256
    blocks: int = 2
    refine: int = 0
    hint_scales: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "UNetConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"Unknown model config keys {sorted(unknown)}; is the checkpoint newer than this code?")
        values = {"arch": "unet", **values}  # checkpoints from before "arch" existed are U-Nets
        values["hint_scales"] = tuple(int(s) for s in values.get("hint_scales", ()))  # JSON gives a list
        scales, depth = values["hint_scales"], values.get("depth", cls.depth)
        if any(s < 2 or s & (s - 1) for s in scales) or (scales and min(scales) > 2 ** depth):
            raise ValueError(f"hint_scales must be powers of 2 from 2 to 2**depth = {2 ** depth} px, got {scales}.")
        if scales and values["arch"] != "unet":
            raise ValueError(f"hint_scales needs arch 'unet'; the {values['arch']!r} network has no spread hints.")
        return cls(**values)

    def channels(self, level: int) -> int:
        return min(self.base_channels * 2 ** level, self.max_channels)


def build_model(config: UNetConfig) -> nn.Module:
    """The network a config describes (used by training and by checkpoint loading)."""
    networks = {"lean": LeanUNet, "unet": UNet, "prototype": PrototypeUNet}
    if config.arch not in networks:
        raise ValueError(f"Unknown arch '{config.arch}'; use one of {', '.join(networks)}.")
    return networks[config.arch](config)


def describe(config: UNetConfig) -> str:
    """One line for people: which network a config builds."""
    if config.arch == "prototype":
        return "the original prototype U-Net (64-512 channels, 1024 bottleneck)"
    widths = "/".join(str(config.channels(level)) for level in range(config.depth + 1))
    if config.arch == "lean":
        line = f"lean U-Net: 2x space-to-depth stem, {widths} channels at 1/2 to 1/{2 ** (config.depth + 1)} size"
        return line + (f", {config.refine}-channel full-size refine head" if config.refine else "")
    line = f"U-Net: {widths} channels at full to 1/{2 ** config.depth} size, {config.blocks} convs per level"
    spread = "/".join(str(s) for s in config.hint_scales)
    return line + (f", hints spread over {spread} px cells" if spread else "")


def conv_block(in_channels: int, out_channels: int, count: int, kernel: int = 3) -> nn.Sequential:
    """``count`` times (k x k conv, batch norm, ReLU); the first maps in -> out channels."""
    layers = []
    for index in range(count):
        layers += [
            nn.Conv2d(in_channels if index == 0 else out_channels, out_channels, kernel, padding=kernel // 2,
                      bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        ]
    return nn.Sequential(*layers)


class UNet(nn.Module):
    """Fully convolutional U-Net: (N, in, H, W) -> (N, out, H, W) in [-1, 1], any H, W."""

    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = config = replace(config, arch="unet")  # the config describes this network
        c = config.channels
        self.stem = conv_block(config.in_channels, c(0), config.blocks)
        self.spread_level = spread_level(config)
        spread = [SPREAD_MAPS * len(config.hint_scales) if i + 1 == self.spread_level else 0 for i in range(config.depth)]
        self.down = nn.ModuleList(conv_block(c(i) + spread[i], c(i + 1), config.blocks) for i in range(config.depth))
        self.up = nn.ModuleList(
            conv_block(c(i + 1) + c(i), c(i), config.blocks) for i in reversed(range(config.depth))
        )
        self.head = nn.Conv2d(c(0), config.out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        x = pad_to_multiple(x, 2 ** self.config.depth)
        skips = [self.stem(x)]
        for level, block in enumerate(self.down, start=1):
            y = F.max_pool2d(skips[-1], 2)
            if level == self.spread_level:
                y = torch.cat([y, spread_hints(x, self.config.hint_scales, y.shape[-2:])], dim=1)
            skips.append(block(y))
        y = skips.pop()
        for block in self.up:
            skip = skips.pop()
            y = F.interpolate(y, size=skip.shape[-2:], mode="nearest")
            y = block(torch.cat([y, skip], dim=1))
        return torch.tanh(self.head(y))[..., :height, :width]


class LeanUNet(nn.Module):
    """A U-Net built for CPU speed: (N, in, H, W) -> (N, out, H, W) in [-1, 1].

    A space-to-depth stem (pixel unshuffle by 2) puts each 2x2 block of input pixels into
    channels, so every convolution runs at half resolution or below, where wide layers use
    the CPU well; the head predicts 2x2 blocks of output pixels (pixel shuffle). Decoder levels
    merge the upsampled features and the skip with a 1x1 conv, then one 3x3 conv. Inputs are
    padded to a multiple of 2 ** (depth + 1).

    With ``refine`` > 0 the head also predicts ``refine`` full-size feature maps; two 3x3 convs
    over them, the coarse colours and the input itself add a correction to the colours, so
    pixels next to thin lines see the lines at full resolution. Its last conv starts at zero.
    """

    STRIDE = 2

    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = config = replace(config, arch="lean")  # the config describes this network
        c = config.channels
        self.stem = conv_block(config.in_channels * self.STRIDE ** 2, c(0), config.blocks)
        self.down = nn.ModuleList(conv_block(c(i), c(i + 1), config.blocks) for i in range(config.depth))
        self.up = nn.ModuleList(
            nn.Sequential(*conv_block(c(i + 1) + c(i), c(i), 1, kernel=1), *conv_block(c(i), c(i), 1))
            for i in reversed(range(config.depth))
        )
        self.head = nn.Conv2d(c(0), (config.out_channels + config.refine) * self.STRIDE ** 2, 1)
        self.refine = _refine_head(config) if config.refine else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        x = pad_to_multiple(x, self.STRIDE * 2 ** self.config.depth)
        skips = [self.stem(F.pixel_unshuffle(x, self.STRIDE))]
        for block in self.down:
            skips.append(block(F.max_pool2d(skips[-1], 2)))
        y = skips.pop()
        for block in self.up:
            y = block(torch.cat([F.interpolate(y, scale_factor=2.0, mode="nearest"), skips.pop()], dim=1))
        y = F.pixel_shuffle(self.head(y), self.STRIDE)
        colours = y[:, :self.config.out_channels]
        if self.refine is not None:
            colours = colours + self.refine(torch.cat([y, x], dim=1))
        return torch.tanh(colours)[..., :height, :width]


def _refine_head(config: UNetConfig) -> nn.Sequential:
    """Full-size 3x3 conv block + 3x3 conv to colour corrections; the last conv starts at zero."""
    features = config.out_channels + config.refine + config.in_channels
    last = nn.Conv2d(config.refine, config.out_channels, 3, padding=1)
    nn.init.zeros_(last.weight)
    nn.init.zeros_(last.bias)
    return nn.Sequential(*conv_block(features, config.refine, 1), last)


SPREAD_MAPS = 4  # per hint scale: mean hint RGB nearby + how much is painted nearby


def spread_hints(x: torch.Tensor, scales: tuple[int, ...], size: tuple[int, int]) -> torch.Tensor:
    """The hint colours spread to every cell, one set of maps per cell size in ``scales``.

    For cells of s x s input pixels: the mean colour of the painted pixels in a cell and its
    eight neighbour cells, and how much of them is painted (painted pixels / s, capped at 1),
    resampled bilinearly to ``size``. Far from any hint both are 0, like unpainted hints.
    A painted pixel is one whose hint RGB is not all 0 (the :func:`colorizer.pack_inputs` format).

    Args:
        x: (N, 4, H, W) packed inputs: sketch, then hint RGB in [-1, 1] where painted, 0 elsewhere.
        scales: cell sizes in pixels, e.g. (4, 16, 64).
        size: (h, w) of the maps, e.g. (H // 4, W // 4).
    Returns:
        (N, SPREAD_MAPS * len(scales), h, w), x's dtype: per scale the mean RGB in [-1, 1] and
        the painted amount in [0, 1].
    """
    hints = x[:, 1:4]
    painted = torch.cat([hints, (hints != 0).any(dim=1, keepdim=True).to(x.dtype)], dim=1)
    maps = []
    for scale in scales:
        sums = F.avg_pool2d(painted, scale, ceil_mode=True)
        sums = F.avg_pool2d(sums, 3, stride=1, padding=1, count_include_pad=False)
        if sums.shape[-2:] != size:
            sums = F.interpolate(sums, size=size, mode="bilinear", align_corners=False)
        share = sums[:, 3:]
        maps += [torch.where(share > 0, sums[:, :3] / share.clamp_min(1e-6), 0.0), (share * 9 * scale).clamp(max=1.0)]
    return torch.cat(maps, dim=1)


def spread_level(config: "UNetConfig") -> int:
    """The encoder level (1/2**level size) whose input also gets the spread hints; 0 = none."""
    return min(config.hint_scales).bit_length() - 1 if config.hint_scales else 0


def pad_to_multiple(x: torch.Tensor, multiple: int) -> torch.Tensor:
    """Replicate-pad the bottom and right of (N, C, H, W) up to multiples of ``multiple``."""
    height, width = x.shape[-2:]
    pad_h, pad_w = (-height) % multiple, (-width) % multiple
    if pad_h == 0 and pad_w == 0:
        return x
    return F.pad(x, (0, pad_w, 0, pad_h), mode="replicate")


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


class PrototypeUNet(nn.Module):
    """The original prototype's plain U-Net, kept as a baseline for quality and speed.

    4 levels of 64/128/256/512 channels and a 1024-channel bottleneck, two 3x3 conv + ReLU
    per level, max-pool down, 2x2 transposed conv up, tanh output (about 31M parameters).
    (N, 4, H, W) -> (N, 3, H, W) in [-1, 1]; inputs are padded to a multiple of 16.
    """

    WIDTHS = (64, 128, 256, 512)

    def __init__(self, config: UNetConfig):
        super().__init__()
        self.config = config = replace(config, arch="prototype")  # the config describes this network
        widths = self.WIDTHS
        ins = (config.in_channels,) + widths[:-1]
        self.down = nn.ModuleList(_plain_block(i, o) for i, o in zip(ins, widths))
        self.bottleneck = _plain_block(widths[-1], 2 * widths[-1])
        self.upsample = nn.ModuleList(nn.ConvTranspose2d(2 * w, w, 2, stride=2) for w in reversed(widths))
        self.up = nn.ModuleList(_plain_block(2 * w, w) for w in reversed(widths))
        self.head = nn.Conv2d(widths[0], config.out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        height, width = x.shape[-2:]
        y = pad_to_multiple(x, 2 ** len(self.WIDTHS))
        skips = []
        for block in self.down:
            skips.append(block(y))
            y = F.max_pool2d(skips[-1], 2)
        y = self.bottleneck(y)
        for upsample, block in zip(self.upsample, self.up):
            y = block(torch.cat([upsample(y), skips.pop()], dim=1))
        return torch.tanh(self.head(y))[..., :height, :width]


def _plain_block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(out_channels, out_channels, 3, padding=1), nn.ReLU(inplace=True),
    )


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
