"""The app driven headlessly by Streamlit's AppTest, on a tiny seeded model."""
from pathlib import Path

import numpy as np
from PIL import Image
import pytest
from streamlit.testing.v1 import AppTest

from colorizer import RegionFill
from colorizer.layers import gif_bytes
from pages.parts.canvas import fit_canvas
from tests.synthetic import anime_frame, encode

TIMEOUT = 60
APP = str(Path(__file__).resolve().parent.parent / "streamlit_app.py")


@pytest.fixture
def app(tiny_checkpoint, monkeypatch):
    monkeypatch.setenv("COLORIZER_CHECKPOINT", str(tiny_checkpoint))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


def upload_frame(at, width=160, height=96, name="frame.png"):
    at.switch_page("pages/sketch.py").run()
    picture = encode(anime_frame(np.random.default_rng(3), width, height))
    at.file_uploader[0].upload(name, picture, "image/png")
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]


def labels(widgets):
    return [w.label for w in widgets]


def fake_benchmark(folder, checkpoint) -> None:
    """Benchmark files as training.evaluate writes them, for two sets and both paths, scoring ``checkpoint``."""
    from training import results

    rows = [{"set": s, "path": p, "image": "x", "method": m, "strokes": n, "psnr": psnr + (m == "app"), "ssim": 0.5,
             "ciede2000": 9.0, "region_ciede2000": 4.0, "streak": 1.0}
            for s, psnr in (("faces", 17.0), ("stickers", 15.0)) for p in ("sobel", "line art")
            for m in ("app", "network", "bucket fill") for n in (0, 10)]
    rows += [{"set": s, "path": p, "image": "x", "method": m, "strokes": "one", "coverage": 0.9, "leakage": 0.01}
             for s in ("faces", "stickers") for p in ("sobel", "line art") for m in ("app", "network", "bucket fill")]
    results.write(folder, rows, [], "python -m training.evaluate (test)", {"sobel": str(checkpoint),
                                                                          "line art": str(checkpoint)})


def test_home_page_paints_without_waiting_for_a_model_and_shows_the_benchmark(tiny_checkpoint, monkeypatch, tmp_path):
    from colorizer import report
    from pages.parts import ui

    fake_benchmark(tmp_path, tiny_checkpoint)
    monkeypatch.setattr(report, "BENCHMARK_DIR", tmp_path)
    monkeypatch.setenv("COLORIZER_CHECKPOINT", str(tiny_checkpoint))
    never = ui.Future()  # a load that never finishes: Home must not wait for it
    monkeypatch.setattr(ui.ModelLoader, "start", lambda self, path, precision: never)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception and "Anime Colorizer Studio" in at.title[0].value
    assert {m.label: m.value for m in at.metric} == {"Held-out face frames": "18.00 dB", "Stickers on white": "16.00 dB"}


def test_sketch_page_live_preview_follows_sliders(app):
    upload_frame(app)
    first = np.asarray(app.session_state["studio"].sketch).copy()
    assert app.session_state["studio"].sketch.size == (160, 96)
    app.select_slider[0].set_value(7)
    app.run()
    second = np.asarray(app.session_state["studio"].sketch)
    assert not np.array_equal(first, second)
    assert "Download sketch (PNG)" in labels(app.download_button)


def test_sketch_settings_survive_a_page_round_trip(app):
    upload_frame(app)
    assert not any("looks like line art" in i.value for i in app.info)  # a colour picture is sketched
    app.slider(key="sketch_threshold").set_value(0.3).run()
    tuned = np.asarray(app.session_state["studio"].sketch).copy()
    app.switch_page("pages/colorize.py").run()
    app.switch_page("pages/sketch.py").run()
    assert app.slider(key="sketch_threshold").value == 0.3
    assert np.array_equal(np.asarray(app.session_state["studio"].sketch), tuned)
    next(b for b in app.button if b.label == "Reset to defaults").click().run()
    assert app.slider(key="sketch_threshold").value == 0.12


def test_a_photo_of_line_art_gets_its_lighting_evened_unless_turned_off(app):
    from colorizer import line_art_sketch
    from tests.synthetic import line_art
    from tests.test_sketch import photographed

    photo = photographed(line_art(256))
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("pencil.jpg", encode(photo, "JPEG", quality=92), "image/jpeg")
    app.run()
    assert not any("lit unevenly" in c.value for c in app.caption)  # not offered for the Sobel path
    assert any("looks like line art" in i.value for i in app.info)
    app.checkbox(key="sketch_line_art").check().run()
    assert any("lit unevenly" in c.value for c in app.caption) and app.toggle(key="sketch_even_lighting").value
    assert not any("looks like line art" in i.value for i in app.info)
    evened = np.asarray(app.session_state["studio"].sketch).copy()
    assert np.array_equal(evened, np.asarray(line_art_sketch(app.session_state["studio"].upload.image)))
    app.toggle(key="sketch_even_lighting").set_value(False).run()
    assert not any("lit unevenly" in c.value for c in app.caption)
    assert np.mean(app.session_state["studio"].sketch) < evened.mean() - 20  # the dark side of the page is back
    app.switch_page("pages/colorize.py").run()
    app.switch_page("pages/sketch.py").run()
    assert not app.toggle(key="sketch_even_lighting").value  # kept across pages, as the sliders are
    app.slider(key="sketch_erase_faint").set_value(0.3).run()
    upload = app.session_state["studio"].upload.image
    assert np.array_equal(app.session_state["studio"].sketch, line_art_sketch(upload, even_lighting=False, erase_faint=0.3))
    next(b for b in app.button if b.label == "Reset to defaults").click().run()
    assert app.toggle(key="sketch_even_lighting").value and app.slider(key="sketch_erase_faint").value == 0.0
    app.checkbox(key="sketch_line_art").uncheck().run()
    app.file_uploader[0].upload("chalk.png", encode(Image.fromarray(255 - np.asarray(line_art(256)))), "image/png")
    app.run()
    assert app.session_state["studio"].upload.name == "chalk"
    assert any("light lines on a dark ground" in i.value and "set *Invert*" in i.value for i in app.info)


def test_a_smudged_pencil_scan_gets_erase_faint_marks_suggested(app):
    from tests.synthetic import line_art
    from training.paper_eval import smudge

    scan = smudge(np.asarray(line_art(256).convert("L")), np.random.default_rng(0))
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("pencil.png", encode(Image.fromarray(scan)), "image/png")
    app.checkbox(key="sketch_line_art").check().run()
    assert any("Faint marks" in c.value for c in app.caption)
    app.slider(key="sketch_erase_faint").set_value(0.2).run()
    assert not app.exception and not any("Faint marks" in c.value for c in app.caption)


def test_colorize_flow_with_injected_drawing(app):
    upload_frame(app, name="my picture.png")
    app.switch_page("pages/colorize.py").run()
    assert not app.exception
    paint(app)
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert not app.exception and not app.error
    result = app.session_state["studio"].result
    assert result.image.size == (160, 96) and result.image.mode == "RGB"
    assert result.hints is not None and result.hints.size == (CANVAS_W, CANVAS_H)  # the library resizes them
    assert "Download result (PNG)" in labels(app.download_button)


def test_scribbles_survive_leaving_the_page(app):
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    strokes = paint(app, slice(5, 9), slice(5, 90))
    app.run()
    app.switch_page("pages/model.py").run()
    app.switch_page("pages/colorize.py").run()
    assert np.array_equal(app.session_state["studio"].scribbles, strokes)


def test_bad_upload_shows_error_and_keeps_previous_picture(app):
    upload_frame(app)
    app.file_uploader[0].set_value(("fake.png", b"<html>nope</html>", "image/png"))
    app.run()
    assert not app.exception
    assert any("could not be read" in e.value for e in app.error)
    assert app.session_state["studio"].upload.image.size == (160, 96)


def test_colorize_page_without_upload_points_to_sketch(app):
    app.switch_page("pages/colorize.py").run()
    assert not app.exception
    assert any("Sketch" in i.value for i in app.info)


