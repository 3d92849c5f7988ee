import pytest
import torch

from colorizer import Colorizer
from colorizer.checkpoint import CheckpointError, read_checkpoint
from training.serving import main, set_inference


def test_setting_is_written_beside_untouched_weights_and_meta(tmp_path, tiny_checkpoint):
    out = main([str(tiny_checkpoint), "--coarse_side", "256", "--out", str(tmp_path / "served.pt")])
    before, after = read_checkpoint(tiny_checkpoint), read_checkpoint(out)
    assert after["meta"] == {**before["meta"], "inference": {"coarse_side": 256}}
    assert all(torch.equal(after["model"][key], value) for key, value in before["model"].items())
    assert after["model_config"] == before["model_config"]
    assert "inference" not in before["meta"]  # --out leaves the source as it was


def test_colorizer_takes_the_checkpoint_setting_unless_told(tmp_path, tiny_checkpoint):
    served = set_inference(tiny_checkpoint, tmp_path / "served.pt", coarse_side=256)
    assert Colorizer.load(served).coarse_side == 256
    assert Colorizer.load(served, coarse_side=0).coarse_side == 0
    assert Colorizer.load(tiny_checkpoint).coarse_side == 0  # no setting: one pass
    set_inference(served, coarse_side=0)  # in place
    assert Colorizer.load(served).coarse_side == 0


def test_bad_requests_are_refused(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main([str(tmp_path / "any.pt"), "--coarse_side", "-1"])
    assert "--coarse_side must be 0" in capsys.readouterr().err
    with pytest.raises(CheckpointError, match="No checkpoint"):
        main([str(tmp_path / "missing.pt"), "--coarse_side", "256"])


def test_an_invalid_setting_in_a_checkpoint_is_a_clear_error(tmp_path, tiny_checkpoint):
    broken = set_inference(tiny_checkpoint, tmp_path / "broken.pt", coarse_side="wide")
    with pytest.raises(CheckpointError, match="sets coarse_side='wide'.*training.serving"):
        Colorizer.load(broken)
    assert Colorizer.load(broken, coarse_side=0).coarse_side == 0  # an explicit choice still loads
