import csv
import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch

from colorizer import read_checkpoint
from training.config import TrainConfig, parse_overrides
from training.data import load_images, load_rows, make_sample
from training.hint_sim import simulate_hints
from training.losses import kmeans_palette, palette_penalty
from training.train import Run, autocast_enabled, lr_at, make_loader, one_thread_per_worker, train, train_step
from tests.synthetic import anime_frame, encode


@pytest.fixture
def image_folder(tmp_path):
    rng = np.random.default_rng(7)
    folder = tmp_path / "frames"
    folder.mkdir()
    for index in range(12):
        anime_frame(rng, 72, 64).save(folder / f"{index:03d}.png")
    (folder / "broken.png").write_bytes(b"not an image")
    return folder


def tiny_config(data, out_dir, **overrides):
    argv = [f"--data={data}", f"--out_dir={out_dir}", "--val_count=4", "--val_eval_images=2", "--crop=32",
            "--batch_size=2", "--steps=2", "--eval_every=1", "--ckpt_every=1", "--workers=0", "--warmup_steps=1",
            '--model={"base_channels": 4, "depth": 2, "max_channels": 8, "blocks": 1}']
    return parse_overrides(argv + [f"--{k}={v}" for k, v in overrides.items()])


def test_two_step_training_smoke(image_folder, tmp_path):
    out_dir = tmp_path / "run"
    final = train(tiny_config(image_folder, out_dir))
    payload = read_checkpoint(final)
    assert payload["meta"]["steps"] == 2 and "training" not in payload
    assert payload["meta"]["samples"] == {"sketches": "sobel", "foreign_sketches": 0.0, "max_scale": 1.0,
                                          "recolour_clusters": 0.0, "hue_rotation": 0.5, "stickers": "",
                                          "sticker_share": 0.0, "compose": 0.0, "canvas": 512, "region_hints": 0.0,
                                          "keep_background": False}
    rows = list(csv.DictReader((out_dir / "metrics.csv").open()))
    assert [int(r["step"]) for r in rows] == [1, 2]
    assert all(float(r["l1"]) > 0 and float(r["palette"]) >= 0 for r in rows)
    assert json.loads((out_dir / "config.json").read_text())["steps"] == 2
    assert (out_dir / "loss_curve.png").stat().st_size > 0


def test_training_resumes_from_last_checkpoint(image_folder, tmp_path):
    out_dir = tmp_path / "run"
    train(tiny_config(image_folder, out_dir))
    train(tiny_config(image_folder, out_dir, steps=3))
    rows = list(csv.DictReader((out_dir / "metrics.csv").open()))
    assert [int(r["step"]) for r in rows] == [1, 2, 3]
    assert read_checkpoint(out_dir / "final.pt")["meta"]["steps"] == 3


def test_palette_penalty_is_zero_on_palette_colours_and_grows_off_it():
    palette = torch.tensor([[[1.0, -1.0, -1.0], [-1.0, -1.0, 1.0]]])
    on = palette[0][torch.tensor([0, 1, 1, 0])].T.reshape(1, 3, 2, 2)
    assert palette_penalty(on, palette).item() == 0
    near, far = on + 0.1, on * 0.2
    assert 0 < palette_penalty(near, palette).item() < palette_penalty(far, palette).item()


def test_kmeans_palette_finds_flat_colours(rng):
    image = np.zeros((20, 20, 3), np.uint8)
    image[:10] = (255, 0, 0)
    image[10:] = (0, 0, 255)
    palette = kmeans_palette(image, 8, rng)
    assert palette.shape == (8, 3)
    assert {tuple(row) for row in palette.round(3).tolist()} == {(1.0, -1.0, -1.0), (-1.0, -1.0, 1.0)}


def test_hint_simulation_is_reproducible_by_seed(frame):
    target = np.asarray(frame)
    sketch = np.full(target.shape[:2], 255, np.uint8)
    first = simulate_hints(target, sketch, np.random.default_rng(42), count=10)
    again = simulate_hints(target, sketch, np.random.default_rng(42), count=10)
    other = simulate_hints(target, sketch, np.random.default_rng(43), count=10)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[1], other[1])
    assert first[1].any() and np.all(first[0][~first[1]] == 0)


def test_region_strokes_stay_inside_their_region():
    target = np.zeros((60, 60, 3), np.uint8)
    target[:, 30:] = (200, 50, 50)
    sketch = np.full((60, 60), 255, np.uint8)
    sketch[:, 29:31] = 0  # a line between the two halves
    rgb, mask = simulate_hints(target, sketch, np.random.default_rng(0), count=20, region_fraction=1.0)
    assert mask.any() and not mask[:, 29:31].any()
    assert set(map(tuple, rgb[mask])) <= {(0, 0, 0), (200, 50, 50)}