def test_missing_model_shows_error(monkeypatch, tmp_path):
    monkeypatch.setenv("COLORIZER_CHECKPOINT", str(tmp_path / "missing.pt"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/model.py").run()
    assert not at.exception
    assert any("could not be loaded" in e.value and "missing.pt" in e.value for e in at.error)


def test_model_page_lists_checkpoint_facts(app):
    app.switch_page("pages/model.py").run()
    assert not app.exception
    assert any(m.label == "Parameters" for m in app.metric)
    facts = " ".join(m.value for m in app.markdown)
    assert "**Precision**: bfloat16" in facts or "**Precision**: float32" in facts


def test_precision_comes_from_the_environment_and_a_bad_one_is_an_error(app, monkeypatch):
    monkeypatch.setenv("COLORIZER_PRECISION", "float32")
    app.switch_page("pages/model.py").run()
    assert "**Precision**: float32" in " ".join(m.value for m in app.markdown)
    monkeypatch.setenv("COLORIZER_PRECISION", "float8")
    app.switch_page("pages/home.py").run()
    app.switch_page("pages/model.py").run()
    assert not app.exception and any("Unknown precision 'float8'" in e.value for e in app.error)


def test_model_page_shows_the_per_set_benchmark_of_the_served_model(tiny_checkpoint, monkeypatch, tmp_path):
    from colorizer import report

    fake_benchmark(tmp_path, tiny_checkpoint)
    monkeypatch.setattr(report, "BENCHMARK_DIR", tmp_path)
    monkeypatch.setenv("COLORIZER_CHECKPOINT", str(tiny_checkpoint))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/model.py").run()
    assert not at.exception and not at.warning  # the files scored this very checkpoint
    table = at.dataframe[0].value
    assert len(table) == 6 and list(table["method"][:3]) == ["Studio (what Colorize shows)", "Model alone", "Bucket fill"]
    assert table["PSNR dB ↑"][0] == 18.0 and table["one stroke fills ↑"][0] == 0.9
    assert len(at.get("image")) == 1  # the strokes plot (no Hint-AUC in these files, no loss curve)
    (tmp_path / report.RECORD_JSON).write_text('{"checkpoints": {"sobel": {"sha256": "another"}}}')
    at.run()
    assert any("another checkpoint" in w.value for w in at.warning)


def test_hostile_uploads_never_crash_the_app(app):
    from tests.corpus import flipped_files, special_files, truncated_files

    upload_frame(app)
    kept = np.asarray(app.session_state["studio"].upload.image).copy()
    for name, data, expect, _ in special_files() + truncated_files()[::3] + flipped_files(12):
        app.file_uploader[0].set_value((name, data, "image/png"))
        app.run()
        assert not app.exception, name
        errors = [e.value for e in app.error]
        if expect == "error":
            assert errors, f"{name}: no error shown"
            assert np.array_equal(np.asarray(app.session_state["studio"].upload.image), kept), f"{name} replaced the picture"
        if not errors:
            kept = np.asarray(app.session_state["studio"].upload.image).copy()


CANVAS_W, CANVAS_H = fit_canvas((160, 96), None)  # the canvas of upload_frame's picture (no browser: fallback width)


def paint(app, rows=slice(100, 110), cols=slice(50, 300)):
    strokes = np.zeros((CANVAS_H, CANVAS_W, 4), np.uint8)
    strokes[rows, cols] = (255, 0, 0, 255)
    app.session_state["studio"].scribbles = strokes
    return strokes


def test_new_upload_asks_before_discarding_scribbles(app):
    upload_frame(app)
    first = np.asarray(app.session_state["studio"].upload.image).copy()
    strokes = paint(app)
    other = encode(anime_frame(np.random.default_rng(9), 120, 90))
    app.file_uploader[0].set_value(("other.png", other, "image/png")).run()
    assert any("discards its result and its scribbles" in w.value for w in app.warning)
    assert np.array_equal(np.asarray(app.session_state["studio"].upload.image), first)
    next(b for b in app.button if b.label == "Keep the current picture").click().run()
    assert not app.warning and np.array_equal(app.session_state["studio"].scribbles, strokes)
    app.run()  # the declined file still sits in the uploader: no new question
    assert not app.warning
    third = encode(anime_frame(np.random.default_rng(10), 100, 100))
    app.file_uploader[0].set_value(("third.png", third, "image/png")).run()
    next(b for b in app.button if b.label == "Replace and discard scribbles").click().run()
    assert app.session_state["studio"].upload.image.size == (100, 100) and app.session_state["studio"].scribbles is None


def test_failed_colorize_keeps_scribbles(app, monkeypatch):
    from colorizer import Colorizer

    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    strokes = paint(app)
    app.run()

    def broken(self, sketch, hints=None, **settings):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(Colorizer, "network_pass", broken)
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert not app.exception
    assert any("Colouring failed" in e.value and "scribbles are kept" in e.value for e in app.error)
    assert np.array_equal(app.session_state["studio"].scribbles, strokes)


def spy_on_colorize(patch, keyword: str) -> list:
    """Record the ``keyword`` argument of every Colorizer.network_pass call (still colouring) in the list returned."""
    from colorizer import Colorizer

    seen, real = [], Colorizer.network_pass

    def spy(self, *args, **kwargs):
        seen.append(kwargs.get(keyword))
        return real(self, *args, **kwargs)

    patch.setattr(Colorizer, "network_pass", spy)
    return seen


def painted_colorize_page(app):
    """A frame uploaded, one stroke painted on the Colorize page; returns a function that presses Colorize."""
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    paint(app)
    app.run()
    return lambda: next(b for b in app.button if b.label == "Colorize").click().run()


def test_region_fill_settings_reach_the_model_and_survive_a_page_switch(app):
    colorize = painted_colorize_page(app)
    with pytest.MonkeyPatch.context() as patch:
        seen = spy_on_colorize(patch, "region_fill")
        colorize()
        default = np.asarray(app.session_state["studio"].result.image)
        app.slider(key="fill_flatness").set_value(1.0).run()
        app.slider(key="fill_gap").set_value(0).run()
        app.slider(key="fill_line_level").set_value(220).run()
        app.checkbox(key="fill_leak_guard").uncheck().run()
        colorize()
        flat = np.asarray(app.session_state["studio"].result.image)
        app.toggle(key="fill_on").set_value(False).run()
        colorize()
    assert not app.exception and not app.error
    assert seen[0] == RegionFill()
    assert seen[1] == RegionFill(gap=0, flatness=1.0, line_level=220, leak_guard=0.0) and seen[2] is None
    assert not np.array_equal(default, flat)
    app.switch_page("pages/model.py").run()
    app.switch_page("pages/colorize.py").run()
    assert app.slider(key="fill_flatness").value == 1.0 and app.toggle(key="fill_on").value is False
    assert app.slider(key="fill_line_level").value == 220 and app.checkbox(key="fill_leak_guard").value is False


def test_live_preview_colours_without_the_button(app):
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    paint(app)
    app.toggle(key="live_preview").set_value(True).run()
    assert not app.exception and not app.error
    assert app.session_state["studio"].result.image.size == (160, 96)
    captions = [picture.caption for element in app.get("image") for picture in element.proto.imgs]
    assert any(caption.startswith("Result (") for caption in captions)


def out_of_date_notes(app) -> list[str]:
    return [c.value for c in app.caption if "Made before you changed" in c.value]


def test_fill_sliders_and_crisp_lines_act_on_the_result_without_colouring_again(app):
    colorize = painted_colorize_page(app)
    with pytest.MonkeyPatch.context() as patch:
        runs = spy_on_colorize(patch, "region_fill")
        colorize()
        before = np.asarray(app.session_state["studio"].result.image)
        app.slider(key="fill_flatness").set_value(1.0).run()
        app.checkbox(key="fill_unhinted").uncheck().run()
        next(t for t in app.toggle if t.label == "Crisp lines on top").set_value(True).run()
        followed = np.asarray(app.session_state["studio"].result.image)
        assert len(runs) == 1 and not out_of_date_notes(app)  # no second network run, and nothing left to do
        colorize()
    assert not app.exception and not app.error
    assert runs[1] == RegionFill(flatness=1.0, unhinted=False)
    assert not np.array_equal(before, followed)
    assert np.array_equal(followed, np.asarray(app.session_state["studio"].result.image))  # what a new press gives


def test_the_result_says_what_only_colorize_brings_into_it(app):
    colorize = painted_colorize_page(app)
    colorize()
    assert not out_of_date_notes(app)
    app.toggle(key="white_paper").set_value(True).run()
    assert "*White paper*" in out_of_date_notes(app)[0]
    colorize()
    assert not out_of_date_notes(app)
    app.slider(key="fill_gap").set_value(4).run()  # White paper's regions: the network must see them
    assert "Close line gaps" in out_of_date_notes(app)[0]
    colorize()
    paint(app, rows=slice(40, 50))
    app.run()
    assert "your scribbles" in out_of_date_notes(app)[0]
    colorize()
    assert not out_of_date_notes(app)
    app.switch_page("pages/sketch.py").run()
    app.slider(key="sketch_threshold").set_value(0.3).run()
    app.switch_page("pages/colorize.py").run()
    assert "the sketch" in out_of_date_notes(app)[0]
    colorize()
    assert not out_of_date_notes(app) and not app.exception


def test_live_preview_colours_again_only_when_the_network_would_see_something_new(app):
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    paint(app)
    with pytest.MonkeyPatch.context() as patch:
        runs = spy_on_colorize(patch, "region_fill")
        app.toggle(key="live_preview").set_value(True).run()
        app.run()  # nothing changed
        app.slider(key="fill_flatness").set_value(0.2).run()  # the fill follows without the network
        assert len(runs) == 1
        paint(app, rows=slice(40, 50))
        app.run()
        assert len(runs) == 2 and not out_of_date_notes(app)


def test_palette_swatch_sets_the_brush_colour(app):
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    swatches = [b for b in app.button if b.key and b.key.startswith("swatch-")]
    assert len(swatches) >= 4
    colour = swatches[1].label
    swatches[1].click().run()
    assert app.session_state["brush_picker"] == colour and app.text_input(key="brush_hex").value == colour


def test_my_palette_adds_saves_and_survives_a_new_upload(app, monkeypatch):
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from colorizer.palette import read_palette_file

    files = {}  # what download buttons hand the browser, by file name
    keep = MemoryMediaFileStorage.load_and_get_id
    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", lambda self, data, mimetype, kind, filename=None:
                        files.update({filename: data}) or keep(self, data, mimetype, kind, filename))
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    for colour in ("#f2c9a0", "#3050c0"):
        app.text_input(key="brush_hex").set_value(colour).run()
        next(b for b in app.button if b.label == "Add").click().run()
    assert app.session_state["studio"].my_palette == ["#f2c9a0", "#3050c0"]
    assert "Save palette (.gpl)" in labels(app.download_button)
    assert read_palette_file(files["frame_palette.gpl"]) == ["#f2c9a0", "#3050c0"]
    next(b for b in app.button if b.key == "mine-0").click().run()
    assert app.text_input(key="brush_hex").value == "#f2c9a0"
    next(b for b in app.button if b.label == "Remove").click().run()
    assert app.session_state["studio"].my_palette == ["#3050c0"]
    upload_frame(app, name="next_frame.png")
    app.switch_page("pages/colorize.py").run()
    assert app.session_state["studio"].my_palette == ["#3050c0"]


def test_a_palette_file_loads_and_a_bad_one_says_what_loads(app):
    from colorizer.palette import palette_file

    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    uploader = next(u for u in app.file_uploader if u.label == "Load a palette")
    uploader.upload("hero.gpl", palette_file(["#102030", "#a0b0c0"], "hero").encode(), "text/plain").run()
    assert not app.error and app.session_state["studio"].my_palette == ["#102030", "#a0b0c0"]
    assert {"mine-0", "mine-1"} <= {b.key for b in app.button}
    uploader = next(u for u in app.file_uploader if u.label == "Load a palette")
    uploader.upload("notes.txt", b"buy milk\n", "text/plain").run()
    assert any("Not a palette file" in e.value for e in app.error)
    assert app.session_state["studio"].my_palette == ["#102030", "#a0b0c0"]


def test_layers_zip_and_scribbles_download_after_colorize(app):
    import io
    import zipfile

    upload_frame(app, name="hero.png")
    app.switch_page("pages/colorize.py").run()
    paint(app)
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert {"Download result (PNG)", "Download layers (ZIP)", "Download scribbles (PNG)",
            "Download layers (.ora)"} <= set(labels(app.download_button))
    from colorizer.layers import layers_zip

    result = app.session_state["studio"].result
    archive = zipfile.ZipFile(io.BytesIO(layers_zip("hero", result.image, result.flat,
                                                    app.session_state["studio"].sketch, result.hints)))
    assert len(archive.namelist()) == 4


def test_variants_compare_and_go_back(app):
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    first = paint(app, slice(100, 110))
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    paint(app, slice(200, 210))
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert any(h.value == "Compare variants" for h in app.subheader)
    next(b for b in app.button if b.label == "Go back to variant 1").click().run()
    assert np.array_equal(app.session_state["studio"].scribbles, first)
    assert app.session_state["studio"].result.number == 1


def test_saved_scribbles_upload_scaled_onto_canvas(app):
    from colorizer.layers import png_bytes

    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    saved = np.zeros((48, 80, 4), np.uint8)  # half the picture's size
    saved[20, 10:70] = (0, 200, 0, 255)
    uploader = next(u for u in app.file_uploader if u.label == "Load saved scribbles")
    uploader.set_value(("saved.png", png_bytes(Image.fromarray(saved, "RGBA")), "image/png")).run()
    assert not app.exception
    strokes = app.session_state["studio"].scribbles
    assert strokes.shape == (CANVAS_H, CANVAS_W, 4) and (strokes[..., 3] > 0).any()
    assert app.session_state["studio"].drawing["objects"][0]["type"] == "Image"


def test_white_paper_reaches_the_model_and_whitens_the_edge_regions(app):
    colorize = painted_colorize_page(app)
    with pytest.MonkeyPatch.context() as patch:
        seen = spy_on_colorize(patch, "white_paper")
        colorize()
        app.toggle(key="white_paper").set_value(True).run()
        colorize()
    assert not app.exception and not app.error
    assert seen == [False, True]
    app.switch_page("pages/sketch.py").run()
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="white_paper").value is True


