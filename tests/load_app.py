"""Load check: several real browser sessions use the running app at once.

    python -m tests.load_app --sessions 4 --rounds 2

Starts the app on 127.0.0.1 (or uses --url, which must be a loopback address), then each
session uploads a generated picture, draws a stroke and colourizes it ``rounds`` times.
Prints errors and the click-to-result latency. Bounded: at most 8 sessions, 5 rounds, and
--budget seconds in all.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from tests.app_server import CHROMIUM, CHROMIUM_ARGS, running_app
from tests.synthetic import anime_frame



async def go_to_colorize(page, tries: int = 3) -> None:
    """Follow the Sketch page's link to Colorize. On a busy server a click that lands while the page is still
    drawing itself can be lost (the browser stays on the Sketch page); a person clicks again, and so does this."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    for attempt in range(tries):
        await page.get_by_role("link", name="Next: paint colour scribbles").click()
        try:
            await page.wait_for_url("**/colorize", timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


async def one_session(browser, url: str, picture: Path, rounds: int) -> list[float]:
    """Upload, draw and colourize ``rounds`` times; returns click-to-result latencies in seconds."""
    page = await (await browser.new_context(viewport={"width": 1400, "height": 1000})).new_page()
    page.set_default_timeout(60_000)
    await page.goto(f"{url}/sketch")
    await page.locator("input[type=file]").set_input_files(str(picture))
    await page.get_by_text("Sketch (live preview)").wait_for()  # the upload is in the session, as an artist sees it
    await go_to_colorize(page)
    canvas = page.locator("canvas.upper-canvas")
    await canvas.wait_for()
    latencies = []
    for round_index in range(rounds):
        box = await canvas.bounding_box()
        y = box["y"] + box["height"] * (0.2 + 0.15 * round_index)
        await page.mouse.move(box["x"] + 20, y)
        await page.mouse.down()
        await page.mouse.move(box["x"] + box["width"] - 20, y, steps=10)
        await page.mouse.up()
        await page.wait_for_timeout(800)
        started = time.perf_counter()
        await page.get_by_role("button", name="Colorize").click()
        await page.get_by_role("button", name="Download result (PNG)").wait_for()
        latencies.append(time.perf_counter() - started)
    return latencies


async def run_load(url: str, sessions: int, rounds: int, folder: Path) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    pictures = []
    for index in range(sessions):
        pictures.append(folder / f"load_{index}.png")
        anime_frame(np.random.default_rng(index), 320, 240).save(pictures[-1])
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        results = await asyncio.gather(*(one_session(browser, url, p, rounds) for p in pictures),
                                       return_exceptions=True)
        await browser.close()
    latencies = [t for r in results if isinstance(r, list) for t in r]
    errors = [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    return latencies, errors


def report(latencies: list[float], errors: list[str], sessions: int, rounds: int) -> str:
    lines = [f"sessions={sessions} rounds={rounds} results={len(latencies)} errors={len(errors)}"]
    if latencies:
        lines.append(f"click-to-result latency: median {statistics.median(latencies):.2f} s, "
                     f"max {max(latencies):.2f} s")
    lines += [f"  error: {e}" for e in errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> tuple[list[float], list[str]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=None, help="a running app on loopback (default: start one)")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds for the whole load")
    args = parser.parse_args(argv)
    sessions, rounds = min(max(args.sessions, 1), 8), min(max(args.rounds, 1), 5)
    with tempfile.TemporaryDirectory() as folder, running_app(args.url) as url:
        if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("The load script only targets loopback addresses.")
        latencies, errors = asyncio.run(asyncio.wait_for(run_load(url, sessions, rounds, Path(folder)), args.budget))
    print(report(latencies, errors, sessions, rounds))
    return latencies, errors


if __name__ == "__main__":
    main()