def test_sample_shapes_and_ranges(frame, rng):
    sample = make_sample(np.asarray(frame), rng, crop=48, palette_k=8, max_strokes=30,
                         no_hint_fraction=0.0, hue_rotation=1.0)
    assert sample["input"].shape == (4, 48, 48) and sample["target"].shape == (3, 48, 48)
    assert sample["palette"].shape == (8, 3)
    assert sample["input"].abs().max() <= 1 and sample["target"].abs().max() <= 1


def test_loader_reads_parquet_with_hub_columns(tmp_path, rng):
    frames = [encode(anime_frame(rng, 40, 40)) for _ in range(3)]
    cell = lambda data: {"bytes": data, "path": None}
    table = pa.table({column: [cell(f) for f in frames] for column in
                      ("sketch", "full_colour", "scribbles", "sketch_and_scribbles_merged")})
    pq.write_table(table, tmp_path / "test.parquet")
    images = load_images(str(tmp_path / "test.parquet"))
    assert len(images) == 3 and images[0].shape == (40, 40, 3)


def test_unreachable_hub_fails_fast_with_advice(monkeypatch):
    import time

    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens on the discard port
    started = time.time()
    with pytest.raises(SystemExit, match="Pass a local folder"):
        load_images("pawlo2013/anime_diffusion_full", limit=1)
    assert time.time() - started < 15


def test_loader_skips_bad_and_grayscale_images(image_folder):
    from PIL import Image

    Image.new("RGB", (40, 40), (128, 128, 128)).save(image_folder / "grey.png")
    assert len(load_images(str(image_folder))) == 12


def test_overrides_parse_types_and_reject_unknown_keys():
    config = parse_overrides(["--steps=5", "--lr", "0.01", "--model.depth=3"])
    assert config.steps == 5 and config.lr == 0.01 and config.model_config().depth == 3
    with pytest.raises(SystemExit, match="Unknown option"):
        parse_overrides(["--stepz=5"])


def test_learning_rate_warms_up_then_decays():
    config = TrainConfig(lr=1.0, warmup_steps=10, steps=100)
    assert lr_at(0, config) < lr_at(9, config) == 1.0
    assert lr_at(99, config) < 0.1


@pytest.mark.slow
def test_sigkill_mid_run_then_resume_continues_from_last_checkpoint(image_folder, tmp_path, caplog):
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    out_dir = tmp_path / "killed"
    options = [f"--data={image_folder}", f"--out_dir={out_dir}", "--val_count=4", "--val_eval_images=1",
               "--crop=32", "--batch_size=2", "--steps=100000", "--eval_every=100000", "--ckpt_every=3",
               "--keep_checkpoints=2", "--workers=0", "--threads=1",
               '--model={"base_channels": 4, "depth": 2, "max_channels": 8, "blocks": 1}']
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen([sys.executable, "-m", "training.train", *options], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((out_dir / "checkpoints").glob("step_*.pt"))) < 2:
        time.sleep(0.2)
    time.sleep(0.3)  # somewhere between checkpoints
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    saved = sorted((out_dir / "checkpoints").glob("step_*.pt"))
    assert saved, "no checkpoint was written before the kill"
    steps = [read_checkpoint(p)["training"]["step"] for p in saved]  # every file on disk is readable
    last = max(steps)
    resumed = parse_overrides(options + [f"--steps={last + 4}"])
    with caplog.at_level("INFO", logger="training"):
        final = train(resumed)
    assert f"Resuming from {out_dir / 'checkpoints' / f'step_{last:07d}.pt'}" in caplog.text
    assert read_checkpoint(final)["meta"]["steps"] == last + 4
    logged = [int(r["step"]) for r in csv.DictReader((out_dir / "metrics.csv").open())]
    assert logged == list(range(1, last + 5))  # no step lost, none counted twice
    assert len(list((out_dir / "checkpoints").glob("step_*.pt"))) <= 2


def test_interrupted_hub_stream_keeps_loaded_rows_and_warns(monkeypatch, caplog, rng):
    import datasets

    from training import data

    frames = [{"full_colour": {"bytes": encode(anime_frame(rng, 40, 40)), "path": None}} for _ in range(3)]

    def stream(*args, **kwargs):
        yield from frames[:2]
        yield {"full_colour": {"bytes": b"broken row", "path": None}}
        raise ConnectionError("connection reset by peer")

    monkeypatch.setattr(data, "check_hub_reachable", lambda: None)
    monkeypatch.setattr(datasets, "load_dataset", stream)
    with caplog.at_level("WARNING"):
        images = load_images("pawlo2013/anime_diffusion_full")
    assert len(images) == 2
    assert "download stopped after 3 rows" in caplog.text and "Skipping" in caplog.text