def test_transparent_paper_clears_the_paper_shows_a_checkerboard_and_says_when_there_is_none(app):
    from colorizer.cutout import paper_share
    from pages.parts.workflow import preview_cut

    on_paper = Image.new("RGB", (200, 160), "white")
    on_paper.paste((200, 60, 60), (70, 40, 130, 120))  # a red box on white: White paper starts on
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("sticker.png", encode(on_paper), "image/png")
    app.run()
    app.switch_page("pages/colorize.py").run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert app.toggle(key="transparent_paper").value is False  # off by default
    app.toggle(key="transparent_paper").set_value(True).run()
    assert not app.exception and not app.error
    state = app.session_state["studio"]
    cut = preview_cut(state.result, state.sketch, None)
    assert cut.mode == "RGBA" and cut.size == (200, 160) and state.result.cut  # worked out once, kept
    assert np.asarray(cut)[0, 0, 3] == 0 and np.asarray(cut)[80, 100, 3] == 255
    assert any("Transparent paper:" in c.value for c in app.caption) and not app.info
    app.switch_page("pages/sketch.py").run()
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="transparent_paper").value is True  # kept across pages
    assert "Clear paper" in app.segmented_control(key="brush_tool").options
    state.clicked_paper[state.upload.key] = [(0.5, 0.5)]  # a click on the box
    app.run()
    assert np.asarray(preview_cut(state.result, state.sketch, None, state.paper_spots))[80, 100, 3] == 0  # clicked
    app.segmented_control(key="brush_tool").set_value("Clear paper").run()
    next(b for b in app.button if b.label == "Forget the paper clicked (1)").click().run()
    assert state.paper_spots == () and np.asarray(preview_cut(state.result, state.sketch, None))[80, 100, 3] == 255
    assert len(state.result.cut) == 2  # each set of clicks worked out once
    app.toggle(key="white_paper").set_value(False).run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert paper_share(preview_cut(state.result, state.sketch, None)) == 0  # the untrained model's grey paper
    assert any("No white paper around the picture" in i.value for i in app.info)
    app.toggle(key="transparent_paper").set_value(False).run()
    assert "Clear paper" not in app.segmented_control(key="brush_tool").options
    assert app.segmented_control(key="brush_tool").value == "Brush"


