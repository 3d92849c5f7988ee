"""training.compare: paired changes between two benchmark runs, on per-picture files written here."""
import numpy as np
import pytest

from colorizer.report import HINT_AUC_SUMMARY_CSV
from training import compare
from training.results import HINT_AUC_PER_IMAGE_CSV, write_csv

ALPHAS = (0.0, 0.01, 0.03, 0.05, 0.1, 0.25, 0.5, 1.0)


def fake_run(folder, psnrs: list[float], leakage: float, auc_offset: float | None, per_image_auc: bool = True,
             paper: float | None = None, coverage: float = 0.8):
    """A benchmark folder for stickers / sobel: PSNR at 10 strokes per picture, one-stroke rows, and a
    Hint-AUC curve per picture (PSNR = 20 + alpha + picture index + auc_offset at every ratio); without
    ``paper``, the one-stroke rows lack that column, as runs made before it was measured do."""
    folder.mkdir()
    rows = []
    for index, value in enumerate(psnrs):
        labels = {"set": "stickers", "path": "sobel", "image": f"s{index}", "method": "app"}
        rows.append({**labels, "strokes": 10, "psnr": value, "region_ciede2000": 5.0, "streak": 1.0 + index})
        one = {"coverage": coverage + index / 100, "leakage": leakage, "harmful_leakage": leakage / 4 + index / 100,
               "near_harmful_leakage": leakage / 8, "far_shift": leakage * 10, "background_leakage": leakage / 2}
        rows.append({**labels, "strokes": "one", **one, **({} if paper is None else {"paper": paper})})
    write_csv(rows, folder / "per_image.csv")
    if auc_offset is None:
        return
    curves = [{"set": "stickers", "path": "sobel", "image": f"s{index}", "method": "app", "alpha": alpha,
               "psnr": 20 + alpha + index + auc_offset, "ssim": 0.5} for index in range(len(psnrs)) for alpha in ALPHAS]
    if per_image_auc:
        write_csv(curves, folder / HINT_AUC_PER_IMAGE_CSV)
    mean_auc = 20.5 + (len(psnrs) - 1) / 2 + auc_offset  # integral of 20 + alpha over [0, 1], plus the offsets
    write_csv([{"set": "stickers", "path": "sobel", "method": "app", "images": len(psnrs), "auc_psnr": mean_auc,
                "auc_ssim": 0.5, "few_stroke_psnr": mean_auc - 0.5 + 0.03}], folder / HINT_AUC_SUMMARY_CSV)


def test_a_uniform_gain_is_reported_with_a_tight_interval_and_the_side_by_side_figures(tmp_path):
    pytest.importorskip("hintauc")
    fake_run(tmp_path / "before", [18.0, 19.0, 20.0, 21.0], leakage=0.07, auc_offset=0.0)
    fake_run(tmp_path / "after", [18.5, 19.5, 20.5, 21.5], leakage=0.14, auc_offset=0.25, paper=0.9, coverage=0.77)
    (row,) = compare.compare(tmp_path / "after", tmp_path / "before", "sobel")
    assert row["set"] == "stickers" and row["pictures"] == 4
    assert row["psnr"] == pytest.approx((0.5, 0.5, 0.5))
    assert row["auc_psnr"] == pytest.approx((0.25, 0.25, 0.25))  # paired per picture
    assert row["few_stroke_psnr"] == pytest.approx((0.25, 0.25, 0.25))
    assert row["leakage"] == pytest.approx((0.14, 0.07)) and row["background_leakage"] == pytest.approx((0.07, 0.035))
    assert row["harmful_leakage"] == pytest.approx((0.05, 0.0325))
    assert row["harmful_leakage_change"] == pytest.approx((1.75, 1.75, 1.75))  # points, paired per picture
    assert row["coverage"] == pytest.approx((0.785, 0.815))  # the median over pictures
    assert row["coverage_change"] == pytest.approx((-3.0, -3.0, -3.0))  # points, paired per picture
    assert row["near_harmful_leakage"] == pytest.approx((0.0175, 0.00875)) and row["far_shift"] == pytest.approx((1.4, 0.7))
    assert row["streak"] == pytest.approx((2.5, 2.5))  # the median over pictures
    assert row["paper"][0] == pytest.approx(0.9) and np.isnan(row["paper"][1])  # "before" predates the measure
    table = compare.markdown([row], "sobel")
    assert "| stickers (4) | +0.50 [+0.50, +0.50] | +0.25 [+0.25, +0.25]" in table and "78.5 (81.5) | -3.00 [-3.00, -3.00] | 14.0 (7.0) | 5.0 (3.2) | +1.75 [+1.75, +1.75] | 1.75 (0.88) | 1.40 (0.70) | 7.0 (3.5)" in table
    assert table.rstrip().endswith("| 90.0 (n/a) |")


def test_a_noisy_change_gets_an_interval_around_its_mean():
    rng = np.random.default_rng(0)
    differences = rng.normal(1.0, 1.0, 400)
    mean, low, high = compare.paired_interval(differences, np.random.default_rng(1))
    assert low < mean < high and low < 1.0 < high and 0.1 < high - low < 0.3  # about 4 standard errors wide


def test_runs_without_per_picture_hint_auc_fall_back_to_the_set_means(tmp_path):
    pytest.importorskip("hintauc")
    fake_run(tmp_path / "before", [18.0, 19.0], leakage=0.05, auc_offset=0.0, per_image_auc=False)
    fake_run(tmp_path / "after", [18.0, 20.0], leakage=0.05, auc_offset=-0.5)
    (row,) = compare.compare(tmp_path / "after", tmp_path / "before", "sobel")
    assert row["auc_psnr"][0] == pytest.approx(-0.5) and np.isnan(row["auc_psnr"][1])
    assert compare.change(row["auc_psnr"]) == "-0.50"
    assert row["psnr"][0] == pytest.approx(0.5) and row["psnr"][1] < row["psnr"][2]


def test_only_pictures_both_runs_scored_are_paired_and_a_bad_folder_says_what_to_give(tmp_path):
    fake_run(tmp_path / "before", [18.0, 19.0, 30.0], leakage=0.05, auc_offset=None)
    fake_run(tmp_path / "after", [19.0, 20.0], leakage=0.05, auc_offset=None)
    (row,) = compare.compare(tmp_path / "after", tmp_path / "before", "sobel")
    assert row["pictures"] == 2 and row["psnr"][0] == pytest.approx(1.0)
    assert compare.change(row["auc_psnr"]) == "n/a"
    assert compare.compare(tmp_path / "after", tmp_path / "before", "line art") == []
    with pytest.raises(SystemExit, match="python -m training.evaluate"):
        compare.compare(tmp_path / "nowhere", tmp_path / "before", "sobel")
