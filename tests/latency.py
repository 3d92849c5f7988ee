"""What an artist waits for, measured in a real browser (Debian Chromium) against the real app.

    python -m tests.latency                 # shipped models, 512 px picture, 8 strokes
    python -m tests.latency --strokes 12 --checkpoint runs/x/final.pt

Starts the app on 127.0.0.1 and prints (medians):
- Home's first paint: from navigation to the page's text on screen, in a fresh tab (the models
  load in the background); the first visit after the server starts is printed on its own.
- Live preview: from releasing a stroke on the canvas to the preview image changing, with
  *Live preview* on, for a 512 x 512 picture.
- The app's resident memory (RSS of the Streamlit server, both models loaded) at the end.
The timings include the machine's load: run it on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, go_to_colorize, running_app
from tests.synthetic import line_art

PREVIEW_SRC = "() => document.querySelector('[data-testid=stImage] img')?.src ?? ''"


def server_rss_mb(url: str) -> float:
    """Resident memory (MB) of the Streamlit process serving ``url`` (Linux /proc; nan if not found)."""
    port = url.rsplit(":", 1)[-1]
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            command = (status.parent / "cmdline").read_bytes().split(b"\0")
            if b"streamlit" in b" ".join(command) and port.encode() in command:
                return next(int(line.split()[1]) for line in status.read_text().splitlines()
                            if line.startswith("VmRSS")) / 1024
        except (OSError, StopIteration):
            continue
    return float("nan")


def first_paint(browser, url: str) -> float:
    """Seconds from navigating a fresh tab to Home's text being visible."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    started = time.perf_counter()
    page.goto(url)
    page.get_by_text("How to").wait_for(timeout=60_000)
    elapsed = time.perf_counter() - started
    page.close()
    return elapsed


def preview_latencies(browser, url: str, picture: Path, strokes: int) -> list[float]:
    """Seconds from each stroke's release to the live preview showing a new picture."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(url)
    page.get_by_role("link", name="Sketch").first.click()
    page.locator("input[type=file]").set_input_files(str(picture))
    go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    canvas.wait_for()
    page.locator("label").filter(has_text="Live preview").click()
    page.wait_for_timeout(2000)
    box = canvas.bounding_box()
    latencies = []
    for index in range(strokes):
        y = box["y"] + box["height"] * (0.1 + 0.8 * index / max(1, strokes - 1))
        before = page.evaluate(PREVIEW_SRC)
        page.mouse.move(box["x"] + box["width"] * 0.2, y)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
        page.mouse.up()
        released = time.perf_counter()
        page.wait_for_function(f"before => ({PREVIEW_SRC})() !== before", arg=before)
        latencies.append(time.perf_counter() - released)
        page.wait_for_timeout(600)
    page.close()
    return latencies


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strokes", type=int, default=8)
    parser.add_argument("--paints", type=int, default=5, help="fresh tabs timed for Home's first paint")
    parser.add_argument("--checkpoint", default=None, help="serve this model for both kinds (default: shipped)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, running_app(checkpoint=args.checkpoint) as url, \
            sync_playwright() as playwright:
        picture = Path(folder) / "drawing.png"
        line_art(512).save(picture)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        cold = first_paint(browser, url)
        paints = [first_paint(browser, url) for _ in range(args.paints)]
        previews = preview_latencies(browser, url, picture, args.strokes)
        browser.close()
        rss = server_rss_mb(url)
    figures = {"first_paint_after_start_s": cold, "first_paint_s": statistics.median(paints),
               "preview_s": statistics.median(previews), "preview_max_s": max(previews), "server_rss_mb": rss}
    print(f"Home first paint: {cold:.2f} s on the first visit after the server starts, then median "
          f"{figures['first_paint_s']:.2f} s over {len(paints)} fresh tabs")
    print(f"stroke released -> live preview updated (512 px picture): median {figures['preview_s'] * 1000:.0f} ms, "
          f"max {figures['preview_max_s'] * 1000:.0f} ms over {len(previews)} strokes")
    print(f"the app's resident memory after the walk: {rss:.0f} MB")
    return figures


if __name__ == "__main__":
    main()