def test_a_picture_with_its_own_transparency_gets_it_back_at_every_size(app):
    from pages.parts.workflow import full_size_layers, preview_cut
    from tests.test_images import sticker

    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("cutout.png", encode(sticker(2600, 1300)), "image/png")
    app.run()
    state = app.session_state["studio"]
    assert state.upload.alpha is not None and state.upload.alpha.size == state.upload.image.size == (2048, 1024)
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="transparent_paper").value is True  # on by itself for such a picture
    assert "Clear paper" not in app.segmented_control(key="brush_tool").options  # nothing to click
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert not app.exception and any("its own transparency" in c.value for c in app.caption)
    preview = np.asarray(preview_cut(state.result, state.sketch, None, (), state.upload.alpha))
    assert preview[0, 0, 3] == 0 and preview[256, 512, 3] == 255
    full = full_size_layers(state.upload.full, 0, state.result, state.sketch, state.kind, state.settings, None, True)
    assert full["result"].size == (2600, 1300) and np.array_equal(np.asarray(full["result"])[..., 3],
                                                                   np.asarray(sticker(2600, 1300))[..., 3])
    app.toggle(key="transparent_paper").set_value(False).run()
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="transparent_paper").value is False  # the artist's choice stands for this picture
    state.adopt(state.upload)  # no scribbles or result to ask about
    app.switch_page("pages/sketch.py").run()
    next(b for b in app.button if b.label == "Turn 90°").click().run()
    assert state.upload.turns == 1 and state.upload.alpha.size == state.upload.image.size == (1024, 2048)
    assert np.array_equal(np.asarray(state.upload.full.picture_and_alpha(0)[1]), np.asarray(sticker(2600, 1300))[..., 3].T[:, ::-1])


def test_white_paper_starts_on_for_a_character_on_blank_paper_and_off_for_a_scene(app):
    on_paper = Image.new("RGB", (200, 160), "white")
    on_paper.paste((200, 60, 60), (70, 40, 130, 120))  # a red box on white: its edge sketch is a closed box
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("sticker.png", encode(on_paper), "image/png")
    app.run()
    app.switch_page("pages/colorize.py").run()
    assert not app.exception and app.toggle(key="white_paper").value is True
    app.toggle(key="white_paper").set_value(False).run()
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="white_paper").value is False  # the artist's choice stands for this picture
    app.session_state["studio"].adopt(app.session_state["studio"].upload)  # no scribbles to ask about
    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="white_paper").value is False  # a scene: off


def test_batch_page_colours_several_frames_and_reports_failures(app):
    from colorizer.layers import png_bytes

    app.switch_page("pages/batch.py").run()
    rng = np.random.default_rng(5)
    files = [(f"shot{i}.png", encode(anime_frame(rng, 90, 60)), "image/png") for i in range(3)]
    files.append(("broken.png", b"garbage", "image/png"))
    app.file_uploader[0].set_value(files)
    hints = np.zeros((30, 45, 4), np.uint8)
    hints[10, 5:40] = (255, 200, 0, 255)
    app.file_uploader[1].set_value(("hints.png", png_bytes(Image.fromarray(hints, "RGBA")), "image/png"))
    app.run()
    next(b for b in app.button if b.label == "Colorize all").click().run()
    assert not app.exception
    results, failures = app.session_state["studio"].batch.results, app.session_state["studio"].batch.failures
    assert sorted(results) == ["shot0_colorized.png", "shot1_colorized.png", "shot2_colorized.png"]
    assert all(image.size == (90, 60) for image in results.values())
    assert list(failures) == ["broken.png"] and any("broken.png" in e.value for e in app.error)
    assert "Download all (ZIP)" in labels(app.download_button)


def test_batch_page_transparent_paper_and_layers_of_each_frame(app):
    import io
    import zipfile

    app.switch_page("pages/batch.py").run()
    files = []
    for left in (60, 70):
        on_paper = Image.new("RGB", (200, 160), "white")
        on_paper.paste((200, 60, 60), (left, 40, left + 60, 120))  # a red box on white: White paper is on
        files.append((f"box{left}.png", encode(on_paper), "image/png"))
    app.file_uploader[0].set_value(files)
    app.checkbox(key="batch_transparent_paper").check().run()
    app.checkbox(key="batch_layers").check().run()
    next(b for b in app.button if b.label == "Colorize all").click().run()
    assert not app.exception and not app.error
    batch = app.session_state["studio"].batch
    assert len(batch.results) == 2 and sorted(batch.layers) == ["box60.ora", "box70.ora"]
    for image in batch.results.values():
        assert image.mode == "RGBA" and np.asarray(image)[0, 0, 3] == 0 and np.asarray(image)[80, 100, 3] == 255
    with zipfile.ZipFile(io.BytesIO(batch.layers["box60.ora"])) as ora:  # the frame's layers, stacked
        assert np.array_equal(np.asarray(Image.open(ora.open("mergedimage.png"))), np.asarray(batch.results[
            "box60_colorized.png"]))
    from tests.test_images import sticker

    app.file_uploader[0].set_value([("cutout.png", encode(sticker(200, 160)), "image/png")]).run()
    next(b for b in app.button if b.label == "Colorize all").click().run()
    kept = app.session_state["studio"].batch.results["cutout_colorized.png"]  # its own transparency
    assert np.array_equal(np.asarray(kept)[..., 3], np.asarray(sticker(200, 160))[..., 3])


def test_batch_page_sketches_with_the_sketch_pages_settings(app, tiny_checkpoint):
    from colorizer import Colorizer, RegionFill, SketchKind, SketchSettings
    from colorizer.pipeline import white_paper_default

    upload_frame(app)
    app.slider(key="sketch_threshold").set_value(0.3).run()
    app.select_slider(key="sketch_kernel_size").set_value(5).run()
    app.switch_page("pages/batch.py").run()
    frame = anime_frame(np.random.default_rng(8), 90, 60)
    app.file_uploader[0].set_value(("shot.png", encode(frame), "image/png"))
    app.run()
    assert any("Sketch page's settings: kernel size 5, threshold 0.3" in c.value for c in app.caption)
    next(b for b in app.button if b.label == "Colorize all").click().run()
    result = np.asarray(app.session_state["studio"].batch.results["shot_colorized.png"])
    sketch = SketchKind.SOBEL.sketch(frame, SketchSettings(kernel_size=5, threshold=0.3))
    paper = white_paper_default(sketch, SketchKind.SOBEL)  # decided per frame, as the page does
    expected = Colorizer.load(tiny_checkpoint).colorize(sketch, None, False, RegionFill(), paper)
    assert np.array_equal(result, np.asarray(expected))
    default = Colorizer.load(tiny_checkpoint).colorize(SketchKind.SOBEL.sketch(frame), None, False, RegionFill(), paper)
    assert not np.array_equal(result, np.asarray(default))


