import numpy as np
import pytest
from PIL import Image

from colorizer.regions import RegionFill
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
    out = tmp_path / "eval"
    argv = ["--checkpoint", str(tiny_checkpoint), "--data", str(folder), "--val_count", "2",
            "--strokes", "0", "5", "--out", str(out)]
    summary = main(argv)
    methods = {"model", "bucket fill"}
    assert {(s["sketch"], s["hints"], s["strokes"], s["method"]) for s in summary} == {
        (c, h, n, m) for c, h in [("sobel", "region"), ("sobel", "pixel"), ("sobel", "recolour"),
                                  ("canny", "region"), ("xdog", "region")]
        for n in (0, 5) for m in methods}
    assert all(s["images"] == 2 and np.isfinite(s["psnr"]) for s in summary)
    assert all(np.isnan(s["fidelity"]) == (s["strokes"] == 0) for s in summary)
    assert "| 5 | bucket fill |" in (out / "summary.md").read_text()
    assert (out / "quality_vs_hints.png").stat().st_size > 0
    hint_files = sorted((out / "hints").rglob("*.png"))
    assert len(hint_files) == 2 * 3 * 2  # images x styles x counts, written once
    stamps = [f.stat().st_mtime_ns for f in hint_files]
    np.testing.assert_equal(main(argv), summary)  # second run reuses the frozen hints: same scores
    assert [f.stat().st_mtime_ns for f in hint_files] == stamps


def test_other_extractors_give_dark_lines_on_white_paper():
    from tests.synthetic import anime_frame
    from training.extractors import EXTRACTORS

    frame = np.asarray(anime_frame(np.random.default_rng(2), 120, 90))
    for name, extract in EXTRACTORS.items():
        sketch = extract(frame)
        assert sketch.shape == frame.shape[:2] and sketch.dtype == np.uint8, name
        dark = (sketch < 128).mean()
        assert 0.005 < dark < 0.3, f"{name}: {dark:.3f} of the pixels are dark"


def test_recolour_condition_scores_against_the_hue_rotated_frame(tmp_path, tiny_checkpoint):
    from tests.synthetic import anime_frame
    from training.augment import rotate_hue
    from training.evaluate import condition_target, main

    frame = np.asarray(anime_frame(np.random.default_rng(4), 48, 40))
    assert np.array_equal(condition_target(frame, 3, "pixel"), frame)
    assert np.array_equal(condition_target(frame, 3, "recolour"), rotate_hue(frame, 90 + 37 * 3))
    folder = tmp_path / "frames"
    folder.mkdir()
    Image.fromarray(frame).save(folder / "0.png")
    out = tmp_path / "eval"
    summary = main(["--checkpoint", str(tiny_checkpoint), "--data", str(folder), "--val_count", "1", "--strokes", "5",
                    "--conditions", "sobel/recolour", "--region_fill", "--fill_flatness", "1", "--out", str(out)])
    assert {s["method"] for s in summary} == {"model", "model + region fill", "bucket fill"}
    hints = np.asarray(Image.open(out / "hints" / "recolour" / "00000_n05.png").convert("RGBA"))
    painted = hints[..., 3] > 0
    assert np.array_equal(hints[painted][:, :3], condition_target(frame, 0, "recolour")[painted])
    by_method = {s["method"]: s for s in summary}
    assert by_method["model + region fill"]["fidelity"] < by_method["model"]["fidelity"]


