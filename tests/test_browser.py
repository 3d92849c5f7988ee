"""Real-browser test: Playwright drives Debian Chromium against the running app."""
import os
import re
import time
from pathlib import Path

import numpy as np
import pytest

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, go_to_colorize, running_app
from tests.synthetic import anime_frame


if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian chromium: apt-get install -y chromium")
    pytest.skip("Debian chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tiny_checkpoint):
    """The app on a tiny seeded model; with $STUDIO_SCREENSHOT set (the README's picture), on the shipped ones."""
    with running_app(checkpoint=None if os.environ.get("STUDIO_SCREENSHOT") else tiny_checkpoint) as url:
        yield url


@pytest.fixture
def page(server):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def draw_stroke(page, canvas, start, end):
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
    page.mouse.down()
    for t in np.linspace(0, 1, 12):
        x = start[0] + t * (end[0] - start[0])
        y = start[1] + t * (end[1] - start[1])
        page.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.mouse.up()


def test_upload_draw_colorize_download(page, server, tmp_path):
    picture = tmp_path / "frame.png"
    anime_frame(np.random.default_rng(2), 240, 160).save(picture)
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(picture))
    page.get_by_text("Sketch (live preview)").wait_for()
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    page.get_by_text("No scribbles yet").wait_for()
    draw_stroke(page, canvas, (0.2, 0.3), (0.7, 0.4))
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_text("Result", exact=True).wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download result (PNG)").click()
    download = download_info.value
    assert download.suggested_filename == "frame_colorized.png"
    from PIL import Image

    saved = tmp_path / "result.png"
    download.save_as(saved)
    assert Image.open(saved).size == (240, 160)


def test_a_large_picture_downloads_at_its_own_size(page, server, tmp_path):
    """The downloads are deferred callables that make the full-size result when clicked: only a real browser runs
    them (AppTest cannot click a download)."""
    import zipfile

    from PIL import Image

    canvas = open_canvas(page, server, tmp_path, 9, (2400, 1200), name="page.png")
    draw_stroke(page, canvas, (0.2, 0.3), (0.7, 0.4))
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_text("Download at full size (2400x1200)").wait_for()
    assert Image.open(download(page, "Download result (PNG)", tmp_path / "full.png")).size == (2400, 1200)
    with zipfile.ZipFile(download(page, "Download layers (ZIP)", tmp_path / "layers.zip")) as archive:
        assert {Image.open(archive.open(name)).size for name in archive.namelist()} == {(2400, 1200)}
    page.get_by_text("Download at full size (2400x1200)").click()
    settle(page)
    assert Image.open(download(page, "Download result (PNG)", tmp_path / "working.png")).size == (2048, 1024)


def test_transparent_paper_downloads_a_sticker_at_its_own_size(page, server, tmp_path):
    """A character on white paper larger than the studio works: *Transparent paper* shows the result on a
    checkerboard and the full-size downloads, result and layers, come with the paper clear."""
    import zipfile

    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (2400, 1800), "white")
    ImageDraw.Draw(picture).ellipse((800, 300, 1600, 1500), fill=(200, 60, 60), outline=(20, 20, 20), width=8)
    picture.save(tmp_path / "sticker.png")
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "sticker.png"))
    go_to_colorize(page)
    page.locator("canvas.upper-canvas").wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_text("Download at full size (2400x1800)").wait_for()
    page.get_by_text("Transparent paper", exact=True).click()
    page.get_by_text(re.compile(r"Transparent paper: \d+ % of the picture")).wait_for()
    cut = Image.open(download(page, "Download result (PNG)", tmp_path / "cut.png"))
    assert cut.mode == "RGBA" and cut.size == (2400, 1800)
    assert cut.getpixel((10, 10))[3] == 0 and cut.getpixel((1200, 900))[3] == 255
    with zipfile.ZipFile(download(page, "Download layers (ZIP)", tmp_path / "layers.zip")) as archive:
        modes = {name.rsplit("_", 1)[1]: Image.open(archive.open(name)).mode for name in archive.namelist()}
    assert modes == {"composite.png": "RGBA", "flat.png": "RGBA", "lines.png": "RGBA", "scribbles.png": "RGBA"}
    with zipfile.ZipFile(download(page, "Download layers (.ora)", tmp_path / "sticker.ora")) as ora:
        assert ora.namelist()[0] == "mimetype" and ora.read("mimetype") == b"image/openraster"
        assert Image.open(ora.open("mergedimage.png")).getpixel((10, 10))[3] == 0