def test_batch_page_colours_with_the_scribbles_and_region_fill_of_the_colorize_page(app, tiny_checkpoint):
    from colorizer import Colorizer, SketchKind
    from colorizer.pipeline import white_paper_default

    upload_frame(app, name="frame.png")
    app.switch_page("pages/colorize.py").run()
    strokes = paint(app)
    app.slider(key="fill_flatness").set_value(1.0).run()
    app.slider(key="fill_gap").set_value(0).run()
    app.switch_page("pages/batch.py").run()
    assert app.slider(key="fill_flatness").value == 1.0  # the same sidebar settings
    frame = anime_frame(np.random.default_rng(3), 160, 96)  # the frame painted on, and another
    app.file_uploader[0].set_value([("frame.png", encode(frame), "image/png"),
                                    ("next.png", encode(anime_frame(np.random.default_rng(4), 160, 96)), "image/png")])
    app.run()
    assert app.checkbox(key="batch_use_painted").value  # no download and upload needed
    next(b for b in app.button if b.label == "Colorize all").click().run()
    assert not app.exception and not app.error
    coloured = np.asarray(app.session_state["studio"].batch.results["frame_colorized.png"])
    sketch = SketchKind.SOBEL.sketch(frame)
    fill = RegionFill(gap=0, flatness=1.0)
    expected = Colorizer.load(tiny_checkpoint).colorize(sketch, Image.fromarray(strokes, "RGBA"), False, fill,
                                                        white_paper_default(sketch, SketchKind.SOBEL))
    assert np.array_equal(coloured, np.asarray(expected))
    app.checkbox(key="batch_use_painted").uncheck().run()
    next(b for b in app.button if b.label == "Colorize all").click().run()
    unpainted = np.asarray(app.session_state["studio"].batch.results["frame_colorized.png"])
    assert not np.array_equal(unpainted, coloured)
    app.checkbox(key="batch_use_painted").check().run()
    app.checkbox(key="batch_follow_motion").check().run()
    assert app.selectbox(key="batch_painted_on").value == "frame"  # the frame they were painted on, from its name


def test_batch_page_offers_white_paper_for_line_art_off_by_default(app, tiny_checkpoint):
    import cv2

    from colorizer import Colorizer, RegionFill, SketchKind

    app.switch_page("pages/batch.py").run()
    drawing = np.full((96, 96, 3), 255, np.uint8)
    cv2.ellipse(drawing, (48, 50), (20, 30), 0, 0, 360, (0, 0, 0), 2)  # a doodle on blank paper
    art = Image.fromarray(drawing)
    app.file_uploader[0].set_value(("pencil.png", encode(art), "image/png"))
    app.checkbox(key="batch_line_art").check().run()
    assert not app.checkbox(key="batch_line_art_white_paper").value
    outputs = {}
    for paper in (False, True):
        app.checkbox(key="batch_line_art_white_paper").set_value(paper).run()
        next(b for b in app.button if b.label == "Colorize all").click().run()
        outputs[paper] = np.asarray(app.session_state["studio"].batch.results["pencil_colorized.png"])
        served = Colorizer.load(tiny_checkpoint).colorize(SketchKind.LINE_ART.sketch(art), None, True, RegionFill(),
                                                          white_paper=paper)
        assert np.array_equal(outputs[paper], np.asarray(served))
    assert not np.array_equal(outputs[False], outputs[True])


