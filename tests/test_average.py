import hashlib

import pytest
import torch

from colorizer.checkpoint import load_model, save_checkpoint, training_totals
from colorizer.model import UNet, UNetConfig
from training.average import average_checkpoints, average_state_dicts, main

from .conftest import TINY


def seeded_checkpoint(path, seed: int, config: UNetConfig = TINY, meta: dict | None = None):
    torch.manual_seed(seed)
    model = UNet(config).eval()
    for module in model.modules():  # give batch norm statistics that differ between seeds
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.normal_()
    return save_checkpoint(path, model, meta or {"steps": seed})


def test_weighted_mean_of_float_tensors_keeps_integer_buffers_of_the_last():
    a = {"w": torch.zeros(3), "n": torch.tensor(5)}
    b = {"w": torch.full((3,), 4.0), "n": torch.tensor(9)}
    averaged = average_state_dicts([a, b], [1.0, 3.0])  # normalised to 0.25 / 0.75
    assert torch.equal(averaged["w"], torch.full((3,), 3.0)) and averaged["n"].item() == 9


def test_averaged_checkpoint_loads_and_sits_between_its_sources(tmp_path):
    first = seeded_checkpoint(tmp_path / "a.pt", 1)
    last = seeded_checkpoint(tmp_path / "b.pt", 2, meta={"steps": 30, "wall_time_minutes": 2.0, "val_psnr_10_strokes": 20.0,
                                                       "inference": {"coarse_side": 256},
                                                       "warm_start": {"steps": 10, "wall_time_minutes": 1.0}})
    out = main([str(first), str(last), "--weights", "0.65", "0.35", "--out", str(tmp_path / "soup.pt")])
    (soup, payload), (a, _), (b, _) = load_model(out), load_model(first), load_model(last)
    key = "stem.0.weight"
    expected = 0.65 * a.state_dict()[key] + 0.35 * b.state_dict()[key]
    assert torch.allclose(soup.state_dict()[key], expected, atol=1e-6)
    assert not torch.allclose(soup.state_dict()[key], b.state_dict()[key])
    meta = payload["meta"]
    assert [entry["weight"] for entry in meta["weight_average"]] == pytest.approx([0.65, 0.35])
    assert "val_psnr_10_strokes" not in meta and training_totals(meta) == (40, 3.0)
    assert "inference" not in meta  # an older checkpoint's serving settings were chosen for its own weights
    hashes = [entry["sha256"] for entry in meta["weight_average"]]  # the sources' own bytes, so
    assert hashes == [hashlib.sha256(path.read_bytes()).hexdigest()[:16] for path in (first, last)]
    assert hashes[0] != hashes[1]  # they name a source even after its path is overwritten


def test_checkpoints_of_different_networks_or_bad_weights_are_refused(tmp_path):
    small = seeded_checkpoint(tmp_path / "a.pt", 1)
    other = seeded_checkpoint(tmp_path / "b.pt", 2, UNetConfig(base_channels=4, depth=2, blocks=1))
    with pytest.raises(ValueError, match="one network"):
        average_checkpoints([small, other], [0.5, 0.5], tmp_path / "soup.pt")
    with pytest.raises(ValueError, match="one weight per checkpoint"):
        average_checkpoints([small, small], [1.0], tmp_path / "soup.pt")
    with pytest.raises(ValueError, match="positive"):
        average_checkpoints([small, small], [1.0, -1.0], tmp_path / "soup.pt")
    assert not (tmp_path / "soup.pt").exists()