def test_extra_checkpoints_with_the_same_file_name_get_their_own_rows(tmp_path, tiny_checkpoint):
    import shutil

    import pytest

    from tests.synthetic import anime_frame
    from training.evaluate import main

    folder = tmp_path / "frames"
    folder.mkdir()
    anime_frame(np.random.default_rng(5), 48, 40).save(folder / "0.png")
    extras = []
    for run in ("run_a", "run_b"):
        (tmp_path / run).mkdir()
        extras.append(str(shutil.copy(tiny_checkpoint, tmp_path / run / "final.pt")))
    argv = ["--checkpoint", str(tiny_checkpoint), "--data", str(folder), "--val_count", "1", "--strokes", "2",
            "--conditions", "sobel/region", "--out", str(tmp_path / "eval"), "--extra", *extras]
    rows = {s["method"]: s for s in main(argv)}
    assert set(rows) == {"model", "bucket fill", "run_a/final", "run_b/final"}
    assert rows["run_a/final"]["psnr"] == rows["run_b/final"]["psnr"] == rows["model"]["psnr"]  # same weights
    with pytest.raises(SystemExit, match="share a row label"):
        main(argv[:-2] + [extras[0], extras[0]])


def test_unknown_condition_stops_with_the_known_names(tmp_path, capsys):
    import pytest

    from training.evaluate import main

    with pytest.raises(SystemExit):
        main(["--conditions", "sobel/regoin", "--out", str(tmp_path)])
    assert "unknown condition 'sobel/regoin'" in capsys.readouterr().err


def test_scale_enlarges_frame_sketch_and_frozen_hints_together(tmp_path, tiny_checkpoint, monkeypatch):
    import training.evaluate as evaluate
    from colorizer import Colorizer
    from tests.synthetic import anime_frame

    frame = np.asarray(anime_frame(np.random.default_rng(4), 48, 40))
    seen = []
    real = evaluate.score_methods
    monkeypatch.setattr(evaluate, "score_methods", lambda models, image, sketch, rgb, mask, *rest:
                        seen.append((image, sketch, rgb, mask)) or real(models, image, sketch, rgb, mask, *rest))
    models = {"model": Colorizer.load(tiny_checkpoint)}
    for scale in (1.0, 2.0):
        evaluate.score_image(0, frame, models, tmp_path / "hints", (5,), (("xdog", "region"),), scale=scale)
    (image1, sketch1, rgb1, mask1), (image2, sketch2, rgb2, mask2) = seen
    assert image1.shape == (40, 48, 3) and image2.shape == sketch2.shape + (3,) == (80, 96, 3)
    assert rgb2.shape == (80, 96, 3) and mask2.sum() == 4 * mask1.sum() > 0
    assert np.array_equal(rgb2[::2, ::2], rgb1) and np.array_equal(sketch1, evaluate.EXTRACTORS["xdog"](frame))
    assert Image.open(tmp_path / "hints" / "region" / "00000_n05.png").size == (48, 40)  # frozen at the frame's size


def test_evaluate_builds_the_region_fill_it_is_asked_for_and_refuses_bad_settings(capsys):
    from training.evaluate import parse_args
    assert parse_args([]).region_fill is None
    assert parse_args(["--region_fill", "--fill_line_level=200", "--fill-gap", "3"]).region_fill == RegionFill(
        gap=3, line_level=200)
    with pytest.raises(SystemExit):
        parse_args(["--region_fill", "--fill_line_level=400"])
    assert "line level must be 1-255" in capsys.readouterr().err


def test_models_are_scored_with_a_coarse_pass_when_asked(tmp_path, tiny_checkpoint, monkeypatch):
    from colorizer import Colorizer
    from tests.synthetic import anime_frame
    from training.evaluate import main

    folder = tmp_path / "frames"
    folder.mkdir()
    anime_frame(np.random.default_rng(6), 200, 200).save(folder / "0.png")
    sides = []
    real = Colorizer.predict
    monkeypatch.setattr(Colorizer, "predict", lambda self, packed: sides.append(packed.shape[1]) or real(self, packed))
    argv = ["--checkpoint", str(tiny_checkpoint), "--data", str(folder), "--val_count", "1", "--strokes", "5",
            "--conditions", "sobel/region", "--scale", "2"]  # 400 px: at least 1.5 x the 256 px coarse side
    main(argv + ["--out", str(tmp_path / "one")])
    assert sides == [400]  # the tiny checkpoint's own setting: one pass
    sides.clear()
    main(argv + ["--out", str(tmp_path / "two"), "--coarse_side", "256"])
    assert sides == [400, 256]