def test_every_module_directly_in_pages_is_a_navigation_page():
    """Streamlit's old pages-folder mode lists every pages/*.py; helpers live in pages/parts/."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    listed = {p.name for p in (root / "pages").glob("*.py") if p.name != "__init__.py"}
    navigation = set(re.findall(r'st\.Page\("pages/(\w+\.py)"', (root / "streamlit_app.py").read_text()))
    assert listed == navigation and len(listed) == 5


@pytest.fixture
def line_art_checkpoint(tmp_path):
    """A second tiny model, seeded apart from tiny_checkpoint, served for line art."""
    import torch

    from colorizer import save_checkpoint
    from colorizer.model import UNet
    from tests.conftest import TINY

    torch.manual_seed(1)
    meta = {"steps": 0, "samples": {"sketches": "line art"}, "warm_start": {"steps": 5, "wall_time_minutes": 1.0}}
    return save_checkpoint(tmp_path / "line.pt", UNet(TINY).eval(), meta=meta)


def test_checkpoint_per_kind_of_sketch_and_its_overrides(monkeypatch):
    from colorizer import DEFAULT_CHECKPOINT, LINE_ART_CHECKPOINT, SketchKind
    from pages.parts.ui import checkpoint_path

    line_art = SketchKind.LINE_ART
    monkeypatch.delenv("COLORIZER_CHECKPOINT", raising=False)
    monkeypatch.delenv("COLORIZER_LINE_ART_CHECKPOINT", raising=False)
    assert (checkpoint_path(), checkpoint_path(line_art)) == (DEFAULT_CHECKPOINT, LINE_ART_CHECKPOINT)
    monkeypatch.setenv("COLORIZER_CHECKPOINT", "mine.pt")  # one override serves both kinds
    assert checkpoint_path() == checkpoint_path(line_art) == Path("mine.pt")
    monkeypatch.setenv("COLORIZER_LINE_ART_CHECKPOINT", "lines.pt")
    assert (checkpoint_path(), checkpoint_path(line_art)) == (Path("mine.pt"), Path("lines.pt"))


def test_line_art_upload_is_coloured_by_the_line_art_model(app, line_art_checkpoint, tiny_checkpoint, monkeypatch):
    from colorizer import Colorizer, RegionFill

    monkeypatch.setenv("COLORIZER_LINE_ART_CHECKPOINT", str(line_art_checkpoint))
    upload_frame(app)
    app.checkbox(key="sketch_line_art").check().run()
    app.switch_page("pages/colorize.py").run()
    assert any("the one for line art" in c.value for c in app.caption)
    assert not app.toggle(key="white_paper").value  # off by default: the line-art model keeps paper white itself
    paint(app)
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert not app.exception and not app.error
    result = app.session_state["studio"].result
    served = {path: Colorizer.load(path).colorize(app.session_state["studio"].sketch, result.hints, lines_on_top=True,
                                                  region_fill=RegionFill()) for path in (line_art_checkpoint, tiny_checkpoint)}
    assert np.array_equal(np.asarray(result.image), np.asarray(served[line_art_checkpoint]))
    assert not np.array_equal(np.asarray(result.image), np.asarray(served[tiny_checkpoint]))
    app.toggle(key="white_paper").set_value(True).run()  # offered, for a simple drawing's tinted paper
    next(b for b in app.button if b.label == "Colorize").click().run()
    on_paper = Colorizer.load(line_art_checkpoint).colorize(app.session_state["studio"].sketch, result.hints, True,
                                                            RegionFill(), white_paper=True)
    assert np.array_equal(np.asarray(app.session_state["studio"].result.image), np.asarray(on_paper))


def test_white_paper_default_is_decided_again_when_the_upload_becomes_line_art(app):
    import cv2

    drawing = np.full((200, 160, 3), 255, np.uint8)
    cv2.ellipse(drawing, (80, 100), (40, 70), 0, 0, 360, (0, 0, 0), 3)  # a character on blank paper
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("doodle.png", encode(Image.fromarray(drawing)), "image/png")
    app.run()
    app.switch_page("pages/colorize.py").run()
    assert app.toggle(key="white_paper").value  # the edge sketch's default
    app.switch_page("pages/sketch.py").run()
    app.checkbox(key="sketch_line_art").check().run()
    app.switch_page("pages/colorize.py").run()
    assert not app.exception and not app.toggle(key="white_paper").value  # line art's default


def test_model_page_describes_either_model(app, line_art_checkpoint, monkeypatch):
    monkeypatch.setenv("COLORIZER_LINE_ART_CHECKPOINT", str(line_art_checkpoint))
    app.switch_page("pages/model.py").run()
    assert any("`tiny.pt`" in m.value for m in app.markdown)
    assert not any("rained on**" in m.value for m in app.markdown)  # no samples recorded
    app.radio(key="model_kind").set_value(app.radio(key="model_kind").options[1]).run()
    assert not app.exception and any("`line.pt`" in m.value for m in app.markdown)
    # a warm-started run describes its own samples only; earlier runs are in the model card
    assert any("**Last run trained on**: Canny and XDoG line art" in m.value for m in app.markdown)


def test_batch_page_serves_line_art_frames_with_the_line_art_model(app, tmp_path, monkeypatch):
    from tests.synthetic import line_art

    from colorizer import sketch

    checked = []
    monkeypatch.setattr(sketch, "looks_like_line_art", lambda picture: checked.append(picture.size) or True)
    monkeypatch.setenv("COLORIZER_LINE_ART_CHECKPOINT", str(tmp_path / "no-line-model.pt"))
    app.switch_page("pages/batch.py").run()
    app.file_uploader[0].upload("pencil.png", encode(line_art(128)), "image/png")
    app.run()
    assert not app.error and any("**pencil** looks like line art" in i.value for i in app.info)
    app.run()
    assert checked == [(128, 128)]  # once per upload, not on every rerun
    app.checkbox(key="batch_line_art").check().run()
    assert not app.exception and any("no-line-model.pt" in e.value for e in app.error)
    assert not any("looks like line art" in i.value for i in app.info)


def test_model_page_shows_each_models_own_files(tiny_checkpoint, monkeypatch, tmp_path):
    import shutil

    from colorizer import report

    models = tmp_path / "models"
    models.mkdir()
    for name in ("colorizer.pt", "colorizer_line_art.pt"):
        shutil.copy(tiny_checkpoint, models / name)
    Image.new("RGB", (40, 20), "white").save(models / "colorizer_line_art_loss_curve.png")
    monkeypatch.setattr(report, "BENCHMARK_DIR", models / "eval")  # none
    monkeypatch.setenv("COLORIZER_CHECKPOINT", str(models / "colorizer.pt"))
    monkeypatch.setenv("COLORIZER_LINE_ART_CHECKPOINT", str(models / "colorizer_line_art.pt"))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/model.py").run()
    assert any("No benchmark files" in i.value for i in at.info) and not at.get("image")
    assert any("**Runs at**: long side up to 512 px (larger" in m.value for m in at.markdown)
    at.radio(key="model_kind").set_value(at.radio(key="model_kind").options[1]).run()
    assert not at.exception
    assert [i.proto.imgs[0].caption for i in at.get("image")] == ["Training loss and validation PSNR of the last run"]


def test_the_streamlit_internal_that_join_app_navigation_patches_still_exists():
    """pages/parts/ui.py turns off Streamlit's pages-folder mode on a session's first run (a deep
    link would otherwise run the page alone, test_browser's first-visit test); it reads and sets
    this class attribute, so a Streamlit that renames it must fail here, not silently."""
    from streamlit.runtime.pages_manager import PagesManager

    assert isinstance(PagesManager.uses_pages_directory, (bool, type(None)))


def test_a_new_upload_can_take_the_scribbles_along_the_motion(app):
    from colorizer import resize_hints
    from tests.synthetic import line_art
    from tests.test_motion import SHIFT, moved_frame, trunk_stroke

    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("0001.png", encode(line_art(256)), "image/png").run()
    app.switch_page("pages/colorize.py").run()
    size = app.session_state["studio"].canvas_size
    painted = np.asarray(resize_hints(trunk_stroke(), size))
    app.session_state["studio"].scribbles = painted.copy()
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    first_result = app.session_state["studio"].result.image
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].set_value(("0002.png", encode(moved_frame(line_art(256))), "image/png")).run()
    next(b for b in app.button if b.label == "Replace and move scribbles onto it").click().run()
    assert not app.exception and not app.error and not app.warning
    state = app.session_state["studio"]
    assert state.upload.name == "0002" and state.result is None
    assert state.drawing["objects"][0]["type"] == "Image" and len(state.history) == 1  # one undo step
    rows, cols = np.nonzero(state.scribbles[..., 3] > 0)
    before_rows, before_cols = np.nonzero(painted[..., 3] > 0)
    scale = size[0] / 256
    assert abs(cols.mean() - before_cols.mean() - SHIFT[0] * scale) <= 2 * scale
    assert abs(rows.mean() - before_rows.mean() - SHIFT[1] * scale) <= 2 * scale
    assert state.previous_frame is first_result
    app.switch_page("pages/colorize.py").run()
    assert not app.exception and (app.session_state["studio"].scribbles[..., 3] > 0).sum() == len(rows)
    assert "Previous frame's result" in [p.caption for element in app.get("image") for p in element.proto.imgs]


def test_batch_page_moves_the_scribbles_from_the_frame_they_were_painted_on(app):
    from colorizer.layers import png_bytes
    from tests.synthetic import line_art
    from tests.test_motion import RED, SHIFT, moved_frame, trunk_stroke

    app.switch_page("pages/batch.py").run()
    first = line_art(256)
    app.file_uploader[0].set_value([("0001.png", encode(first), "image/png"),
                                    ("0002.png", encode(moved_frame(first)), "image/png")])
    app.file_uploader[1].set_value(("hints.png", png_bytes(trunk_stroke()), "image/png")).run()
    app.checkbox(key="batch_line_art").check().run()
    app.checkbox(key="batch_follow_motion").check().run()
    assert app.selectbox(key="batch_painted_on").value == "0001"
    next(b for b in app.button if b.label == "Colorize all").click().run()
    assert not app.exception and not app.error
    results = app.session_state["studio"].batch.results
    second = np.asarray(results["0002_colorized.png"], float)
    trunk, beside = second[150 + SHIFT[1], 165 + SHIFT[0]], second[150, 150]
    assert np.abs(trunk - RED).sum() < np.abs(beside - RED).sum()  # the moved trunk took the stroke's colour
    shown = np.asarray(app.session_state["studio"].batch.scribbles["0002_colorized.png"])
    assert tuple(shown[150 + SHIFT[1], 165 + SHIFT[0]]) == RED and tuple(shown[150, 165]) != RED  # strokes moved
    app.toggle(key="batch_show_scribbles").set_value(True).run()
    assert not app.exception and len(app.get("image")) == 2


def test_zoom_enlarges_the_canvas_and_scales_the_drawing_with_it(app):
    from colorizer.layers import png_bytes
    from pages.parts.canvas import canvas_size

    upload_frame(app)
    app.switch_page("pages/colorize.py").run()
    saved = np.zeros((96, 160, 4), np.uint8)
    saved[40:44, 20:140] = (0, 200, 0, 255)
    uploader = next(u for u in app.file_uploader if u.label == "Load saved scribbles")
    uploader.set_value(("saved.png", png_bytes(Image.fromarray(saved, "RGBA")), "image/png")).run()
    assert app.session_state["studio"].canvas_size == (CANVAS_W, CANVAS_H)
    app.select_slider(key="canvas_zoom").set_value("200 %").run()
    assert not app.exception
    state = app.session_state["studio"]
    assert state.canvas_size == canvas_size((160, 96), None, "200 %") == (2 * CANVAS_W, 2 * CANVAS_H)
    assert state.drawing["objects"][0]["scaleX"] == 2  # the loaded scribbles grow with the canvas
    assert any("Zoom 200 %" in c.value for c in app.caption)
    app.switch_page("pages/model.py").run()
    app.switch_page("pages/colorize.py").run()
    assert app.select_slider(key="canvas_zoom").value == "200 %"  # kept across pages
    app.select_slider(key="canvas_zoom").set_value("Fit").run()
    assert app.session_state["studio"].canvas_size == (CANVAS_W, CANVAS_H)
    assert app.session_state["studio"].drawing["objects"][0]["scaleX"] == 1


def test_batch_page_colours_every_frame_of_an_animation_and_gives_it_back_as_a_gif(app):
    import io

    from colorizer.layers import gif_bytes, png_bytes
    from tests.synthetic import line_art
    from tests.test_motion import moved_frame, trunk_stroke

    cut = [moved_frame(line_art(256), (4 * step, 2 * step)) for step in range(4)]
    animation = gif_bytes(cut, [80, 80, 120, 200])
    app.switch_page("pages/batch.py").run()
    app.file_uploader[0].set_value([("cut.gif", animation, "image/gif"),
                                    ("broken.gif", b"GIF89a-broken", "image/gif")])
    app.file_uploader[1].set_value(("hints.png", png_bytes(trunk_stroke()), "image/png")).run()
    assert any("broken.gif" in e.value for e in app.error)  # said at once, before colouring
    app.checkbox(key="batch_line_art").check().run()
    app.checkbox(key="batch_follow_motion").check().run()
    assert app.selectbox(key="batch_painted_on").options == ["cut_000", "cut_001", "cut_002", "cut_003"]
    assert app.selectbox(key="batch_painted_on").value == "cut_000"
    next(b for b in app.button if b.label == "Colorize all").click().run()
    assert not app.exception
    batch = app.session_state["studio"].batch
    assert list(batch.results) == [f"cut_{i:03d}_colorized.png" for i in range(4)]
    assert list(batch.failures) == ["broken.gif"]
    assert "Download cut_colorized.gif" in labels(app.download_button)
    frames, durations = zip(*batch.animations["cut_colorized.gif"])
    gif = Image.open(io.BytesIO(gif_bytes(frames, durations)))
    assert gif.n_frames == 4 and gif.size == (256, 256)
    gif.seek(3)
    assert gif.info["duration"] == 200


def test_an_animated_upload_says_its_first_frame_is_shown_and_points_to_batch(app):
    frames = [anime_frame(np.random.default_rng(i), 90, 60) for i in range(3)]
    animation = gif_bytes(frames, [100] * len(frames))
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("walk.gif", animation, "image/gif").run()
    assert any("animation of 3 frames" in i.value and "Batch" in i.value for i in app.info)
    app.slider(key="sketch_blur").set_value(1.0).run()
    assert any("animation of 3 frames" in i.value for i in app.info)  # still said on later runs
    upload_frame(app, name="still.png")
    assert not any("animation of" in i.value for i in app.info)


def test_batch_page_guesses_the_painted_frame_from_the_scribble_files_name(app):
    from colorizer.layers import png_bytes
    from tests.test_motion import trunk_stroke

    app.switch_page("pages/batch.py").run()
    rng = np.random.default_rng(4)
    app.file_uploader[0].set_value([(f"{i:04d}.png", encode(anime_frame(rng, 64, 48)), "image/png") for i in (1, 2, 3)])
    app.file_uploader[1].set_value(("0002_scribbles.png", png_bytes(trunk_stroke((64, 48))), "image/png")).run()
    app.checkbox(key="batch_follow_motion").check().run()
    assert app.selectbox(key="batch_painted_on").value == "0002"


def test_batch_page_key_frames_each_frame_takes_the_nearest_painted_frames_scribbles(app, tmp_path):
    from colorizer.layers import png_bytes
    from tests.test_motion import BLUE, RED, key_frame_cut, moved_stroke, trunk_colour

    cut = key_frame_cut(tmp_path / "cut")
    app.switch_page("pages/batch.py").run()
    app.file_uploader[0].set_value([(f"{i + 1:04d}.png", encode(frame), "image/png") for i, frame in enumerate(cut)])
    keys = [("0001_scribbles.png", png_bytes(moved_stroke(0, RED)), "image/png"),
            ("0004_scribbles.png", png_bytes(moved_stroke(3, BLUE)), "image/png")]
    app.file_uploader[1].set_value(keys + [("other_scribbles.png", png_bytes(moved_stroke(0, BLUE)), "image/png")])
    app.checkbox(key="batch_line_art").check().run()
    assert any("other_scribbles.png" in e.value and "match no frame" in e.value for e in app.error)
    assert next(b for b in app.button if b.label == "Colorize all").disabled
    app.file_uploader[1].set_value(keys).run()
    assert not app.error
    assert any("Key frames: 0001 (0001_scribbles.png), 0004 (0004_scribbles.png)" in c.value for c in app.caption)
    app.checkbox(key="batch_follow_motion").check().run()
    next(b for b in app.button if b.label == "Colorize all").click().run()
    assert not app.exception and not app.error
    shown = app.session_state["studio"].batch.scribbles
    for step, colour in enumerate([RED, RED, BLUE, BLUE]):  # moved from the nearest key frame
        assert tuple(trunk_colour(shown[f"{step + 1:04d}_colorized.png"], step)) == colour, step


def test_the_sketch_page_opens_any_frame_of_an_animation_and_moves_scribbles_between_frames(app):
    from colorizer import resize_hints
    from colorizer.images import load_frames
    from tests.synthetic import line_art
    from tests.test_motion import moved_frame, trunk_stroke

    cut = [moved_frame(line_art(256), (8 * step, 4 * step)) for step in range(3)]
    animation = gif_bytes(cut, [100] * len(cut))
    decoded = [frame for frame, _ in load_frames(animation)]
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("walk.gif", animation, "image/gif").run()
    state = app.session_state["studio"]
    assert state.upload.name == "walk_000" and app.slider(key="sketch_frame").max == 2
    app.slider(key="sketch_frame").set_value(2).run()
    assert not app.exception and state.upload.name == "walk_002" and state.upload.frame == 2
    assert np.array_equal(np.asarray(state.upload.image), np.asarray(decoded[2]))
    app.switch_page("pages/colorize.py").run()
    state.scribbles = np.asarray(resize_hints(trunk_stroke(), state.canvas_size)).copy()
    app.run()  # Download scribbles names its file <upload name>_scribbles.png: walk_002, the Batch page's frame name
    app.switch_page("pages/sketch.py").run()
    app.slider(key="sketch_frame").set_value(0).run()
    assert any("You opened **walk_000**" in w.value for w in app.warning) and state.upload.frame == 2
    next(b for b in app.button if b.label == "Keep the current picture").click().run()
    assert state.upload.name == "walk_002" and app.slider(key="sketch_frame").value == 2 and state.painted_pixels
    app.slider(key="sketch_frame").set_value(1).run()
    next(b for b in app.button if b.label == "Replace and move scribbles onto it").click().run()
    assert not app.exception and state.upload.name == "walk_001" and state.upload.frame == 1
    assert np.array_equal(np.asarray(state.upload.image), np.asarray(decoded[1])) and state.painted_pixels
    frame_two = state.paper_decided  # set on the Colorize page for frame 2
    app.switch_page("pages/colorize.py").run()
    assert not app.exception and state.paper_decided == f"{state.upload.key}-sobel" != frame_two  # each frame is its own picture


def test_a_picture_larger_than_the_studio_shows_downloads_at_its_own_size(app):
    from colorizer import resize_hints
    from pages.parts.workflow import full_size_layers
    from tests.test_motion import trunk_stroke

    picture = anime_frame(np.random.default_rng(8), 2600, 1300)
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("big.png", encode(picture), "image/png").run()
    assert any("working at 2048x1024" in i.value and "2600x1300" in i.value for i in app.info)
    state = app.session_state["studio"]
    assert state.upload.full.size == (2600, 1300)
    app.switch_page("pages/colorize.py").run()
    state.scribbles = np.asarray(resize_hints(trunk_stroke(), state.canvas_size)).copy()
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    assert not app.exception and app.toggle(key="download_full_size").value  # full size by default
    result = state.result
    layers = full_size_layers(state.upload.full, 0, result, state.sketch, state.kind, state.settings)
    assert layers["result"].size == layers["flat"].size == layers["sketch"].size == (2600, 1300)
    shrunk = np.asarray(layers["result"].resize(result.image.size, Image.Resampling.BOX), float)
    assert np.abs(shrunk - np.asarray(result.image, float)).mean() < 6  # the same colours, larger
    cut = full_size_layers(state.upload.full, 0, result, state.sketch, state.kind, state.settings, None, True)
    assert cut["result"].mode == cut["flat"].mode == "RGBA" and cut["result"].size == (2600, 1300)
    assert np.array_equal(np.asarray(cut["result"])[..., :3][np.asarray(cut["result"])[..., 3] == 255],
                          np.asarray(layers["result"])[np.asarray(cut["result"])[..., 3] == 255])  # opaque: as it was
    app.toggle(key="download_full_size").set_value(False).run()
    assert not app.exception and "Download layers (ZIP)" in labels(app.download_button)
    upload_frame(app, name="small.png")
    next(b for b in app.button if b.label == "Replace and discard scribbles").click().run()
    assert state.upload.name == "small" and state.upload.full is None


def test_the_batch_page_colours_at_most_its_pixel_budget_and_says_what_did_not_fit(app, monkeypatch):
    from colorizer import images

    monkeypatch.setattr(images, "MAX_ANIMATION_PIXELS", 2 * 900 * 600 + 10)  # two of the three frames
    app.switch_page("pages/batch.py").run()
    rng = np.random.default_rng(6)
    app.file_uploader[0].set_value([(f"page{i}.png", encode(anime_frame(rng, 900, 600)), "image/png")
                                    for i in range(3)]).run()
    assert any("page2.png" in e.value and "megapixels" in e.value and "command line" in e.value for e in app.error)
    next(b for b in app.button if b.label == "Colorize all").click().run()
    batch = app.session_state["studio"].batch
    assert list(batch.results) == ["page0_colorized.png", "page1_colorized.png"] and list(batch.failures) == ["page2.png"]
    assert batch.results["page0_colorized.png"].size == (900, 600)
    assert max(batch.scribbles["page0_colorized.png"].size) == 512  # the preview only


def test_keeping_the_current_frame_does_not_refuse_the_animation_when_uploaded_again(app):
    from colorizer import resize_hints
    from tests.test_motion import trunk_stroke

    frames = [anime_frame(np.random.default_rng(i), 90, 60) for i in range(3)]
    animation = gif_bytes(frames, [100] * len(frames))
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("walk.gif", animation, "image/gif").run()
    state = app.session_state["studio"]
    state.scribbles = np.asarray(resize_hints(trunk_stroke(), (90, 60))).copy()
    app.slider(key="sketch_frame").set_value(1).run()
    next(b for b in app.button if b.label == "Keep the current picture").click().run()
    upload_frame(app, name="other.png")
    next(b for b in app.button if b.label == "Replace and discard scribbles").click().run()
    assert state.upload.name == "other"
    app.file_uploader[0].upload("walk.gif", animation, "image/gif").run()
    assert not app.exception and state.upload.name == "walk_000"


def test_a_photo_of_a_sheet_on_a_table_is_straightened_and_downloads_straightened_at_its_own_size(app):
    from pages.parts.workflow import full_size_layers
    from tests.test_page import TILTS, drawing
    from training.paper_eval import camera_corners, on_a_table

    corners = camera_corners(420 / 594, TILTS[1], (4000, 3000), focal=3600, distance=1.5)  # a 12 MP phone photo
    photo = on_a_table(drawing(), corners, (4000, 3000), (95, 70, 55), np.random.default_rng(0))
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("desk.jpg", encode(Image.fromarray(photo), "JPEG", quality=92), "image/jpeg").run()
    state = app.session_state["studio"]
    assert any("sheet of paper on a table" in i.value for i in app.info)
    next(b for b in app.button if b.label == "Straighten the page").click().run()
    page = state.upload.image
    assert not app.exception and state.upload.name == "desk" and state.upload.photo is not None
    assert page.size[0] / page.size[1] == pytest.approx(420 / 594, rel=0.03) and page.size[1] == 2048
    assert np.median(np.asarray(page.convert("L"))) > 200 and state.sketch.size == page.size  # paper, no table
    assert not any("sheet of paper on a table" in i.value for i in app.info)
    full = state.upload.full.picture(0)  # the sheet at the photo's own resolution, more than the studio works at
    assert full.size == state.upload.full.size and full.size[1] > 2200
    assert full.size[0] / full.size[1] == pytest.approx(page.size[0] / page.size[1], rel=0.01)
    app.switch_page("pages/colorize.py").run()
    state.scribbles = np.zeros((*state.canvas_size[::-1], 4), np.uint8)
    state.scribbles[40:50, 40:90] = (200, 40, 40, 255)
    app.run()
    next(b for b in app.button if b.label == "Colorize").click().run()
    layers = full_size_layers(state.upload.full, 0, state.result, state.sketch, state.kind, state.settings)
    assert not app.exception and layers["result"].size == full.size
    app.switch_page("pages/sketch.py").run()
    next(b for b in app.button if b.label == "Use the photo as taken").click().run()  # asks first: a result exists
    next(b for b in app.button if b.label == "Replace and discard scribbles").click().run()
    assert state.upload.photo is None and state.upload.image.size == (2048, 1536) and state.upload.full.size == (4000, 3000)


def test_a_small_photo_of_a_sheet_is_straightened_at_the_working_size(app):
    from tests.test_page import TILTS, photographed

    photo, _ = photographed(TILTS[0], np.random.default_rng(1))
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("desk.png", encode(photo), "image/png").run()
    next(b for b in app.button if b.label == "Straighten the page").click().run()
    state = app.session_state["studio"]
    assert not app.exception and state.upload.full is None and state.upload.photo.image.size == photo.size
    assert state.upload.image.size[0] / state.upload.image.size[1] == pytest.approx(420 / 594, rel=0.03)
    assert any("Straightened to the sheet" in c.value for c in app.caption)


def test_the_sheets_corners_can_be_marked_by_hand_where_none_is_found(app):
    from colorizer.page import PAGE_INSET
    from tests.test_page import TILTS, photographed

    photo, _ = photographed(TILTS[0], np.random.default_rng(1), table=(235, 232, 228))  # a table as pale as paper
    app.switch_page("pages/sketch.py").run()
    app.file_uploader[0].upload("pale desk.png", encode(photo), "image/png").run()
    assert not any("sheet of paper on a table" in i.value for i in app.info)
    assert "Mark the sheet's corners yourself" in [e.label for e in app.expander]
    assert not any(b.label == "Straighten to these corners" for b in app.button)  # its canvas waits until opened
    app.session_state[f"marking-{app.session_state['studio'].upload.key}"] = True  # the artist opens it
    app.run()
    next(b for b in app.button if b.label == "Straighten to these corners").click().run()
    state = app.session_state["studio"]
    assert not app.exception and state.upload.photo is not None
    marked = state.upload.key
    side = 0.8 * (1 - PAGE_INSET)  # the handles start at 10 % in from each side
    assert state.upload.image.size == pytest.approx((900 * side, 700 * side), abs=2)
    next(b for b in app.button if b.label == "Use the photo as taken").click().run()
    assert state.upload.photo is None and state.upload.image.size == (900, 700)
    app.session_state["studio"].upload.__dict__["page"] = np.array([[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8]])
    app.run()  # as if the sheet had been found there
    next(b for b in app.button if b.label == "Straighten the page").click().run()
    assert not app.exception and state.upload.photo is not None and state.upload.key not in (marked, f"{state.upload.digest}-0")


def test_turning_a_picture_turns_it_exactly_at_its_own_size_too(app):
    from tests.test_page import TILTS, drawing
    from training.paper_eval import camera_corners, on_a_table

    upload_frame(app)
    state = app.session_state["studio"]
    before = np.asarray(state.upload.image)
    next(b for b in app.button if b.label == "Turn 90°").click().run()
    assert not app.exception and np.array_equal(np.asarray(state.upload.image), np.rot90(before, -1))
    assert state.sketch.size == (96, 160) and state.upload.key.endswith("-turn1")
    assert not any(e.label == "Mark the sheet's corners yourself" for e in app.expander)  # straightening comes first
    corners = camera_corners(420 / 594, TILTS[1], (4000, 3000), focal=3600, distance=1.5)
    photo = on_a_table(drawing(), corners, (4000, 3000), (95, 70, 55), np.random.default_rng(0))
    app.file_uploader[0].upload("desk.png", encode(Image.fromarray(photo)), "image/png").run()
    next(b for b in app.button if b.label == "Straighten the page").click().run()
    upright = state.upload.full.picture(0)
    for _ in range(3):
        next(b for b in app.button if b.label == "Turn 90°").click().run()
    assert not app.exception and state.upload.turns == 3 and state.upload.photo is not None
    full = state.upload.full.picture(0)
    assert full.size == state.upload.full.size == upright.size[::-1]
    assert np.array_equal(np.asarray(full), np.rot90(np.asarray(upright)))  # three turns clockwise: one back
    shrunk = full.resize(state.upload.image.size, Image.Resampling.BOX)
    assert np.abs(np.asarray(shrunk, float) - np.asarray(state.upload.image, float)).mean() < 4
