import pytest
import torch
from PIL import Image

from colorizer import CheckpointError, Colorizer, UNet, UNetConfig, load_model, save_checkpoint


def test_round_trip_restores_config_weights_and_meta(tmp_path):
    torch.manual_seed(3)
    model = UNet(UNetConfig(base_channels=4, depth=2, blocks=1)).eval()
    path = save_checkpoint(tmp_path / "m.pt", model, meta={"steps": 12})
    loaded, payload = load_model(path)
    assert loaded.config == model.config and payload["meta"]["steps"] == 12
    x = torch.randn(1, 4, 20, 28)
    with torch.no_grad():
        assert torch.equal(loaded(x), model(x))
    assert not list(tmp_path.glob("*.tmp"))  # atomic write leaves no temporary file


def test_an_older_checkpoint_with_serving_settings_loads_and_runs_one_pass(tmp_path, monkeypatch):
    # meta["inference"] held the coarse pass's side until that pass left the tree; it is now plain meta
    model = UNet(UNetConfig(base_channels=4, depth=2, blocks=1)).eval()
    path = save_checkpoint(tmp_path / "old.pt", model, meta={"inference": {"coarse_side": 256}})
    colorizer = Colorizer.load(path)
    sides = []
    real = colorizer.predict
    monkeypatch.setattr(colorizer, "predict", lambda packed, labels=None: sides.append(packed.shape[1:]) or real(packed, labels))
    hints = Image.new("RGBA", (512, 512))
    hints.paste((250, 30, 30, 255), (100, 100, 200, 200))
    assert colorizer.colorize(Image.new("L", (512, 512), 255), hints).size == (512, 512)
    assert sides == [(512, 512)]


def test_missing_file_says_how_to_get_one(tmp_path):
    with pytest.raises(CheckpointError, match="python -m training.train"):
        Colorizer.load(tmp_path / "absent.pt")


def test_corrupt_and_truncated_files_name_the_file(tmp_path, tiny_checkpoint):
    garbage = tmp_path / "garbage.pt"
    garbage.write_bytes(b"not a checkpoint at all")
    truncated = tmp_path / "truncated.pt"
    truncated.write_bytes(tiny_checkpoint.read_bytes()[:500])
    for path in (garbage, truncated):
        with pytest.raises(CheckpointError, match=path.name):
            Colorizer.load(path)


def test_foreign_checkpoint_is_refused(tmp_path):
    path = tmp_path / "foreign.pt"
    torch.save({"state_dict": {"w": torch.zeros(2)}}, path)
    with pytest.raises(CheckpointError, match="not an anime-colorizer checkpoint"):
        Colorizer.load(path)


def test_weights_not_matching_config_are_refused(tmp_path, tiny_checkpoint):
    payload = torch.load(tiny_checkpoint, weights_only=True)
    payload["model_config"]["base_channels"] = 6
    path = tmp_path / "mismatch.pt"
    torch.save(payload, path)
    with pytest.raises(CheckpointError, match="does not match"):
        Colorizer.load(path)


def test_pickled_code_is_never_executed(tmp_path):
    class Evil:
        def __reduce__(self):
            return (exec, ("raise SystemExit('code ran')",))

    path = tmp_path / "evil.pt"
    torch.save({"format": "anime-colorizer/1", "x": Evil()}, path)
    with pytest.raises(CheckpointError, match="evil.pt' was refused as unsafe") as refused:
        Colorizer.load(path)
    assert "corrupt" not in str(refused.value)  # it is not called damaged: its content was refused


def test_training_totals_add_the_warm_start_run():
    from colorizer.checkpoint import training_totals

    assert training_totals({"steps": 7447, "wall_time_minutes": 80.0}) == (7447, 80.0)
    warm = {"steps": 7447, "wall_time_minutes": 80.0, "warm_start": {"steps": 10549, "wall_time_minutes": 90.0}}
    assert training_totals(warm) == (17996, 170.0)
    assert training_totals({}) == (None, None)


def test_recorded_samples_describe_the_sketches():
    from colorizer.checkpoint import describe_samples

    line_art = {"samples": {"sketches": "line art", "foreign_sketches": 1.0, "max_scale": 2.0}}
    sobel = {"samples": {"sketches": "sobel", "foreign_sketches": 0.0, "max_scale": 1.0}}
    assert describe_samples(line_art) == "Canny and XDoG line art; frames enlarged up to 2x (the app's 512 px working size)"
    assert describe_samples(sobel) == "the app's Sobel sketches"
    recoloured = {"samples": {**sobel["samples"], "max_scale": 2, "recolour_clusters": 0.5}}
    assert describe_samples(recoloured) == ("the app's Sobel sketches; frames enlarged up to 2x (the app's 512 px "
                                            "working size); 50% of targets with one or two parts recoloured")
    assert describe_samples({"samples": {"sketches": "mixed", "foreign_sketches": 0.3}}).endswith("30% Canny/XDoG line art")
    assert describe_samples({**recoloured, "crop": 256}).startswith(
        "the app's Sobel sketches; 256 px crops of frames enlarged up to 2x (the app's 512 px working size); 50%")
    assert describe_samples({**sobel, "crop": 128}) == "the app's Sobel sketches; 128 px crops"
    assert describe_samples({}) is None  # checkpoints saved before samples were recorded
    mixed = {"samples": {"sketches": "line art", "stickers": "stickers/train", "sticker_share": 0.35,
                         "compose": 0.25, "canvas": 512, "region_hints": 0.3}}
    assert describe_samples(mixed) == ("Canny and XDoG line art; 35% full-body stickers; 25% frames pasted on "
                                       "512 px canvases; 30% hinted on whole regions")
    assert "stickers" not in describe_samples({"samples": {**mixed["samples"], "stickers": ""}})  # no folder: none used
