import numpy as np
import pytest
import torch

from colorizer import UNetConfig, save_checkpoint
from colorizer.model import UNet
from tests.synthetic import anime_frame

TINY = UNetConfig(base_channels=4, depth=2, max_channels=8, blocks=1)  # the shipped arch, tiny


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory):
    """A seeded, untrained tiny U-Net checkpoint (fast tests never need real weights)."""
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("ckpt") / "tiny.pt"
    save_checkpoint(path, UNet(TINY).eval(), meta={"steps": 0, "data": "none (test model)"})
    return path


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture
def frame(rng):
    return anime_frame(rng, 120, 80)
