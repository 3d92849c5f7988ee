"""Artist workflow: saved scribbles, layered export, batch colouring."""
import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from colorizer import ImageLoadError
from colorizer.__main__ import main as cli
from colorizer.images import load_hints
from colorizer.layers import layers_ora, layers_zip, line_layer, png_bytes
from tests.synthetic import anime_frame, encode


def scribbles(width, height, colour=(250, 20, 20)):
    array = np.zeros((height, width, 4), np.uint8)
    array[height // 2, width // 4: 3 * width // 4] = (*colour, 255)  # a 1-px stroke
    return Image.fromarray(array, "RGBA")


def test_scribble_png_round_trip_is_exact():
    hints = scribbles(90, 60)
    assert np.array_equal(np.asarray(load_hints(png_bytes(hints))), np.asarray(hints))


def test_scribbles_rescale_onto_a_frame_of_another_size():
    loaded = np.asarray(load_hints(png_bytes(scribbles(400, 300)), size=(100, 75)))
    painted = loaded[..., 3] > 0
    assert loaded.shape == (75, 100, 4) and painted.any()
    assert np.all(loaded[painted][:, :3] == (250, 20, 20))  # the thin stroke keeps its colour


def test_picture_without_transparency_is_not_taken_as_scribbles():
    with pytest.raises(ImageLoadError, match="no transparency"):
        load_hints(encode(Image.new("RGB", (20, 20), "white")))


def test_layers_zip_holds_four_full_size_layers():
    sketch = Image.new("L", (64, 40), 255)
    sketch.paste(0, (10, 0, 12, 40))
    result, flat = Image.new("RGB", (64, 40), (200, 0, 0)), Image.new("RGB", (64, 40), (210, 0, 0))
    archive = zipfile.ZipFile(io.BytesIO(layers_zip("frame", result, flat, sketch, scribbles(32, 20))))
    names = sorted(archive.namelist())
    assert names == ["frame_composite.png", "frame_flat.png", "frame_lines.png", "frame_scribbles.png"]
    layers = {n: Image.open(io.BytesIO(archive.read(n))) for n in names}
    assert all(image.size == (64, 40) for image in layers.values())
    lines = np.asarray(layers["frame_lines.png"])
    assert layers["frame_lines.png"].mode == "RGBA" and lines[5, 11, 3] == 255 and lines[5, 30, 3] == 0
    assert layers["frame_scribbles.png"].mode == "RGBA"


def read_ora(data: bytes) -> tuple[zipfile.ZipFile, list[dict]]:
    """An OpenRaster file and its stack's layers (their attributes, top first)."""
    import xml.etree.ElementTree as ElementTree

    archive = zipfile.ZipFile(io.BytesIO(data))
    image = ElementTree.fromstring(archive.read("stack.xml"))
    return archive, [dict(layer.attrib) | {"w": image.get("w"), "h": image.get("h")} for layer in image.iter("layer")]


@pytest.mark.parametrize("lines_on_top", [True, False])
def test_an_openraster_file_stacks_the_layers_as_paint_programs_read_them(lines_on_top):
    rng = np.random.default_rng(4)
    sketch = Image.fromarray(np.where(rng.random((300, 400)) < 0.1, 0, 255).astype(np.uint8), "L")
    flat = Image.fromarray(rng.integers(0, 256, (300, 400, 3), dtype=np.uint8))
    result = Image.fromarray(np.round(np.asarray(flat) * (np.asarray(sketch)[..., None] / 255.0)).astype(np.uint8))
    data = layers_ora(result, flat, sketch, scribbles(40, 30), lines_on_top)
    archive, layers = read_ora(data)
    first = archive.infolist()[0]
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert archive.read("mimetype") == b"image/openraster"
    assert [layer["name"] for layer in layers] == ["Scribbles", "Lines", "Flat colours", "Result"]
    assert {(layer["w"], layer["h"]) for layer in layers} == {("400", "300")}
    shown = [layer["visibility"] == "visible" for layer in layers]
    assert shown == [False, lines_on_top, lines_on_top, not lines_on_top]
    pictures = {layer["name"]: Image.open(io.BytesIO(archive.read(layer["src"]))) for layer in layers}
    assert all(picture.size == (400, 300) for picture in pictures.values())
    merged = Image.open(io.BytesIO(archive.read("mergedimage.png")))
    assert np.array_equal(np.asarray(merged), np.asarray(result))
    assert max(Image.open(io.BytesIO(archive.read("Thumbnails/thumbnail.png"))).size) == 256
    visible = Image.new("RGBA", (400, 300))
    for layer in reversed(layers):  # bottom first, as a paint program composites them
        if layer["visibility"] == "visible":
            visible = Image.alpha_composite(visible, pictures[layer["name"]].convert("RGBA"))
    assert np.abs(np.asarray(visible.convert("RGB"), int) - np.asarray(result, int)).max() <= 1  # shows the result


def test_line_layer_alpha_follows_the_sketch():
    alpha = np.asarray(line_layer(Image.fromarray(np.array([[0, 128, 255]], np.uint8))))[..., 3]
    assert alpha.tolist() == [[255, 127, 0]]


@pytest.fixture
def frames(tmp_path):
    folder = tmp_path / "frames"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(3):
        anime_frame(rng, 80 + 10 * index, 60).save(folder / f"frame{index}.png")
    (folder / "broken.png").write_bytes(b"nope")
    return folder


def test_batch_cli_with_one_shared_scribble_file(frames, tmp_path, tiny_checkpoint, capsys):
    hints = tmp_path / "hints.png"
    scribbles(160, 120).save(hints)
    code = cli(["batch", "--input", str(frames), "--hints", str(hints), "--out", str(tmp_path / "out"),
                "--checkpoint", str(tiny_checkpoint)])
    out = capsys.readouterr().out
    assert code == 1 and "3 coloured, 1 failed" in out and "broken.png" in out
    for index in range(3):
        assert Image.open(tmp_path / "out" / f"frame{index}_colorized.png").size == (80 + 10 * index, 60)


def test_batch_cli_with_per_frame_scribbles(frames, tmp_path, tiny_checkpoint, capsys):
    (frames / "broken.png").unlink()
    per_frame = tmp_path / "per_frame"
    per_frame.mkdir()
    scribbles(80, 60).save(per_frame / "frame0.png")
    code = cli(["batch", "--input", str(frames), "--hints", str(per_frame), "--out", str(tmp_path / "out"),
                "--checkpoint", str(tiny_checkpoint)])
    out = capsys.readouterr().out
    assert code == 0 and "3 coloured, 0 failed" in out
    assert "frame1.png" in out and "frame2.png" in out  # reported as coloured without hints


def test_batch_cli_rejects_missing_folder(tmp_path):
    with pytest.raises(SystemExit):
        cli(["batch", "--input", str(tmp_path / "absent"), "--out", str(tmp_path / "out")])


def test_batch_cli_fills_regions_unless_told_not_to(frames, tmp_path, tiny_checkpoint, capsys):
    (frames / "broken.png").unlink()
    hints = tmp_path / "hints.png"
    scribbles(80, 60).save(hints)
    outputs = {}
    for name, extra in {"filled": ["--fill-flatness", "1"], "plain": ["--no-region-fill"]}.items():
        assert cli(["batch", "--input", str(frames), "--hints", str(hints), "--out", str(tmp_path / name),
                    "--checkpoint", str(tiny_checkpoint), *extra]) == 0
        outputs[name] = np.asarray(Image.open(tmp_path / name / "frame0_colorized.png"))
    assert not np.array_equal(outputs["filled"], outputs["plain"])


def test_batch_cli_white_paper_is_auto_on_for_a_character_on_blank_paper(tmp_path, tiny_checkpoint, capsys):
    folder = tmp_path / "pictures"
    folder.mkdir()
    picture = Image.new("RGB", (96, 80), "white")
    picture.paste((30, 30, 160), (30, 20, 66, 60))  # a blue box on white paper: its edge sketch is a closed box
    picture.save(folder / "box.png")
    outputs = {}
    for name in ("auto", "on", "off"):
        assert cli(["batch", "--input", str(folder), "--out", str(tmp_path / name), "--checkpoint", str(tiny_checkpoint),
                    "--white-paper", name]) == 0
        outputs[name] = np.asarray(Image.open(tmp_path / name / "box_colorized.png"))
    assert np.all(outputs["on"][:12] == 255) and np.all(outputs["on"][:, :22] == 255)
    assert not np.all(outputs["off"][:12] == 255)  # the untrained model's guess is not white
    assert np.array_equal(outputs["auto"], outputs["on"])


def test_batch_cli_transparent_paper_clears_the_paper_in_each_png_and_lays_a_gif_on_white(tmp_path, tiny_checkpoint,
                                                                                           capsys):
    folder = tmp_path / "pictures"
    folder.mkdir()
    picture = Image.new("RGB", (96, 80), "white")
    picture.paste((30, 30, 160), (30, 20, 66, 60))  # a blue box on white paper
    picture.save(folder / "box.png")
    moved = Image.new("RGB", (96, 80), "white")
    moved.paste((30, 30, 160), (34, 20, 70, 60))
    picture.save(folder / "walk.gif", save_all=True, append_images=[moved], duration=100, loop=0)
    assert cli(["batch", "--input", str(folder), "--out", str(tmp_path / "out"), "--checkpoint", str(tiny_checkpoint),
                "--white-paper", "on", "--transparent-paper"]) == 0
    for name in ("box", "walk_000", "walk_001"):
        cut = Image.open(tmp_path / "out" / f"{name}_colorized.png")
        assert cut.mode == "RGBA" and cut.size == (96, 80)
        alpha = np.asarray(cut)[..., 3]
        assert alpha[0, 0] == 0 and alpha[-1, -1] == 0 and alpha[40, 50] == 255  # paper clear, the box opaque
    gif = Image.open(tmp_path / "out" / "walk_colorized.gif")
    assert gif.n_frames == 2 and np.all(np.asarray(gif.convert("RGB"))[:5] == 255)  # on white
    assert cli(["batch", "--input", str(folder), "--out", str(tmp_path / "plain"), "--checkpoint",
                str(tiny_checkpoint), "--white-paper", "on"]) == 0
    assert Image.open(tmp_path / "plain" / "box_colorized.png").mode == "RGB"


def test_batch_cli_writes_each_pictures_layers_as_an_openraster_file_when_asked(frames, tmp_path, tiny_checkpoint,
                                                                                  capsys):
    hints = tmp_path / "hints.png"
    scribbles(80, 60).save(hints)
    assert cli(["batch", "--input", str(frames), "--hints", str(hints), "--out", str(tmp_path / "out"),
                "--checkpoint", str(tiny_checkpoint), "--layers", "--working-size"]) == 1  # broken.png fails
    for index in range(3):
        archive, layers = read_ora((tmp_path / "out" / f"frame{index}.ora").read_bytes())
        result = Image.open(tmp_path / "out" / f"frame{index}_colorized.png")
        assert np.array_equal(np.asarray(Image.open(archive.open("mergedimage.png"))), np.asarray(result))
        assert {(int(layer["w"]), int(layer["h"])) for layer in layers} == {result.size}
        scribble_layer = np.asarray(Image.open(archive.open("data/scribbles.png")))
        assert (scribble_layer[..., 3] > 0).any()  # the frame's scribbles, scaled onto it
    assert cli(["batch", "--input", str(frames), "--out", str(tmp_path / "plain"), "--checkpoint",
                str(tiny_checkpoint)]) == 1
    assert not list((tmp_path / "plain").glob("*.ora")) and len(list((tmp_path / "plain").glob("*.png"))) == 3


def test_batch_cli_transparent_paper_keeps_a_pictures_own_transparency(tmp_path, tiny_checkpoint, capsys):
    from tests.test_images import sticker

    folder = tmp_path / "pictures"
    folder.mkdir()
    sticker(300, 200).save(folder / "cutout.png")
    assert cli(["batch", "--input", str(folder), "--out", str(tmp_path / "out"), "--checkpoint", str(tiny_checkpoint),
                "--transparent-paper"]) == 0
    cut = Image.open(tmp_path / "out" / "cutout_colorized.png")
    assert cut.mode == "RGBA" and np.array_equal(np.asarray(cut)[..., 3], np.asarray(sticker(300, 200))[..., 3])


@pytest.mark.parametrize("option, value, message", [("--fill-flatness", "40", "flatness must be between 0 and 1"),
                                                    ("--fill-line-level", "400", "line level must be 1-255"),
                                                    ("--sketch-kernel-size", "4", "kernel_size must be one of"),
                                                    ("--sketch-erase-faint", "0.9", "erase_faint must be between")])
def test_batch_cli_rejects_bad_region_fill_and_sketch_settings(frames, tmp_path, capsys, option, value, message):
    with pytest.raises(SystemExit):
        cli(["batch", "--input", str(frames), "--out", str(tmp_path / "out"), option, value])
    assert message in capsys.readouterr().err


def test_batch_cli_sketches_with_the_sketch_settings_it_is_given(tmp_path, tiny_checkpoint, capsys):
    from colorizer import Colorizer, RegionFill, SketchKind, SketchSettings
    from tests.synthetic import line_art
    from training.paper_eval import smudge

    folder = tmp_path / "scans"
    folder.mkdir()
    Image.fromarray(smudge(np.asarray(line_art(128).convert("L")), np.random.default_rng(1))).save(folder / "p.png")
    scribbles(128, 128).save(tmp_path / "hints.png")
    outputs = {}
    for erase in ("0", "0.2"):
        assert cli(["batch", "--input", str(folder), "--hints", str(tmp_path / "hints.png"), "--line-art",
                    "--checkpoint", str(tiny_checkpoint), "--sketch-erase-faint", erase, "--no-sketch-even-lighting",
                    "--out", str(tmp_path / erase)]) == 0
        outputs[erase] = np.asarray(Image.open(tmp_path / erase / "p_colorized.png"))
    picture = Image.open(folder / "p.png")
    sketch = SketchKind.LINE_ART.sketch(picture, SketchSettings(erase_faint=0.2, even_lighting=False))
    expected = Colorizer.load(tiny_checkpoint).colorize(sketch, scribbles(128, 128), True, RegionFill())
    assert np.array_equal(outputs["0.2"], np.asarray(expected)) and not np.array_equal(outputs["0"], outputs["0.2"])


def test_batch_cli_picks_the_line_art_model_for_line_art(frames, tmp_path, monkeypatch, capsys):
    import colorizer.shipped

    monkeypatch.setattr(colorizer.shipped, "LINE_ART_CHECKPOINT", tmp_path / "no-line-model.pt")
    assert cli(["batch", "--input", str(frames), "--out", str(tmp_path / "out"), "--line-art"]) == 2
    assert "no-line-model.pt" in capsys.readouterr().err


def test_batch_cli_writes_a_large_picture_at_its_own_size_unless_told_the_working_size(tmp_path, tiny_checkpoint,
                                                                                         capsys):
    from tests.synthetic import line_art

    (tmp_path / "in").mkdir()
    page = line_art(512).resize((2400, 2400), Image.Resampling.NEAREST).crop((0, 600, 2400, 1800))
    page.save(tmp_path / "in" / "page.png")
    scribbles(240, 120).save(tmp_path / "hints.png")
    common = ["batch", "--input", str(tmp_path / "in"), "--hints", str(tmp_path / "hints.png"), "--line-art",
              "--checkpoint", str(tiny_checkpoint)]
    assert cli(common + ["--out", str(tmp_path / "own")]) == 0
    assert cli(common + ["--out", str(tmp_path / "working"), "--working-size"]) == 0
    own, working = (Image.open(tmp_path / run / "page_colorized.png") for run in ("own", "working"))
    assert own.size == (2400, 1200) and working.size == (2048, 1024)
    shrunk = np.asarray(own.resize(working.size, Image.Resampling.BOX), float)
    assert np.abs(shrunk - np.asarray(working, float)).mean() < 6  # the same colours, at the picture's own size
    assert np.asarray(own.convert("L"))[600:1200].min() == 0  # its own lines, crisp and black


def test_sketch_cli_writes_each_pictures_sketch_at_its_own_size_as_the_sketch_page_gives_it(frames, tmp_path, capsys):
    from colorizer import SketchKind, SketchSettings
    from tests.synthetic import line_art

    line_art(2500).save(frames / "big.png")
    out = tmp_path / "sketches"
    assert cli(["sketch", "--input", str(frames), "--out", str(out), "--sketch-invert", "--sketch-threshold", "0.2"]) == 1
    assert "4 sketched, 1 failed" in capsys.readouterr().out  # broken.png
    assert sorted(p.name for p in out.iterdir()) == ["big_sketch.png", "frame0_sketch.png", "frame1_sketch.png",
                                                    "frame2_sketch.png"]
    big = Image.open(out / "big_sketch.png")
    assert big.size == (2500, 2500) and big.mode == "L"
    settings = SketchSettings(invert=True, threshold=0.2)
    made = 255 - np.asarray(SketchKind.SOBEL.sketch(Image.open(frames / "frame1.png").convert("RGB"), settings))
    assert np.array_equal(np.asarray(Image.open(out / "frame1_sketch.png")), made)  # white lines on black, as shown
    assert cli(["sketch", "--input", str(frames), "--out", str(tmp_path / "lines"), "--line-art"]) == 1
    lines = np.asarray(Image.open(tmp_path / "lines" / "big_sketch.png"))
    assert lines.shape == (2500, 2500) and np.median(lines) == 255 and lines.min() == 0  # dark lines on white


def test_sketch_cli_straightens_photos_of_a_sheet_on_a_table_when_asked(tmp_path, capsys):
    from tests.test_page import TILTS, photographed

    pictures = tmp_path / "photos"
    pictures.mkdir()
    photo, _ = photographed(TILTS[2], np.random.default_rng(0))
    photo.save(pictures / "desk.png")
    Image.new("RGB", (300, 200), "white").save(pictures / "blank.png")
    assert cli(["sketch", "--input", str(pictures), "--out", str(tmp_path / "as_taken"), "--line-art"]) == 0
    assert cli(["sketch", "--input", str(pictures), "--out", str(tmp_path / "flat"), "--line-art", "--straighten"]) == 0
    assert "straightened to the sheet of paper: desk.png" in capsys.readouterr().out
    as_taken, flat = (Image.open(tmp_path / run / "desk_sketch.png") for run in ("as_taken", "flat"))
    assert as_taken.size == photo.size and flat.size[0] / flat.size[1] == pytest.approx(420 / 594, rel=0.03)
    assert np.asarray(flat)[:20].min() > 200 > np.asarray(as_taken)[:20].min()  # the table is gone from the top
    assert Image.open(tmp_path / "flat" / "blank_sketch.png").size == (300, 200)