@pytest.mark.parametrize("share, kind, target", [(0.0, "sobel", "models/colorizer.pt"),
                                                  (0.5, "mixed", "models/colorizer.pt"),
                                                  (1.0, "line art", "models/colorizer_line_art.pt")])
def test_sample_recipe_names_the_kind_of_sketch_a_run_trained_on(share, kind, target):
    from training.train import sample_recipe, ship_target

    config = parse_overrides([f"--foreign_sketches={share}", "--max_scale=2"])
    recipe = sample_recipe(config)
    assert recipe["sketches"] == kind and recipe["foreign_sketches"] == share and recipe["max_scale"] == 2
    assert ship_target(config) == target  # the file the finished run's log says to copy it to


def test_moving_average_keeps_length_and_smooths_noise():
    from training.train import moving_average

    assert moving_average([2.0, 4.0, 6.0, 8.0], 2) == [2.0, 3.0, 5.0, 7.0]  # the first entry averages itself
    noisy = [1.0, 3.0] * 50
    smooth = moving_average(noisy, 10)
    assert len(smooth) == len(noisy) and all(abs(v - 2.0) < 1e-9 for v in smooth[9:])
    assert moving_average(noisy, 1) == noisy


def one_step_dtypes(image_folder, tmp_path, **overrides):
    """Run one training step; returns (dtype of the first conv's output, the run, its weights before)."""
    config = tiny_config(image_folder, tmp_path / "step", **overrides)
    run = Run(config)
    before = {k: v.clone() for k, v in run.model.state_dict().items()}
    seen = []
    first_conv = next(m for m in run.model.modules() if isinstance(m, torch.nn.Conv2d))
    first_conv.register_forward_hook(lambda module, inputs, output: seen.append(output.dtype))
    rows = load_rows(str(image_folder))
    terms = train_step(run, next(iter(make_loader(run, rows))))
    assert np.isfinite(terms["loss"]) and terms["l1"] > 0
    return seen[0], run, before


def test_bfloat16_autocast_path_trains_on_a_cpu(image_folder, tmp_path):
    dtype, run, before = one_step_dtypes(image_folder, tmp_path, precision="bfloat16")
    assert dtype == torch.bfloat16  # the convs ran in bfloat16, as on CUDA
    weights = run.model.state_dict()
    assert all(v.dtype == before[k].dtype for k, v in weights.items())  # master weights stay float32
    assert any(not torch.equal(v, before[k]) for k, v in weights.items() if v.is_floating_point())
    assert run.meta(1, float("nan"))["precision"] == "bfloat16 autocast"


def test_float32_precision_trains_without_autocast(image_folder, tmp_path):
    dtype, run, _ = one_step_dtypes(image_folder, tmp_path, precision="float32")
    assert dtype == torch.float32 and run.meta(1, float("nan"))["precision"] == "float32"


def test_auto_precision_follows_the_device_and_the_cpus_bfloat16(monkeypatch):
    import colorizer.pipeline as pipeline

    cpu, gpu = torch.device("cpu"), torch.device("cuda", 0)
    for native in (True, False):
        monkeypatch.setattr(pipeline, "native_bfloat16", lambda: native)
        assert autocast_enabled("auto", cpu) is native and autocast_enabled("auto", gpu)
        assert autocast_enabled("bfloat16", cpu) and not autocast_enabled("float32", gpu)
    with pytest.raises(SystemExit, match="Unknown --precision=float16"):
        autocast_enabled("float16", cpu)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_training_runs_in_bfloat16_autocast_and_resumes(image_folder, tmp_path):
    out_dir = tmp_path / "cuda"
    train(tiny_config(image_folder, out_dir, device="cuda"))
    final = train(tiny_config(image_folder, out_dir, device="cuda", steps=3))  # resume: optimiser state back on the GPU
    meta = read_checkpoint(final)["meta"]
    assert meta["steps"] == 3 and meta["precision"] == "bfloat16 autocast"
    assert meta["hardware"] == torch.cuda.get_device_name(0)


class _ThreadCounts(torch.utils.data.Dataset):
    def __len__(self):
        return 1

    def __getitem__(self, index):
        import threadpoolctl
        return max(pool["num_threads"] for pool in threadpoolctl.threadpool_info())


def test_data_workers_run_their_blas_and_openmp_pools_on_one_thread():
    loader = torch.utils.data.DataLoader(_ThreadCounts(), num_workers=1, worker_init_fn=one_thread_per_worker)
    assert next(iter(loader)).item() == 1
