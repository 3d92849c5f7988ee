"""The benchmark: its measures on pictures whose answer is known, and the command on tiny synthetic sets."""
import csv
import json
import importlib.util

import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer import report
from training.metrics import (CHANGED, NEAR, lab, one_stroke, one_stroke_region, paper_kept, region_ciede2000,
                              streak, stroke_coverage, stroke_leakage, stroke_regions)
from training.valsets import sticker_on_white
from tests.synthetic import anime_frame

SKIN, RED = (250, 210, 180), (220, 30, 40)
HAS_HINTAUC = importlib.util.find_spec("hintauc") is not None


def outlined_disc(size: int = 96) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(picture: a skin-coloured disc outlined in black on white, its sketch, the disc's mask)."""
    picture = np.full((size, size, 3), 255, np.uint8)
    cv2.circle(picture, (size // 2, size // 2), size // 3, SKIN, -1)
    cv2.circle(picture, (size // 2, size // 2), size // 3, (0, 0, 0), 2)
    sketch = cv2.cvtColor(picture, cv2.COLOR_RGB2GRAY)
    sketch = np.where(sketch < 100, 0, 255).astype(np.uint8)
    mask = np.zeros((size, size), np.uint8)
    cv2.circle(mask, (size // 2, size // 2), size // 3 + 2, 1, -1)
    return picture, sketch, mask.astype(bool)


def test_one_stroke_lands_inside_the_largest_region_of_the_character():
    picture, sketch, mask = outlined_disc()
    region = one_stroke_region(sketch, mask)
    assert region is not None and region[48, 48] and not region[2, 2]  # the disc, not the white paper
    rgb, hint_mask = one_stroke(region, picture, np.array([SKIN, RED], np.uint8))
    assert hint_mask.any() and np.all(region[hint_mask])
    assert np.all(rgb[hint_mask] == RED)  # the palette colour farthest from the skin


def test_a_region_filled_flat_with_the_stroke_colour_is_fully_covered_and_leaks_nothing():
    picture, sketch, mask = outlined_disc()
    region = one_stroke_region(sketch, mask)
    filled = picture.copy()
    filled[region] = RED
    assert stroke_coverage(lab(filled), region, np.array(RED, np.uint8)) == 1.0
    assert stroke_leakage(lab(filled), lab(picture), lab(picture), region)["leakage"] == 0.0


def test_half_a_region_covered_and_a_tinted_background_are_measured():
    picture, sketch, mask = outlined_disc()
    region = one_stroke_region(sketch, mask)
    half = picture.copy()
    half[:48][region[:48]] = RED
    coverage = stroke_coverage(lab(half), region, np.array(RED, np.uint8))
    assert 0.4 < coverage < 0.6
    tinted = half.copy()
    tinted[~region] = (200, 200, 255)  # the stroke turned the paper blue too
    assert stroke_leakage(lab(tinted), lab(picture), lab(picture), region)["leakage"] > 0.5
    leakage = stroke_leakage(lab(tinted), lab(picture), lab(picture), region, ~mask)
    total, on_paper = leakage["leakage"], leakage["background_leakage"]
    on_character = stroke_leakage(lab(tinted), lab(picture), lab(picture), region, mask)["background_leakage"]
    assert on_paper > 0.5 and on_paper + on_character == pytest.approx(total)
    assert np.isnan(stroke_leakage(lab(tinted), lab(picture), lab(picture), region)["background_leakage"])


def test_harmful_leakage_counts_only_the_changes_that_move_away_from_the_truth():
    picture, sketch, mask = outlined_disc()
    region = one_stroke_region(sketch, mask)
    guessed, blue = picture.copy(), picture.copy()
    guessed[~region] = (150, 150, 150)  # without the stroke: everything else guessed grey
    blue[~region] = (40, 60, 220)  # with it, turned blue: farther from the truth than the grey guess
    assert stroke_leakage(lab(blue), lab(guessed), lab(picture), region)["harmful_leakage"] > 0.9
    back = stroke_leakage(lab(picture), lab(guessed), lab(picture), region)  # turned back to the truth:
    assert back["leakage"] > 0.9 and back["harmful_leakage"] == 0.0  # leakage all the same, but none of it harmful


def test_a_halo_counts_as_near_leakage_and_a_tone_shift_as_far_shift():
    picture, sketch, mask = outlined_disc()
    region = one_stroke_region(sketch, mask)
    distance = cv2.distanceTransform((~region).astype(np.uint8), cv2.DIST_C, 3)
    halo = picture.copy()
    halo[~region & (distance <= NEAR / 2)] = (40, 60, 220)  # blue just around the stroked region
    ring = stroke_leakage(lab(halo), lab(picture), lab(picture), region)
    assert ring["harmful_leakage"] > 0 and ring["near_harmful_leakage"] == pytest.approx(ring["harmful_leakage"])
    assert ring["far_shift"] == pytest.approx(0.0)
    far = picture.copy()
    far[~region & (distance > NEAR)] = (40, 60, 220)  # the stroke moved everything beyond its halo
    shifted = stroke_leakage(lab(far), lab(picture), lab(picture), region)
    assert shifted["harmful_leakage"] > 0 and shifted["near_harmful_leakage"] == 0.0
    assert shifted["far_shift"] > CHANGED


def test_paper_left_white_counts_the_background_pixels_that_stay_white():
    picture, _, mask = outlined_disc()
    assert paper_kept(lab(picture), ~mask) == 1.0
    greyed = picture.copy()
    greyed[:48][~mask[:48]] = (100, 99, 96)  # the upper half of the paper painted dark grey
    assert 0.4 < paper_kept(lab(greyed), ~mask) < 0.6
    assert paper_kept(lab(greyed), mask) < 0.1  # the skin disc is not white
    assert np.isnan(paper_kept(lab(picture), np.zeros_like(mask)))


def test_white_paper_in_the_benchmark_tells_the_app_and_the_network_but_not_the_bucket_fill(tiny_checkpoint,
                                                                                          monkeypatch):
    from colorizer import Colorizer, SketchKind
    from training import evaluate

    picture, sketch, _ = outlined_disc()
    none = (np.zeros_like(picture), np.zeros(sketch.shape, bool))
    model = Colorizer.load(tiny_checkpoint)
    outputs = {}
    for setting in ("off", "on", "auto"):
        monkeypatch.setitem(evaluate._WORKER, "white_paper", setting)
        outputs[setting] = evaluate.run_methods(model, SketchKind.SOBEL, sketch, *none)
    plain, paper = outputs["off"], outputs["on"]
    assert np.all(paper["app"][:8] == 255) and not np.all(plain["app"][:8] == 255)
    assert not np.array_equal(paper["network"], plain["network"])
    assert np.array_equal(paper["bucket fill"], plain["bucket fill"])
    assert np.array_equal(outputs["auto"]["app"], paper["app"])  # the app's default: a disc on blank paper


def test_the_benchmark_defaults_to_the_apps_white_paper_decision(tiny_checkpoint):
    from colorizer import Colorizer, SketchKind
    from training import evaluate

    assert evaluate.parse_args([]).white_paper == "auto"
    picture, sketch, _ = outlined_disc()
    none = (np.zeros_like(picture), np.zeros(sketch.shape, bool))
    framed = sketch.copy()
    framed[:, :3] = 0  # a line along the edge: a scene, not a character on blank paper
    model = Colorizer.load(tiny_checkpoint)
    assert np.all(evaluate.run_methods(model, SketchKind.SOBEL, sketch, *none)["app"][:8, 8:] == 255)
    assert not np.all(evaluate.run_methods(model, SketchKind.SOBEL, framed, *none)["app"][:8, 8:] == 255)


def stroked_disc(under_stroke) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(output: the disc in red with ``under_stroke`` painted under a stroke, its sketch, the stroke mask)."""
    picture, sketch, _ = outlined_disc()
    output = np.where(one_stroke_region(sketch, None)[..., None], np.array(RED, np.uint8), picture)
    stroke = np.zeros(sketch.shape, bool)
    stroke[46:50, 35:60] = True
    output[stroke] = under_stroke
    return output, sketch, stroke


def test_streak_is_zero_when_the_stroke_only_sets_its_regions_colour():
    output, sketch, stroke = stroked_disc(RED)
    labels, hinted = stroke_regions(sketch, stroke)
    assert len(hinted) == 1 and streak(lab(output), labels, hinted, stroke) < 0.5


def test_a_stroke_stamped_brighter_than_its_region_is_caught():
    output, sketch, stroke = stroked_disc((255, 150, 150))
    labels, hinted = stroke_regions(sketch, stroke)
    assert streak(lab(output), labels, hinted, stroke) > 10


def test_region_ciede2000_counts_only_the_regions_that_hold_a_stroke():
    picture, sketch, _ = outlined_disc()
    stroke = np.zeros(sketch.shape, bool)
    stroke[46:50, 35:60] = True
    labels, hinted = stroke_regions(sketch, stroke)
    wrong_paper = picture.copy()
    wrong_paper[:5] = (0, 0, 255)  # the unstroked paper is wrong, the stroked disc right
    assert region_ciede2000(lab(wrong_paper), lab(picture), labels, hinted) == 0.0
    wrong_disc = np.where(labels[..., None] == hinted[0], np.array(RED, np.uint8), picture)
    assert region_ciede2000(lab(wrong_disc), lab(picture), labels, hinted) > 20
    assert np.isnan(region_ciede2000(lab(picture), lab(picture), labels, np.array([], int)))


def test_a_sticker_sits_centred_on_white_with_its_alpha_as_the_character_mask():
    sticker = np.zeros((40, 20, 4), np.uint8)
    sticker[5:35, 5:15] = (*RED, 255)
    picture = sticker_on_white(sticker, side=128)
    assert picture.rgb.shape == (128, 128, 3) and picture.mask.shape == (128, 128)
    assert np.all(picture.rgb[:, :20] == 255) and not picture.mask[:, :20].any()  # white where it is transparent
    assert np.abs(picture.rgb[64, 64].astype(int) - RED).max() < 10 and picture.mask[64, 64]


def synthetic_sets(root, rng) -> dict:
    """Tiny stand-ins for the three sets: 3 face frames (the last 2 held out... by count), 2 stickers, 2 pictures."""
    folders = {name: root / name for name in ("faces", "stickers", "illustrations")}
    for folder in folders.values():
        folder.mkdir()
    for index in range(3):
        anime_frame(rng, 64, 64).save(folders["faces"] / f"{index:04d}.png")
    for index in range(2):
        rgba = np.zeros((60, 40, 4), np.uint8)
        cv2.ellipse(rgba, (20, 30), (15, 25), 0, 0, 360, (*SKIN, 255), -1)
        cv2.ellipse(rgba, (20, 30), (15, 25), 0, 0, 360, (20, 20, 20, 255), 2)
        Image.fromarray(rgba, "RGBA").save(folders["stickers"] / f"s{index}.png")
        anime_frame(rng, 96, 80).save(folders["illustrations"] / f"{index:03d}.jpg")
    return folders


@pytest.mark.slow
@pytest.mark.skipif(not HAS_HINTAUC, reason="the evaluation extra: pip install --no-deps -r requirements-eval.txt")
def test_the_benchmark_command_scores_every_set_path_and_method(tmp_path, tiny_checkpoint, monkeypatch):
    from training import evaluate, valsets

    monkeypatch.setattr(valsets, "STICKER_SIDE", 96)
    folders = synthetic_sets(tmp_path, np.random.default_rng(2))
    out = tmp_path / "bench"
    evaluate.main(["--faces", str(folders["faces"]), "--stickers", str(folders["stickers"]), "--illustrations",
                   str(folders["illustrations"]), "--strokes", "0", "10", "--sobel-checkpoint", str(tiny_checkpoint),
                   "--line-art-checkpoint", str(tiny_checkpoint), "--hint-auc", "--workers", "1", "--out", str(out)])
    rows = list(csv.DictReader((out / report.BENCHMARK_CSV).open()))
    keys = {(r["set"], r["path"], r["method"], r["strokes"]) for r in rows}
    assert keys == {(s, p, m, n) for s in ("faces", "stickers", "illustrations") for p in ("sobel", "line art")
                    for m in ("app", "network", "bucket fill") for n in ("0", "10", "one")}
    one = {(r["set"], r["method"]): r for r in rows if r["strokes"] == "one" and r["path"] == "sobel"}
    sticker = one[("stickers", "bucket fill")]  # a bucket fill's one stroke floods the white paper too
    assert 0 < float(sticker["background_leakage"]) <= float(sticker["leakage"])
    assert 0 <= float(sticker["harmful_leakage"]) <= float(sticker["leakage"])
    assert 0 <= float(sticker["near_harmful_leakage"]) <= float(sticker["harmful_leakage"])
    assert float(sticker["far_shift"]) >= 0
    assert not np.isfinite(float(one[("illustrations", "app")]["background_leakage"]))  # no character mask
    assert 0 <= float(one[("stickers", "app")]["paper"]) <= 1 and not np.isfinite(float(one[("faces", "app")]["paper"]))
    for path in ("sobel", "line art"):  # what the Model page reads
        table = report.headline(out, path)
        assert len(table) == 9 and all(np.isfinite(r["psnr"]) and 0 <= r["coverage"] <= 1 for r in table)
        auc = report.hint_auc_rows(out, path)
        assert {r["method"] for r in auc} == {"app", "network", "bucket fill", "hint fill (oracle)"}
        assert all(np.isfinite(r["auc_psnr"]) and np.isfinite(r["few_stroke_psnr"]) for r in auc)
    assert report.benchmarked(out, "sobel", report.file_sha256(tiny_checkpoint))
    per_picture = list(csv.DictReader((out / "hintauc_per_image.csv").open()))  # what training.compare pairs
    assert {(r["set"], r["image"]) for r in per_picture if r["path"] == "sobel" and r["alpha"] == "1.0"
            and r["method"] == "app"} == {(r["set"], r["image"]) for r in list(csv.DictReader(
                (out / "per_image.csv").open())) if r["path"] == "sobel" and r["strokes"] == "10" and r["method"] == "app"}
    assert (out / report.STROKE_PLOT).is_file() and (out / report.HINT_AUC_PLOT).is_file()
    assert (out / "contact_stickers_sobel.png").is_file() and "Hint-AUC" in (out / report.SUMMARY_MD).read_text()
    saved = Image.open(out / "outputs" / "illustrations" / "line art" / "app" / "000.png")
    assert saved.size == (96, 80)  # each path's outputs at the picture's size
    from training.results import before_after_sheets

    sheets = before_after_sheets(out, out, ["stickers"], ["sobel"])  # a run against itself: two rows of four
    assert [p.name for p in sheets] == ["before_after_stickers_sobel.png"]
    assert Image.open(sheets[0]).size == (4 * 160, 2 * 160 + 18)


def test_paths_limits_the_benchmark_to_one_sketch_path(tmp_path, tiny_checkpoint, monkeypatch):
    from training import evaluate, valsets

    monkeypatch.setattr(valsets, "STICKER_SIDE", 96)
    folders = synthetic_sets(tmp_path, np.random.default_rng(3))
    out = tmp_path / "bench"
    evaluate.main(["--sets", "faces", "--faces", str(folders["faces"]), "--strokes", "10", "--paths", "line art",
                   "--line-art-checkpoint", str(tiny_checkpoint), "--workers", "1", "--out", str(out)])
    rows = list(csv.DictReader((out / report.BENCHMARK_CSV).open()))
    assert rows and {r["path"] for r in rows} == {"line art"}
    assert list(json.loads((out / "benchmark.json").read_text())["checkpoints"]) == ["line art"]


def test_hint_auc_without_the_extra_says_how_to_install_it(monkeypatch):
    import builtins

    from training import hint_auc

    real_import = builtins.__import__

    def no_hintauc(name, *args, **kwargs):
        if name == "hintauc":
            raise ImportError("No module named 'hintauc'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_hintauc)
    with pytest.raises(SystemExit, match="requirements-eval.txt"):
        hint_auc.require_hintauc()


def test_a_missing_set_folder_names_the_option(tmp_path):
    from training.valsets import load_set

    with pytest.raises(SystemExit, match="--stickers=FOLDER"):
        load_set("stickers", tmp_path / "absent")


@pytest.mark.skipif(not HAS_HINTAUC, reason="the evaluation extra: pip install --no-deps -r requirements-eval.txt")
def test_hint_auc_scores_ssim_as_published_with_torchmetrics():
    from training.hint_auc import protocol

    backend = protocol()["backend"]
    assert backend["ssim"] == "torchmetrics" and backend["torchmetrics"] == "1.4.0"


@pytest.mark.skipif(not HAS_HINTAUC, reason="the evaluation extra: pip install --no-deps -r requirements-eval.txt")
def test_the_oracle_reference_is_hintaucs_hint_fill_colorizer():
    import hintauc

    from training.hint_auc import OracleFill, generate, ratio_hints

    target = np.asarray(anime_frame(np.random.default_rng(8), 120, 90, shapes=6))
    sketch = cv2.cvtColor(target, cv2.COLOR_RGB2GRAY)
    hints = generate(target)
    oracle = OracleFill(hints, target)
    for alpha in (0.03, 0.25):
        rgb, mask = ratio_hints(hints, alpha, 90, 120)
        sample = {"hints": hints, "ground_truth": target[..., ::-1].copy(), "line_art": sketch,
                  "hint_mask": mask.astype(np.uint8) * 255}
        assert mask.any() and np.array_equal(oracle(sketch, mask), hintauc.hint_fill_colorizer(sample)[..., ::-1])


def test_the_benchmark_scores_the_apps_mirror_average_unless_told_not_to(tiny_checkpoint):
    import torch

    from training import evaluate

    assert evaluate.parse_args([]).flip_average and not evaluate.parse_args(["--no-flip-average"]).flip_average
    threads = torch.get_num_threads()  # init_worker makes this process a one-thread worker
    try:
        evaluate.init_worker({"sobel": str(tiny_checkpoint)}, evaluate.RegionFill(), flip_average=False)
        assert not evaluate._WORKER["models"]["sobel"].flip_average
        evaluate.init_worker({"sobel": str(tiny_checkpoint)}, evaluate.RegionFill())
        assert evaluate._WORKER["models"]["sobel"].flip_average
    finally:
        torch.set_num_threads(threads)
        evaluate._WORKER.clear()


def test_the_benchmark_decides_white_paper_once_per_sketch_as_the_app_does(tmp_path, tiny_checkpoint, monkeypatch):
    from colorizer import Colorizer
    from training import evaluate
    from training.valsets import Picture

    picture, _, _ = outlined_disc()
    decisions = []
    decide = evaluate.white_paper_default
    monkeypatch.setattr(evaluate, "white_paper_default", lambda *args: decisions.append(args) or decide(*args))
    models = {"sobel": Colorizer.load(tiny_checkpoint)}
    rows, _ = evaluate.score_picture(models, Picture("disc", picture), 0, (0, 10), False, tmp_path, "stickers")
    assert {r["strokes"] for r in rows} == {0, 10, evaluate.ONE}  # every stroke count and the one-stroke test ran
    assert len(decisions) == 1  # not once for each of its four colourings


def test_the_paper_benchmark_scores_scans_photos_and_smudged_scans_of_every_set(tmp_path, tiny_checkpoint, monkeypatch):
    import csv

    from training import paper_eval, valsets

    monkeypatch.setattr(valsets, "STICKER_SIDE", 96)
    folders = synthetic_sets(tmp_path, np.random.default_rng(2))
    out = tmp_path / "paper"
    paper_eval.main(["--out", str(out), "--workers", "1", "--checkpoint", str(tiny_checkpoint),
                     *[f"--{n}={f}" for n, f in folders.items()]])
    rows = list(csv.DictReader((out / "per_image.csv").open()))
    assert {(r["set"], r["method"]) for r in rows} == {(s, m) for s in folders for m in paper_eval.METHODS}
    paper = {m: np.mean([float(r["paper"]) for r in rows if r["method"] == m]) for m in paper_eval.METHODS}
    assert paper["scan"] == 1.0  # the scan is its own reference
    assert paper["photo"] > paper["photo, not evened"] and paper["smudged, erased"] > paper["smudged"]
    assert "evened: photo - photo, not evened" in (out / "summary.md").read_text()
    assert "straightened: on a table, straightened - on a table, as taken" in (out / "summary.md").read_text()
    assert {r["found"] for r in rows if r["method"] == "on a table, straightened"} <= {"True", "False"}
    assert (out / "contact_stickers_line_art.png").is_file()


def test_a_sheet_on_a_table_lies_whole_inside_the_photo_on_a_darker_table():
    from training.paper_eval import table_photo

    sheet = np.full((90, 64, 3), 230, np.uint8)
    for seed in range(6):
        photo, corners = table_photo(sheet, np.random.default_rng(seed))
        assert photo.shape == (130, 93, 3)
        assert (corners > 0).all() and (corners < [93, 130]).all()
        inside = np.zeros(photo.shape[:2], np.uint8)
        cv2.fillConvexPoly(inside, np.round(corners).astype(np.int32), 1)
        assert photo[inside == 0].mean() < photo[cv2.erode(inside, np.ones((5, 5))) == 1].mean() - 20


def test_a_photograph_is_darker_on_one_side_and_keeps_its_lines():
    from training.paper_eval import photograph

    lines = np.full((120, 160), 255, np.uint8)
    lines[60, 20:140] = 0
    photo = photograph(lines, np.random.default_rng(0)).astype(float).mean(axis=2)
    sides = [photo[:, :20].mean(), photo[:, -20:].mean(), photo[:20].mean(), photo[-20:].mean()]
    assert max(sides) - min(sides) > 25 and photo.max() < 250  # lit unevenly, nowhere white
    assert photo[60, 20:140].mean() < photo[50, 20:140].mean() - 80


def test_a_smudged_scan_has_faint_marks_on_its_paper_and_keeps_its_lines():
    from training.paper_eval import smudge

    lines = np.full((256, 256), 255, np.uint8)
    lines[128, 20:236] = 0
    smudged = smudge(lines, np.random.default_rng(0)).astype(float)
    paper = np.ones(lines.shape, bool)
    paper[125:132] = False
    assert 0.05 < (smudged[paper] < 230).mean() < 0.6 and smudged[paper].min() > 150  # marks, all faint
    assert smudged[128, 20:236].max() < 30  # grain only


def run_path_benchmark(main, tmp_path, checkpoint, monkeypatch) -> tuple[list[dict], object, dict]:
    """A side benchmark's ``main`` (training.valsets.run_path_benchmark) on the tiny synthetic sets, ``checkpoint`` on
    both paths: its per_image.csv rows, its --out folder and the sets' folders."""
    import csv

    from training import valsets

    monkeypatch.setattr(valsets, "STICKER_SIDE", 96)
    folders = synthetic_sets(tmp_path, np.random.default_rng(2))
    out = tmp_path / "out"
    main(["--out", str(out), "--workers", "1", "--sobel-checkpoint", str(checkpoint), "--line-art-checkpoint",
          str(checkpoint), *[f"--{n}={f}" for n, f in folders.items()]])
    return list(csv.DictReader((out / "per_image.csv").open())), out, folders


def test_the_cutout_benchmark_scores_stickers_against_their_own_alpha(tmp_path, tiny_checkpoint, monkeypatch):
    from training import cutout_eval

    rows, out, folders = run_path_benchmark(cutout_eval.main, tmp_path, tiny_checkpoint, monkeypatch)
    assert {(r["set"], r["path"]) for r in rows} == {(s, p) for s in folders for p in ("sobel", "line art")}
    assert all(r["paper_cleared"] and r["character_lost"] for r in rows if r["set"] == "stickers")
    assert all(0 <= float(r["transparent"]) <= 1 for r in rows)
    assert "| stickers | sobel | 2 |" in (out / "summary.md").read_text()
    assert (out / "contact_stickers_sobel.png").is_file()


def test_a_sticker_cut_out_is_scored_by_the_paper_it_clears_and_the_inside_it_loses():
    from training.cutout_eval import sticker_scores
    from training.valsets import sticker_on_white

    rgba = np.zeros((60, 40, 4), np.uint8)
    cv2.ellipse(rgba, (20, 30), (15, 25), 0, 0, 360, (*SKIN, 255), -1)
    picture = sticker_on_white(rgba, 128)
    perfect = sticker_scores(picture, ~picture.mask)
    assert perfect == {"paper_cleared": 1.0, "character_lost": 0.0}
    assert sticker_scores(picture, np.zeros_like(picture.mask)) == {"paper_cleared": 0.0, "character_lost": 0.0}
    assert sticker_scores(picture, np.ones_like(picture.mask)) == {"paper_cleared": 1.0, "character_lost": 1.0}
