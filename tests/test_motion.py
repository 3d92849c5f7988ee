"""Scribbles that follow a cut's motion (colorizer.motion) and the batch command line's --follow-motion."""
import cv2
import numpy as np
import pytest
from PIL import Image

from colorizer.__main__ import main as cli
from colorizer.motion import follow_motion
from colorizer.regions import RegionFill, fill_labels
from tests.synthetic import line_art

SHIFT = (10, 6)  # (x, y) px the second frame's drawing moved by
TRUNK = (slice(140, 156), slice(164, 167))  # rows, columns of a stroke inside the tree's narrow trunk at 256 px
RED = (200, 30, 30)


def moved_frame(frame: Image.Image, shift=SHIFT) -> Image.Image:
    """The frame with its drawing moved by ``shift`` px; white comes in at the edges."""
    pan = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
    return Image.fromarray(cv2.warpAffine(np.asarray(frame), pan, frame.size, borderValue=(255, 255, 255)))


def trunk_stroke(size=(256, 256)) -> Image.Image:
    strokes = np.zeros((size[1], size[0], 4), np.uint8)
    strokes[TRUNK] = (*RED, 255)
    return Image.fromarray(strokes, "RGBA")


def regions(sketch: Image.Image) -> np.ndarray:
    return fill_labels(np.asarray(sketch), RegionFill())


@pytest.fixture
def frames():
    first = line_art(256).convert("L")
    return first, moved_frame(first)


def test_a_stroke_moves_with_the_drawing_into_its_region(frames):
    first, second = frames
    moved = np.asarray(follow_motion(trunk_stroke(), first, second))[..., 3] > 0
    rows, cols = np.nonzero(moved)
    assert moved.sum() >= 0.8 * 16 * 3
    assert abs(cols.mean() - (165 + SHIFT[0])) <= 1.5 and abs(rows.mean() - (147.5 + SHIFT[1])) <= 1.5
    labels = regions(second)
    trunk = labels[150 + SHIFT[1], 165 + SHIFT[0]]
    assert trunk > 0 and np.mean(labels[moved] == trunk) >= 0.9  # inside the moved trunk
    laid_on = np.asarray(trunk_stroke())[..., 3] > 0
    assert not np.any(labels[laid_on] == trunk)  # unmoved, the stroke would miss the trunk


def test_without_motion_the_scribbles_stay_as_they_are(frames):
    first, _ = frames
    hints = trunk_stroke()
    assert np.array_equal(np.asarray(follow_motion(hints, first, first)), np.asarray(hints))


def test_scribbles_and_frames_of_other_sizes_meet_at_the_new_frames_size(frames):
    first, second = frames
    bigger = second.resize((384, 384), Image.Resampling.BICUBIC)
    moved = np.asarray(follow_motion(trunk_stroke().resize((128, 128), Image.Resampling.NEAREST), first, bigger))
    rows, cols = np.nonzero(moved[..., 3] > 0)
    assert moved.shape == (384, 384, 4) and len(rows) > 0
    assert abs(cols.mean() - 1.5 * (165 + SHIFT[0])) <= 3 and abs(rows.mean() - 1.5 * (147.5 + SHIFT[1])) <= 3
    assert np.all(moved[rows, cols, :3] == RED)  # nearest-neighbour: no blended colours


def test_strokes_moved_out_of_the_frame_are_dropped_and_empty_scribbles_stay_empty(frames):
    first, _ = frames
    edge = np.zeros((256, 256, 4), np.uint8)
    edge[100:110, 0:4] = (*RED, 255)
    gone = np.asarray(follow_motion(Image.fromarray(edge, "RGBA"), first, moved_frame(first, (40, 0))))
    assert not gone[..., 3].any()
    assert not np.asarray(follow_motion(Image.new("RGBA", (256, 256)), first, first)).any()
    tiny = follow_motion(Image.new("RGBA", (8, 8), (*RED, 255)), Image.new("L", (8, 8), 255), Image.new("L", (8, 9), 255))
    assert tiny.size == (8, 9)


def test_batch_cli_moves_the_scribbles_from_the_frame_they_were_painted_on(tmp_path, tiny_checkpoint, capsys):
    folder, first = tmp_path / "cut", line_art(256)
    folder.mkdir()
    first.save(folder / "0001.png")
    moved_frame(first).save(folder / "0002.png")
    trunk_stroke().save(tmp_path / "hints.png")
    common = ["batch", "--input", str(folder), "--hints", str(tmp_path / "hints.png"), "--line-art",
              "--checkpoint", str(tiny_checkpoint)]
    assert cli(common + ["--out", str(tmp_path / "laid"), "--fill-flatness", "1"]) == 0
    assert cli(common + ["--out", str(tmp_path / "moved"), "--fill-flatness", "1",
                         "--follow-motion", str(folder / "0001.png")]) == 0
    at = (150 + SHIFT[1], 165 + SHIFT[0])
    distance = lambda run: np.abs(np.asarray(Image.open(tmp_path / run / "0002_colorized.png"), float)[at] - RED).sum()
    assert distance("moved") < 30 < distance("laid")  # the moved trunk takes the stroke's colour only when moved
    first_frame = lambda run: np.asarray(Image.open(tmp_path / run / "0001_colorized.png"))
    assert np.array_equal(first_frame("moved"), first_frame("laid"))  # the frame painted on is unchanged


