"""Fused CPU inference for the U-Net through oneDNN's fused convolution kernels.

The eager U-Net runs each step as its own pass over memory: convolution, ReLU, nearest 2x
upsampling, channel concatenation. On the 2-core CPU those passes took about 40 % of a 512 px
forward pass. :class:`OneDNNUNet` runs the same maths with fewer passes:

- ReLU is applied inside each convolution (a oneDNN post-op).
- A decoder conv over ``cat([upsample(y), skip])`` is split by input channels into a conv over
  ``skip`` and a conv over ``upsample(y)``, added inside the skip conv (a binary post-op), so
  the concatenation is never built.
- A 3x3 conv of a nearest-2x-upsampled map equals a stride-2 transposed 4x4 conv of the map
  itself (:func:`upsample_conv_as_transposed`), which skips the upsampling and does 4/9 of
  the multiply-adds.

Outputs match the eager network up to rounding (tests/test_onednn.py). These are PyTorch's own
oneDNN ops (the ones ``torch.compile`` emits on CPU), called directly so nothing is compiled at
start-up.
"""
from __future__ import annotations

import copy
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .model import UNet, pad_labels, pad_to_multiple

# Row k of the 4 taps of the transposed conv sums the 3x3 taps that land on it (see below).
_UPSAMPLE_TAPS = torch.tensor([[0, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 0]], dtype=torch.float64)


def available() -> bool:
    """True where this PyTorch build has oneDNN and its fused convolution ops."""
    ops = torch.ops.mkldnn
    return torch.backends.mkldnn.is_available() and all(
        hasattr(ops, name) for name in ("_convolution_pointwise", "_convolution_transpose_pointwise"))


def upsample_conv_as_transposed(weight: torch.Tensor) -> torch.Tensor:
    """The transposed-conv weight equal to "nearest 2x upsample, then this 3x3 conv (padding 1)".

    Output pixel 2q (even) of the upsampled-then-convolved row sees input pixels q-1, q, q and
    2q+1 (odd) sees q, q, q+1; a transposed conv with stride 2, padding 1 and 4 taps sums them.

    Args:
        weight: conv weight (out, in, 3, 3), any float dtype.
    Returns:
        float64 transposed-conv weight (in, out, 4, 4) for ``conv_transpose2d(stride=2, padding=1)``.
    """
    if weight.shape[-2:] != (3, 3):
        raise ValueError(f"Expected a 3x3 conv weight, got shape {tuple(weight.shape)}.")
    return torch.einsum("au,oiuv,bv->ioab", _UPSAMPLE_TAPS, weight.double(), _UPSAMPLE_TAPS)


def checked_runner(unet: UNet, dtype: torch.dtype) -> "OneDNNUNet | None":
    """A fused runner for ``unet`` that has just reproduced the eager network, else None.

    The ops are PyTorch internals, so a PyTorch whose ops fail or compute something else
    falls back to the eager network with a warning instead of breaking the app.

    Args:
        unet: float32 U-Net in eval mode with batch norm folded.
        dtype: the dtype the runner will compute in.
    """
    x = torch.linspace(-1.0, 1.0, 4 * 40 * 56).reshape(1, 4, 40, 56)
    tolerance = 1e-3 if dtype == torch.float32 else 0.1  # bfloat16 differs from float32 by about 0.04
    try:
        runner = OneDNNUNet(unet, dtype)
        with torch.inference_mode():
            error = (runner(x).float() - unet(x)).abs().max().item()
    except Exception as failure:  # noqa: BLE001 - any failure of the internal ops means: run eagerly
        warnings.warn(f"Fused oneDNN kernels failed ({failure}); running the network step by step.")
        return None
    if not error <= tolerance:
        warnings.warn(f"Fused oneDNN kernels differ from the network by {error:.3g}; running it step by step.")
        return None
    return runner