def test_clear_paper_clicks_paper_the_character_encloses(page, server, tmp_path):
    """A ring on white paper: its hole is paper the outline encloses, kept until the artist clicks it with
    *Clear paper*; the download is then clear there too."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (600, 450), "white")
    draw = ImageDraw.Draw(picture)
    draw.ellipse((140, 65, 460, 385), fill=(60, 90, 200), outline=(20, 20, 20), width=6)
    draw.ellipse((240, 165, 360, 285), fill="white", outline=(20, 20, 20), width=6)
    picture.save(tmp_path / "ring.png")
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "ring.png"))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_role("button", name="Download result (PNG)").wait_for()
    page.get_by_text("Transparent paper", exact=True).click()
    page.get_by_text(re.compile(r"Transparent paper: \d+ % of the picture")).wait_for()
    assert Image.open(download(page, "Download result (PNG)", tmp_path / "kept.png")).getpixel((300, 225))[3] == 255
    page.get_by_role("radio", name="Clear paper").click()
    settle(page)
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_role("button", name="Forget the paper clicked (1)").wait_for()
    settle(page)
    cut = Image.open(download(page, "Download result (PNG)", tmp_path / "cleared.png"))
    assert cut.getpixel((300, 225))[3] == 0 and cut.getpixel((5, 5))[3] == 0 and cut.getpixel((300, 100))[3] == 255


def test_the_sketch_page_mounts_the_corner_canvas_only_when_asked_for(page, server, tmp_path):
    from tests.synthetic import line_art

    line_art(256).save(tmp_path / "drawing.png")
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "drawing.png"))
    marking = page.get_by_text("Mark the sheet's corners yourself")
    marking.wait_for()
    page.wait_for_timeout(1500)
    assert page.locator("canvas.upper-canvas").count() == 0  # a hidden one reran the page and lost a click on Next
    marking.click()
    page.locator("canvas.upper-canvas").wait_for()
    page.get_by_role("button", name="Straighten to these corners").wait_for()


def open_canvas(page, server, tmp_path, seed: int, size: tuple[int, int], name: str = "frame.png"):
    """Upload a generated picture on the Sketch page, go to Colorize, return the canvas locator. A canvas that
    does not show leaves a screenshot of the page beside the picture."""
    picture = tmp_path / name
    anime_frame(np.random.default_rng(seed), *size).save(picture)
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(picture))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    try:
        canvas.wait_for()
    except sync_api.TimeoutError:
        page.screenshot(path=tmp_path / "canvas_timeout.png", full_page=True)
        raise AssertionError(f"The canvas did not show; see {tmp_path / 'canvas_timeout.png'}") from None
    return canvas


def wait_painted_above(page, count: float) -> None:
    """Wait until the page reports more than ``count`` painted pixels."""
    page.wait_for_function(
        "n => [...document.querySelectorAll('p')].some(p => /Scribbles: ([\\d,]+)/.test(p.textContent)"
        " && parseInt(p.textContent.match(/Scribbles: ([\\d,]+)/)[1].replace(/,/g, '')) > n)", arg=count)


def painted_pixels(page) -> int:
    text = page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).inner_text()
    return int(re.search(r"([\d,]+) painted", text).group(1).replace(",", ""))


def test_scribbles_survive_a_page_switch_in_the_browser(page, server, tmp_path):
    canvas = open_canvas(page, server, tmp_path, 4, (200, 200))
    draw_stroke(page, canvas, (0.1, 0.2), (0.9, 0.2))
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    first = painted_pixels(page)
    page.get_by_role("link", name="Model").click()
    page.get_by_text("Checkpoint").first.wait_for()
    page.get_by_role("link", name="Colorize").click()
    canvas.wait_for()
    assert painted_pixels(page) == first
    page.wait_for_timeout(1500)  # let the canvas redraw the saved strokes
    draw_stroke(page, canvas, (0.1, 0.8), (0.9, 0.8))
    wait_painted_above(page, first * 1.5)
    assert painted_pixels(page) > 1.5 * first  # the old stroke is kept, the new one added


CONTROLS = ["Live preview", "Crisp lines on top", "White paper", "Transparent paper"]
CUT_LABELS = """() => [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
  .filter(e => e.innerText.trim() && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText.trim())"""


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_colorize_controls_show_whole_labels_in_a_laptop_window(page, server, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_canvas(page, server, tmp_path, 3, (200, 160))
    for name in CONTROLS:
        page.locator("label").filter(has_text=re.compile(f"^{name}$")).wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_role("button", name="Download layers (.ora)").wait_for()
    assert page.evaluate(CUT_LABELS) == []  # no label, button or text cut short with an ellipsis
    result = page.locator('[data-testid="stImage"]').filter(has_text=re.compile(r"Result \(\d+ ms\)")).locator("img")
    canvas, shown = page.locator("canvas.upper-canvas").bounding_box(), result.bounding_box()
    assert abs(canvas["y"] - shown["y"]) <= 2 and abs(canvas["height"] - shown["height"]) <= 2  # side by side, level


def test_live_preview_follows_the_brush(page, server, tmp_path):
    canvas = open_canvas(page, server, tmp_path, 6, (160, 120))
    page.locator("label").filter(has_text=re.compile(r"^Live preview$")).click()
    settle(page)
    draw_stroke(page, canvas, (0.2, 0.5), (0.8, 0.5))
    page.get_by_text(re.compile(r"Result \(\d+ ms\)")).wait_for()
    assert page.get_by_role("button", name="Colorize").is_visible()


def test_loaded_scribbles_show_on_the_canvas_and_new_strokes_add(page, server, tmp_path):
    from PIL import Image

    saved = tmp_path / "saved.png"
    strokes = np.zeros((150, 200, 4), np.uint8)
    strokes[30:36, 20:180] = (0, 180, 0, 255)
    Image.fromarray(strokes, "RGBA").save(saved)
    canvas = open_canvas(page, server, tmp_path, 7, (200, 150))
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Load saved scribbles")
    uploader.locator("input[type=file]").set_input_files(str(saved))
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    loaded = painted_pixels(page)
    page.wait_for_timeout(1500)  # the canvas loads the scribble image
    draw_stroke(page, canvas, (0.1, 0.8), (0.9, 0.8))
    wait_painted_above(page, loaded * 1.3)


def test_scribbles_move_onto_the_next_frame_and_stay_on_its_canvas(page, server, tmp_path):
    from tests.synthetic import line_art
    from tests.test_motion import moved_frame

    first, second = tmp_path / "0001.png", tmp_path / "0002.png"
    line_art(256).save(first)
    moved_frame(line_art(256)).save(second)
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(first))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    draw_stroke(page, canvas, (0.15, 0.45), (0.35, 0.45))  # across the house
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    painted = painted_pixels(page)
    page.get_by_role("link", name="Sketch").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="Upload an anime picture or line art")
    uploader.locator("input[type=file]").set_input_files(str(second))
    move = page.get_by_role("button", name="Replace and move scribbles onto it")
    move.click()
    move.wait_for(state="detached")
    go_to_colorize(page)
    canvas.wait_for()
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    moved = painted_pixels(page)
    assert 0.5 * painted < moved <= 1.2 * painted
    page.wait_for_timeout(1500)  # the canvas loads the moved scribbles
    draw_stroke(page, canvas, (0.1, 0.9), (0.9, 0.9))
    wait_painted_above(page, moved * 1.3)  # the moved strokes stay beside the new one


def test_bad_upload_shows_error(page, server, tmp_path):
    fake = tmp_path / "fake.png"
    fake.write_text("<html>not a picture</html>")
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(fake))
    page.get_by_text("could not be read as a picture").wait_for()


def test_load_script_with_two_sessions(tiny_checkpoint, monkeypatch):
    from tests import load_app

    monkeypatch.setenv("COLORIZER_CHECKPOINT", str(tiny_checkpoint))
    latencies, errors = load_app.main(["--sessions", "2", "--rounds", "1", "--budget", "120"])
    assert errors == [] and len(latencies) == 2


def downloaded_zip_names(page, button: str, tmp_path) -> list[str]:
    """Click a download button and return the sorted file names inside the ZIP it gives."""
    import zipfile

    with page.expect_download() as download_info:
        page.get_by_role("button", name=button).click()
    saved = tmp_path / "download.zip"
    download_info.value.save_as(saved)
    return sorted(zipfile.ZipFile(saved).namelist())


def test_palette_layers_and_variants_in_the_browser(page, server, tmp_path):
    canvas = open_canvas(page, server, tmp_path, 8, (180, 140), name="hero.png")
    swatch = page.get_by_role("button", name=re.compile(r"^#[0-9a-f]{6}$")).nth(1)
    colour = swatch.inner_text().strip()
    swatch.click()
    page.wait_for_function("c => [...document.querySelectorAll('input')].some(i => i.value === c)", arg=colour)
    for y in (0.3, 0.7):
        draw_stroke(page, canvas, (0.2, y), (0.8, y))
        page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
        page.wait_for_timeout(500)
        page.get_by_role("button", name="Colorize").click()
        page.get_by_role("button", name="Download layers (ZIP)").wait_for()
    page.get_by_text("Compare variants").wait_for()
    assert downloaded_zip_names(page, "Download layers (ZIP)", tmp_path) == [
        "hero_composite.png", "hero_flat.png", "hero_lines.png", "hero_scribbles.png"]


def click_canvas(page, canvas, at) -> None:
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + at[0] * box["width"], box["y"] + at[1] * box["height"])


def wait_brush_colour(page, colour: str) -> None:
    page.wait_for_function("c => [...document.querySelectorAll('input')].some(i => i.value === c)", arg=colour,
                           timeout=60_000)  # a click's rerun, then the brush's; once over 30 s on a busy machine


def test_the_colour_picker_takes_the_originals_or_a_scribbles_colour(page, server, tmp_path):
    from PIL import Image

    halves = np.zeros((120, 200, 3), np.uint8)
    halves[:, :100], halves[:, 100:] = (220, 40, 40), (40, 60, 220)
    Image.fromarray(halves).save(tmp_path / "halves.png")
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "halves.png"))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    draw_stroke(page, canvas, (0.1, 0.5), (0.3, 0.5))
    wait_painted_above(page, 0)
    painted = painted_pixels(page)
    for at, colour in (((0.75, 0.3), "#283cdc"), ((0.2, 0.5), "#e04a3f")):  # the original's blue, then the stroke
        page.get_by_role("radio", name="Pick colour").click()
        page.get_by_text("Pick from").wait_for()
        click_canvas(page, canvas, at)
        wait_brush_colour(page, colour)
        page.get_by_text("Pick from").wait_for(state="detached")  # back to the brush
    page.wait_for_timeout(1000)
    assert painted_pixels(page) == painted  # the clicks left no paint


def test_batch_page_in_the_browser(page, server, tmp_path):
    frames = []
    for index in range(2):
        frames.append(tmp_path / f"shot{index}.png")
        anime_frame(np.random.default_rng(index), 120, 90).save(frames[-1])
    from PIL import Image

    cut = [anime_frame(np.random.default_rng(7), 120, 90).rotate(angle) for angle in (0, 4, 8)]
    cut[0].save(tmp_path / "cut.gif", save_all=True, append_images=cut[1:], duration=120, loop=0)
    page.goto(f"{server}/batch")
    page.get_by_test_id("stFileUploader").filter(has_text="Frames, sketches or an animation").locator(
        "input[type=file]").set_input_files([str(f) for f in frames] + [str(tmp_path / "cut.gif")])
    page.get_by_text("cut.gif").first.wait_for()
    page.get_by_role("button", name="Colorize all").click()
    page.get_by_text("5 coloured, 0 failed.").wait_for()
    assert downloaded_zip_names(page, "Download all (ZIP)", tmp_path) == [
        "cut_000_colorized.png", "cut_001_colorized.png", "cut_002_colorized.png", "shot0_colorized.png",
        "shot1_colorized.png"]
    gif = Image.open(download(page, "Download cut_colorized.gif", tmp_path / "cut_colorized.gif"))
    assert gif.n_frames == 3 and gif.size == (120, 90)


def test_first_visit_after_start_deep_links_into_the_apps_navigation(tiny_checkpoint):
    """The first run after the server starts is special (see test_app's pages-layout test)."""
    with running_app(checkpoint=tiny_checkpoint) as fresh, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{fresh}/model")
        page.get_by_text("Parameters").first.wait_for(timeout=60_000)
        page.wait_for_timeout(1000)  # a "Page not found" dialog would come with the first run
        links = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        not_found = page.get_by_text("Page not found").count()
        browser.close()
    titles = [text.split()[-1] for text in links]
    assert titles == ["Home", "Sketch", "Colorize", "Batch", "Model"] and not_found == 0


def test_region_fill_paints_the_stroked_region_in_the_brush_colour(page, server, tmp_path):
    from PIL import Image

    from tests.synthetic import three_region_frame

    picture = tmp_path / "bands.png"
    three_region_frame(300, 240).save(picture)
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(picture))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    flatness = page.locator("[data-testid=stSlider]").filter(has_text="Flatness").get_by_role("slider")
    flatness.focus()
    page.keyboard.press("End")
    sync_api.expect(flatness).to_have_attribute("aria-valuetext", "1.00")
    page.wait_for_timeout(1000)  # the rerun that stores the new value
    draw_stroke(page, canvas, (0.2, 0.43), (0.5, 0.57))  # inside the middle band only
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_text("Result", exact=True).wait_for()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download result (PNG)").click()
    download_info.value.save_as(tmp_path / "result.png")
    result = np.asarray(Image.open(tmp_path / "result.png").convert("RGB")).astype(int)
    brush = np.array([0xE0, 0x4A, 0x3F])
    far_in_band = result[100:140, 220:280].reshape(-1, 3)  # the stroke ends at x = 150
    assert np.abs(far_in_band - brush).max() <= 6
    assert np.abs(result[20:60, 220:280].reshape(-1, 3) - brush).max(axis=1).min() > 6  # top band is not


ZOOM_FACTORS = {"150 %": 1.5, "200 %": 2.0, "300 %": 3.0}  # the Zoom slider's steps right of Fit, in order


def zoom_to(page, canvas, label: str, fitted: dict) -> dict:
    """Step the Zoom slider from Fit to ``label`` (a key of ZOOM_FACTORS) and wait until the canvas has grown to that
    factor of its ``fitted`` box (it is remounted at each step, so an earlier step's size shows first); returns its box."""
    zoom = page.locator("[data-testid=stSlider]").filter(has_text="Zoom").get_by_role("slider")
    zoom.focus()
    for _ in range(list(ZOOM_FACTORS).index(label) + 1):
        page.keyboard.press("ArrowRight")
    sync_api.expect(zoom).to_have_attribute("aria-valuetext", label)
    for _ in range(100):  # the canvas sits in a shadow root, out of wait_for_function's reach
        box = canvas.bounding_box()  # None while the zoomed canvas is being mounted
        if box is not None and box["width"] > (ZOOM_FACTORS[label] - 0.25) * fitted["width"]:
            break
        page.wait_for_timeout(200)
    settle(page)
    return canvas.bounding_box()


def test_a_zoomed_canvas_frame_stays_level_with_the_result(page, server, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    canvas = open_canvas(page, server, tmp_path, 3, (200, 160))
    page.get_by_role("button", name="Colorize").click()
    page.get_by_role("button", name="Download layers (.ora)").wait_for()
    settle(page)
    result = page.locator('[data-testid="stImage"]').filter(has_text=re.compile(r"Result \(\d+ ms\)")).locator("img")
    fitted = canvas.bounding_box()
    assert abs(fitted["y"] - result.bounding_box()["y"]) <= 2
    zoom_to(page, canvas, "200 %", fitted)
    frame = page.locator(".st-key-canvas-frame").bounding_box()
    assert abs(frame["y"] - result.bounding_box()["y"]) <= 2  # the frame the canvas scrolls in starts level with it


def test_a_zoomed_canvas_scrolls_and_its_strokes_land_where_painted(page, server, tmp_path):
    from PIL import Image

    from tests.synthetic import three_region_frame

    three_region_frame(300, 240).save(tmp_path / "bands.png")
    page.goto(f"{server}/sketch")
    page.locator("input[type=file]").set_input_files(str(tmp_path / "bands.png"))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    settle(page)
    fitted = canvas.bounding_box()
    box = zoom_to(page, canvas, "200 %", fitted)
    assert abs(box["width"] - 2 * fitted["width"]) <= 4
    frame = page.locator(".st-key-canvas-frame")
    assert frame.bounding_box()["width"] < box["width"]  # the canvas is wider than its frame...
    frame.evaluate("(e, y) => e.scrollTo(e.scrollWidth, y)", box["height"] / 2 - 100)  # ...which scrolls
    box = canvas.bounding_box()
    drag(page, [at_picture(box, (300, 240), x, 120) for x in (230, 250, 270)])  # right end of the middle band
    page.get_by_text(re.compile(r"Scribbles: [\d,]+ painted pixels")).wait_for()
    page.get_by_role("button", name="Colorize").click()
    page.get_by_text(re.compile(r"Result \(\d+ ms\)")).wait_for()
    result = np.asarray(Image.open(download(page, "Download result (PNG)", tmp_path / "result.png")).convert("RGB"))
    brush = np.array([0xE0, 0x4A, 0x3F])
    assert np.abs(result[110:130, 230:270].astype(int) - brush).max(axis=-1).mean() < 40  # where it was painted
    assert np.abs(result[20:60, 230:270].astype(int) - brush).max(axis=-1).min() > 6  # the top band is not


VIEWPORTS = [(1024, 768), (1400, 1000)]


def drag(page, points) -> None:
    """Press at the first page point, move through the others, release."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point, steps=6)
    page.mouse.up()


def at_picture(box: dict, size: tuple[int, int], x: float, y: float) -> tuple[float, float]:
    """Page coordinates of picture pixel (x, y) on a canvas laid over the whole picture."""
    return box["x"] + (x + 0.5) * box["width"] / size[0], box["y"] + (y + 0.5) * box["height"] / size[1]


def download(page, button: str, path) -> "Path":
    with page.expect_download() as download_info:
        page.get_by_role("button", name=button).click()
    download_info.value.save_as(path)
    return path


def settle(page) -> None:
    """Wait until the app has finished its run (its status widget is gone) and the page has drawn it."""
    page.wait_for_timeout(500)
    page.locator("[data-testid=stStatusWidget]").wait_for(state="hidden")
    page.wait_for_timeout(700)


def scribble_count(page) -> int:
    text = page.get_by_text(re.compile(r"(Scribbles: [\d,]+ painted pixels|No scribbles yet)")).inner_text()
    found = re.search(r"([\d,]+) painted", text)
    return int(found.group(1).replace(",", "")) if found else 0


def wait_count(page, test, timeout: float = 20_000) -> int:
    """Wait until the painted-pixel count satisfies ``test``; returns it."""
    deadline = time.time() + timeout / 1000
    while time.time() < deadline:
        count = scribble_count(page)
        if test(count):
            return count
        page.wait_for_timeout(200)
    raise AssertionError(f"painted pixels stayed at {scribble_count(page)}")


def canvas_box(canvas) -> dict:
    """The canvas's box on screen, scrolled into view first (a click on a button further down scrolls)."""
    canvas.scroll_into_view_if_needed()
    return canvas.bounding_box()


def paint_until(page, points, test) -> int:
    """Drag through ``points`` until the painted-pixel count passes ``test`` (one more try: a drag that
    starts while the page is still redrawing after a colour change can miss the canvas)."""
    for last_try in (False, True):
        drag(page, points)
        try:
            return wait_count(page, test, timeout=8_000)
        except AssertionError:
            if last_try:
                raise
    raise AssertionError("unreachable")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=[f"{w}x{h}" for w, h in VIEWPORTS])
def test_a_full_walk_as_an_artist(server, tmp_path, viewport):
    """Home -> Sketch (line art) -> Colorize at 1024x768 and 1400x1000: the whole picture is paintable
    (a stroke 5 px from the right and bottom edges lands there in the saved scribbles), the result appears
    in view beside the canvas, a stroke leaves no streak, eraser / undo / redo / clear work, every page
    opens, and nothing is fetched from outside or fails."""
    from PIL import Image

    from tests.synthetic import line_art
    from training.metrics import lab, streak, stroke_regions

    size = (512, 512)
    line_art(size[0]).save(tmp_path / "drawing.png")
    failed, errors = [], []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        page.set_default_timeout(30_000)
        page.on("requestfailed", lambda request: failed.append(f"{request.url} {request.failure}"))
        page.on("response", lambda response: failed.append(f"{response.url} {response.status}")
                if response.status >= 400 else None)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(server)
        page.get_by_text("How to").wait_for()
        page.get_by_role("link", name="Sketch").first.click()
        page.locator("input[type=file]").set_input_files(str(tmp_path / "drawing.png"))
        page.get_by_text("Sketch (live preview)").wait_for()
        suggestion = page.get_by_test_id("stAlertContentInfo").filter(has_text="This looks like line art")
        suggestion.wait_for()  # the page sees line art being edge-sketched
        page.get_by_test_id("stCheckbox").filter(has_text="This upload is already line art").click()
        suggestion.wait_for(state="detached")
        page.get_by_text("Picture: drawing").first.wait_for()
        download(page, "Download sketch (PNG)", tmp_path / "sketch.png")
        go_to_colorize(page)
        canvas = page.locator("canvas.upper-canvas")
        canvas.wait_for()
        page.wait_for_timeout(1500)  # the column is measured and the canvas takes its width
        box = canvas.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport[0] and box["width"] >= 250
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport[0]  # nothing hidden sideways

        drag(page, [at_picture(box, size, 495, 507), at_picture(box, size, 507, 507), at_picture(box, size, 507, 495)])
        wait_count(page, lambda n: n > 0)
        saved = np.asarray(Image.open(download(page, "Download scribbles (PNG)", tmp_path / "s.png")))
        assert saved.shape[:2] == (512, 512) and saved[505:510, 505:510, 3].max() > 0  # at picture (507, 507)

        for colour, stroke in (("#5cb85c", [(60, 420), (200, 430), (340, 420)]),  # the field below the hill
                               ("#f2c14e", [(440, 80), (490, 95)]),  # the sun at the right edge
                               ("#4a90d9", [(40, 40), (240, 60)])):  # the sky
            hex_field = page.get_by_label("Hex", exact=True)
            hex_field.fill(colour)
            hex_field.press("Enter")
            settle(page)
            before, box = scribble_count(page), canvas_box(canvas)
            painted = paint_until(page, [at_picture(box, size, x, y) for x, y in stroke], lambda n: n > before + 40)
        page.get_by_role("link", name="Colorize").first.click()  # from the top of the page, as an artist arrives
        page.get_by_role("button", name="Colorize").click()
        result = page.get_by_text(re.compile(r"Result \(\d+ ms\)"))
        result.wait_for()
        image = page.locator("[data-testid=stImage] img").first.bounding_box()
        box = canvas.bounding_box()
        assert image["y"] >= 0 and image["y"] + image["height"] <= viewport[1]  # in view without scrolling
        assert image["x"] + image["width"] <= viewport[0]
        assert image["y"] < box["y"] + box["height"]  # beside the canvas, not below the fold
        if os.environ.get("STUDIO_SCREENSHOT") and viewport == (1400, 1000):
            page.mouse.move(viewport[0] - 5, viewport[1] - 5)  # no tooltip over the page
            page.wait_for_timeout(500)
            page.screenshot(path=os.environ["STUDIO_SCREENSHOT"])

        output = np.asarray(Image.open(download(page, "Download result (PNG)", tmp_path / "r.png")).convert("RGB"))
        strokes = np.asarray(Image.open(download(page, "Download scribbles (PNG)", tmp_path / "s2.png")))[..., 3] > 0
        sketch = np.asarray(Image.open(tmp_path / "sketch.png").convert("L"))
        labels, hinted = stroke_regions(sketch, strokes)
        assert streak(lab(output), labels, hinted, strokes) <= 3.0  # the stroke set its region's colour

        page.get_by_role("radio", name="Eraser").click()
        settle(page)  # the canvas has its eraser brush
        box = canvas_box(canvas)
        drag(page, [at_picture(box, size, 20, 50), at_picture(box, size, 260, 50)])  # rub out the sky stroke
        erased = wait_count(page, lambda n: n < painted - 30)
        page.get_by_role("radio", name="Brush").click()
        settle(page)
        page.keyboard.press("Control+z")
        wait_count(page, lambda n: n > erased + 30)
        page.get_by_role("button", name="Clear all strokes").click()
        page.get_by_text("No scribbles yet").wait_for()
        page.get_by_role("button", name=re.compile("undo")).click()
        wait_count(page, lambda n: n > erased)

        for name, marker in (("Batch", "Colorize all"), ("Model", "Parameters"), ("Home", "How to")):
            page.get_by_role("link", name=name).first.click()
            page.get_by_text(marker).first.wait_for()
            page.get_by_text("Picture: drawing").first.wait_for()  # the current picture is named on every page
        page.wait_for_timeout(500)
        browser.close()
    assert failed == [] and errors == []


def test_the_latency_script_times_first_paint_and_live_preview(tiny_checkpoint):
    from tests import latency

    figures = latency.main(["--strokes", "2", "--paints", "1", "--checkpoint", str(tiny_checkpoint)])
    assert 0 < figures["first_paint_s"] < 60 and 0 < figures["preview_s"] < 60 and figures["server_rss_mb"] > 50
