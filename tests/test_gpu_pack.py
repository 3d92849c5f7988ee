"""training.gpu_pack: the frames and stickers a lent GPU machine trains on, and the size of the call."""
import subprocess

import numpy as np
import pytest
from PIL import Image

from tests.synthetic import anime_frame
from training.data import load_rows
from training.gpu_pack import carry_report, main, pack_faces


@pytest.fixture
def sources(tmp_path):
    """(frames folder: 4 JPEGs and a PNG, stickers folder: 2 transparent PNGs and a stray text file)."""
    frames, stickers = tmp_path / "frames", tmp_path / "stickers"
    frames.mkdir(), stickers.mkdir()
    rng = np.random.default_rng(0)
    for index in range(4):
        anime_frame(rng, 64, 48).save(frames / f"{index:04d}.jpg", quality=95)
    anime_frame(rng, 64, 48).save(frames / "0004.png")
    for index in range(2):
        rgba = np.zeros((40, 30, 4), np.uint8)
        rgba[10:30, 5:25] = (200, 60, 60, 255)
        Image.fromarray(rgba, "RGBA").save(stickers / f"s{index}.png")
    (stickers / "notes.txt").write_text("not a sticker")
    return frames, stickers


def test_packed_frames_keep_their_order_size_and_colours(sources, tmp_path):
    frames, _ = sources
    packed = tmp_path / "gpu" / "faces"
    assert pack_faces(frames, packed) == 5
    names = sorted(p.name for p in packed.iterdir())
    assert names == [f"{index:04d}.webp" for index in range(5)]  # the held-out frames stay the last ones
    for name in names:
        original = np.asarray(Image.open(next(frames.glob(name[:-5] + ".*"))).convert("RGB"), np.float32)
        webp = np.asarray(Image.open(packed / name).convert("RGB"), np.float32)
        assert webp.shape == original.shape and np.abs(webp - original).mean() < 6
    assert len(load_rows(str(packed))) == 5  # training reads the packed folder


def test_packing_an_empty_folder_says_what_to_pass(tmp_path):
    with pytest.raises(SystemExit, match="--faces"):
        pack_faces(tmp_path, tmp_path / "out")


def test_the_report_counts_the_working_tree_and_the_carried_folder(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("/gpu/\n/ignored.bin\n")
    (tmp_path / "tracked.bin").write_bytes(b"x" * 3000)
    (tmp_path / "ignored.bin").write_bytes(b"x" * 50_000)  # ignored and not carried: not counted
    (tmp_path / "gpu").mkdir()
    (tmp_path / "gpu" / "data.bin").write_bytes(b"x" * 7000)
    total, report = carry_report(tmp_path, ["gpu"], limit=20_000)
    assert total == 3000 + 7000 + len("/gpu/\n/ignored.bin\n") and "Over" not in report
    total, report = carry_report(tmp_path, ["gpu"], limit=5_000)
    assert "Over the limit" in report and "gpu/data.bin" in report.splitlines()[2]


def test_the_command_packs_both_folders(sources, tmp_path, monkeypatch, capsys):
    frames, stickers = sources
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    assert main(["--out", "gpu", "--faces", str(frames), "--stickers", str(stickers)]) == 0
    assert len(list((tmp_path / "gpu" / "data" / "faces").glob("*.webp"))) == 5
    assert sorted(p.name for p in (tmp_path / "gpu" / "data" / "stickers").iterdir()) == ["s0.png", "s1.png"]
    assert "5 frames and 2 stickers" in capsys.readouterr().out
