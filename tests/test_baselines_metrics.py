import numpy as np

from training.baselines import bucket_fill
from training.metrics import ciede2000, psnr


def two_regions():
    sketch = np.full((20, 20), 255, np.uint8)
    sketch[:, 10] = 0
    return sketch


def test_bucket_fill_colours_each_region_from_its_hints_and_keeps_lines():
    sketch = two_regions()
    hint_rgb = np.zeros((20, 20, 3), np.uint8)
    mask = np.zeros((20, 20), bool)
    hint_rgb[5, 2], mask[5, 2] = (200, 0, 0), True
    hint_rgb[5, 15], mask[5, 15] = (0, 0, 200), True
    out = bucket_fill(sketch, hint_rgb, mask)
    assert np.all(out[:, :10] == (200, 0, 0)) and np.all(out[:, 11:] == (0, 0, 200))
    assert np.all(out[:, 10] == 0)


def test_bucket_fill_without_hints_is_grey():
    out = bucket_fill(two_regions(), np.zeros((20, 20, 3), np.uint8), np.zeros((20, 20), bool))
    assert np.all(out[:, :10] == 128)


def test_metrics_on_identical_and_shifted_images():
    image = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    assert psnr(image, image) == float("inf") and ciede2000(image, image) == 0
    black, grey = np.zeros((4, 4, 3), np.uint8), np.full((4, 4, 3), 10, np.uint8)
    assert abs(psnr(black, grey) - 20 * np.log10(255 / 10)) < 1e-9
    assert ciede2000(black, grey) > 0


def test_evaluate_scores_model_and_bucket_fill(tmp_path, tiny_checkpoint):
    from tests.synthetic import anime_frame
    from training.evaluate import main

    folder = tmp_path / "frames"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(3):
        anime_frame(rng, 48, 40).save(folder / f"{index}.png")
    summary = main(["--checkpoint", str(tiny_checkpoint), "--data", str(folder), "--val_count", "2",
                    "--strokes", "0", "5", "--out", str(tmp_path / "eval")])
    assert {(s["method"], s["strokes"]) for s in summary} == {(m, n) for m in ("model", "bucket fill") for n in (0, 5)}
    assert all(s["images"] == 2 and np.isfinite(s["psnr"]) for s in summary)
    assert "| bucket fill | 5 | 2 |" in (tmp_path / "eval" / "summary.md").read_text()