class OneDNNUNet:
    """A :class:`~colorizer.model.UNet` with batch norm folded, run through fused oneDNN kernels.

    Holds only weights, so one instance serves every session. Call it like the network:
    (N, 4, H, W) -> (N, 3, H, W) in [-1, 1], any H and W, in the dtype it was built for.
    """

    def __init__(self, unet: UNet, dtype: torch.dtype):
        """Prepare the weights of ``unet`` (eval mode, batch norm folded by
        :func:`~colorizer.model.fuse_for_inference`) in ``dtype``, channels-last."""
        if any(isinstance(layer, nn.BatchNorm2d) for layer in unet.modules()):
            raise ValueError("Fold batch norm first: colorizer.model.fuse_for_inference(model.eval()).")
        self.multiple = 2 ** unet.config.depth
        self.dtype = dtype
        self.stem = self._convs(unet.stem)
        self.down = [self._convs(block) for block in unet.down]
        self.up = [self._decoder_level(block) for block in unet.up]
        self.head = self._conv(unet.head)
        # The region hints (or None) are tiny and run eagerly in this runner's dtype, on a copy: the
        # caller may cast its network to another dtype afterwards.
        self.region_hints = copy.deepcopy(unet.region_hints).to(dtype) if unet.region_hints is not None else None

    def _conv(self, conv: nn.Conv2d) -> tuple[torch.Tensor, torch.Tensor | None, list[int]]:
        """(weight, bias, padding) of ``conv`` in this runner's dtype, weight channels-last."""
        return self._prepared(conv.weight.detach(), conv.bias, list(conv.padding))

    def _prepared(self, weight: torch.Tensor, bias: torch.Tensor | None, padding: list[int]) -> tuple:
        bias = None if bias is None else bias.detach().to(self.dtype)
        return weight.to(self.dtype).contiguous(memory_format=torch.channels_last), bias, padding

    def _convs(self, block: nn.Sequential) -> list:
        return [self._conv(layer) for layer in block if isinstance(layer, nn.Conv2d)]

    def _decoder_level(self, block: nn.Sequential) -> tuple:
        """(transposed weight for the upsampled input, skip conv, the remaining convs).

        The first conv reads cat([upsampled y, skip]); the skip has as many channels as the
        conv has outputs, and y the rest. The skip conv carries the bias.
        """
        first, *rest = [layer for layer in block if isinstance(layer, nn.Conv2d)]
        weight = first.weight.detach()
        from_y = weight.shape[1] - weight.shape[0]
        transposed = upsample_conv_as_transposed(weight[:, :from_y]).to(self.dtype)
        skip = self._prepared(weight[:, from_y:], first.bias, list(first.padding))
        return transposed.contiguous(memory_format=torch.channels_last), skip, [self._conv(c) for c in rest]

    @torch.inference_mode()
    def __call__(self, x: torch.Tensor, labels: np.ndarray | None = None) -> torch.Tensor:
        """``labels``: as for :meth:`colorizer.model.UNet.forward`."""
        height, width = x.shape[-2:]
        x = pad_to_multiple(x.to(dtype=self.dtype, memory_format=torch.channels_last), self.multiple)
        skips = [_relu_convs(x, self.stem)]
        if self.region_hints is not None:
            skips[0] = skips[0] + self.region_hints(x, pad_labels(labels, *x.shape[-2:]))
        for convs in self.down:
            skips.append(_relu_convs(F.max_pool2d(skips[-1], 2), convs))
        y = skips.pop()
        for transposed, (weight, bias, padding), rest in self.up:
            upsampled = torch.ops.mkldnn._convolution_transpose_pointwise(
                y, transposed, None, [1, 1], [0, 0], [2, 2], [1, 1], 1, "none", [], "")
            y = torch.ops.mkldnn._convolution_pointwise.binary(
                skips.pop(), upsampled, weight, bias, padding, [1, 1], [1, 1], 1, "add", None, "relu", [], "")
            y = _relu_convs(y, rest)
        return _conv(y, self.head, "tanh")[..., :height, :width]


def _conv(x: torch.Tensor, conv: tuple, activation: str) -> torch.Tensor:
    """One oneDNN conv of (weight, bias, padding) with ``activation`` ("relu", "tanh", "none") fused."""
    weight, bias, padding = conv
    return torch.ops.mkldnn._convolution_pointwise(x, weight, bias, padding, [1, 1], [1, 1], 1, activation, [], "")


def _relu_convs(x: torch.Tensor, convs: list) -> torch.Tensor:
    for conv in convs:
        x = _conv(x, conv, "relu")
    return x