@pytest.mark.parametrize("hints, frame, said", [
    ("folder", "frame.png", "--follow-motion takes a FRAME with one --hints file"),
    ("file", None, "--follow-motion takes a FRAME with one --hints file"),
    (None, "frame.png", "--follow-motion needs --hints"),
])
def test_batch_cli_follow_motion_takes_a_frame_for_one_file_and_none_for_a_folder(tmp_path, capsys, hints, frame, said):
    (tmp_path / "in").mkdir()
    (tmp_path / "folder").mkdir()
    trunk_stroke().save(tmp_path / "file", format="PNG")
    follow = ["--follow-motion"] + ([str(tmp_path / frame)] if frame else [])
    with pytest.raises(SystemExit):
        cli(["batch", "--input", str(tmp_path / "in"), *(["--hints", str(tmp_path / hints)] if hints else []),
             *follow, "--out", str(tmp_path / "o")])
    assert said in capsys.readouterr().err


def test_each_frame_takes_the_nearest_key_frames_scribbles_the_earlier_on_a_tie():
    from colorizer.batch import KeyFrames

    keys = KeyFrames({2: (trunk_stroke(), None), 6: (trunk_stroke((64, 64)), None)})
    assert [keys.nearest(index) for index in range(9)] == [2, 2, 2, 2, 2, 6, 6, 6, 6]
    assert keys.scribbles(5, Image.new("L", (32, 32))).size == (64, 64)  # laid on as painted without follow
    assert KeyFrames().nearest(3) is None and KeyFrames().scribbles(3, Image.new("L", (32, 32))) is None


def key_frame_cut(folder, count=4):
    """A cut of ``count`` frames (the tree moving by SHIFT each frame) saved as 0001.png...; returns the frames."""
    folder.mkdir()
    cut = [moved_frame(line_art(256), (SHIFT[0] * step, SHIFT[1] * step)) for step in range(count)]
    for step, frame in enumerate(cut):
        frame.save(folder / f"{step + 1:04d}.png")
    return cut


def moved_stroke(step: int, colour) -> Image.Image:
    """The trunk stroke painted on frame ``step`` (0-based) of :func:`key_frame_cut`, in ``colour``."""
    strokes = np.asarray(trunk_stroke()).copy()
    strokes[strokes[..., 3] > 0] = (*colour, 255)
    return moved_frame(Image.fromarray(strokes, "RGBA"), (SHIFT[0] * step, SHIFT[1] * step))


def trunk_colour(image: Image.Image, step: int) -> np.ndarray:
    return np.asarray(image, float)[150 + SHIFT[1] * step, 165 + SHIFT[0] * step]


BLUE = (30, 40, 210)


def test_batch_cli_key_frames_each_frame_takes_the_nearest_painted_frames_moved_scribbles(tmp_path, tiny_checkpoint,
                                                                                          capsys):
    key_frame_cut(tmp_path / "cut")
    (tmp_path / "keys").mkdir()
    moved_stroke(0, RED).save(tmp_path / "keys" / "0001.png")
    moved_stroke(3, BLUE).save(tmp_path / "keys" / "0004.png")
    (tmp_path / "keys" / "0009.png").write_bytes(b"not a picture")  # names no frame: never read
    assert cli(["batch", "--input", str(tmp_path / "cut"), "--hints", str(tmp_path / "keys"), "--follow-motion",
                "--line-art", "--checkpoint", str(tiny_checkpoint), "--fill-flatness", "1",
                "--out", str(tmp_path / "out")]) == 0
    assert "4 coloured, 0 failed" in capsys.readouterr().out
    out = lambda step: Image.open(tmp_path / "out" / f"{step + 1:04d}_colorized.png")
    for step, colour in enumerate([RED, RED, BLUE, BLUE]):  # frame 2 is nearer frame 1, frame 3 nearer frame 4
        assert np.abs(trunk_colour(out(step), step) - colour).sum() < 30, step


def test_batch_cli_key_frames_report_a_broken_scribble_file_and_colour_the_rest(tmp_path, tiny_checkpoint, capsys):
    key_frame_cut(tmp_path / "cut", count=2)
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "0002.png").write_bytes(b"\x89PNG broken")
    code = cli(["batch", "--input", str(tmp_path / "cut"), "--hints", str(tmp_path / "keys"), "--follow-motion",
                "--line-art", "--checkpoint", str(tiny_checkpoint), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1 and "2 coloured, 1 failed" in out and "failed keys/0002.png" in out
    assert "no scribble file for: 0001.png, 0002.png" in out


def test_a_still_motion_is_the_identity_and_a_large_one_moves_the_picture():
    from training.motion_eval import MOTIONS, smooth_motion

    grid = np.stack(np.meshgrid(np.arange(40, dtype=np.float32), np.arange(30, dtype=np.float32)), axis=-1)
    assert np.allclose(smooth_motion((30, 40), np.random.default_rng(0), *MOTIONS["still"]), grid)
    moved = smooth_motion((512, 512), np.random.default_rng(0), *MOTIONS["large"])
    assert 2 < np.abs(moved - np.stack(np.meshgrid(np.arange(512), np.arange(512)), axis=-1)).mean() < 80


def test_the_motion_benchmark_scores_every_set_path_motion_and_method(tmp_path, tiny_checkpoint, monkeypatch):
    from tests.test_evaluate import run_path_benchmark
    from training import motion_eval

    rows, out, folders = run_path_benchmark(motion_eval.main, tmp_path, tiny_checkpoint, monkeypatch)
    assert {(r["set"], r["path"], r["motion"], r["method"]) for r in rows} == {
        (s, p, m, k) for s in folders for p in ("sobel", "line art") for m in motion_eval.MOTIONS
        for k in motion_eval.METHODS}
    still = {(r["set"], r["path"], r["image"], r["method"]): float(r["psnr"]) for r in rows if r["motion"] == "still"}
    assert all(still[key] == still[(*key[:3], "laid on")] for key in still)  # nothing moved: every method agrees
    assert "moved - laid on" in (out / "summary.md").read_text()
    assert (out / "contact_stickers_sobel.png").is_file()


def test_batch_cli_colours_every_frame_of_an_animation_and_writes_a_gif(tmp_path, tiny_checkpoint, capsys):
    import io

    cut = [moved_frame(line_art(128), (3 * step, 2 * step)) for step in range(3)]
    folder = tmp_path / "cut"
    folder.mkdir()
    cut[0].save(folder / "run.gif", save_all=True, append_images=cut[1:], duration=[100, 150, 300], loop=0)
    cut[0].save(folder / "still.png")
    trunk_stroke().save(tmp_path / "hints.png")
    assert cli(["batch", "--input", str(folder), "--hints", str(tmp_path / "hints.png"), "--line-art", "--checkpoint",
                str(tiny_checkpoint), "--follow-motion", str(folder / "run.gif"), "--out", str(tmp_path / "out")]) == 0
    assert "4 coloured, 0 failed" in capsys.readouterr().out
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["run_000_colorized.png", "run_001_colorized.png", "run_002_colorized.png", "run_colorized.gif",
                       "still_colorized.png"]
    gif = Image.open(io.BytesIO((tmp_path / "out" / "run_colorized.gif").read_bytes()))
    assert gif.n_frames == 3 and gif.size == (128, 128)


def test_key_frame_files_are_named_for_their_frames_and_an_animations_first_frame_may_use_its_stem(tmp_path):
    from colorizer.batch import key_frame_paths

    for name in ("run.png", "run_002.png", "still.png", "other_001.png"):
        trunk_stroke().save(tmp_path / name)
    assert key_frame_paths(tmp_path, "run", 3) == {0: tmp_path / "run.png", 2: tmp_path / "run_002.png"}
    trunk_stroke().save(tmp_path / "run_000.png")
    assert key_frame_paths(tmp_path, "run", 3)[0] == tmp_path / "run_000.png"  # the frame's own name first
    assert key_frame_paths(tmp_path, "still", 1) == {0: tmp_path / "still.png"}
    assert key_frame_paths(tmp_path, "other", 1) == {}  # a still picture is named by its stem alone


def test_batch_cli_writes_an_animation_too_large_at_its_own_size_at_the_working_size(tmp_path, tiny_checkpoint,
                                                                                       monkeypatch, capsys):
    from colorizer import batch, images

    monkeypatch.setattr(batch, "MAX_SIDE", 64)  # the working size
    monkeypatch.setattr(batch, "MAX_SKETCH_SIDE", 128)  # the largest own size
    monkeypatch.setattr(images, "MAX_ANIMATION_PIXELS", 3 * 100 * 100)  # 3 frames fit at 64 px, not at 128 px
    cut = [moved_frame(line_art(128), (4 * step, 2 * step)) for step in range(3)]
    (tmp_path / "cut").mkdir()
    cut[0].save(tmp_path / "cut" / "run.gif", save_all=True, append_images=cut[1:], duration=100, loop=0)
    assert cli(["batch", "--input", str(tmp_path / "cut"), "--line-art", "--checkpoint", str(tiny_checkpoint),
                "--out", str(tmp_path / "out")]) == 0
    assert "3 coloured, 0 failed" in capsys.readouterr().out
    assert Image.open(tmp_path / "out" / "run_000_colorized.png").size == (64, 64)
