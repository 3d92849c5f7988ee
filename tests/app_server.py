"""Start the real app on a free loopback port for browser tests and the load script."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a Playwright-downloaded browser
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(url: str | None = None, checkpoint: Path | None = None, timeout: float = 60.0):
    """Yield the base URL of a running app; starts (and stops) one unless ``url`` is given."""
    if url:
        yield url.rstrip("/")
        return
    port = free_port()
    env = dict(os.environ)
    if checkpoint is not None:
        env["COLORIZER_CHECKPOINT"] = str(checkpoint)
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.address",
               "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
               "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, timeout)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def wait_healthy(base: str, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"Streamlit did not answer on {base} within {timeout:.0f} s")


NEXT_LINK = "Next: paint colour scribbles"  # the Sketch page's link to Colorize


def go_to_colorize(page) -> None:
    """Follow the Sketch page's link to Colorize (sync Playwright ``page``) with one click, and wait until the
    browser is there, so a lost click fails at the click, not at a later wait. Until 2026-12-08 one click in about ten was lost after an
    upload, to the rerun that the hidden canvas of *Mark the sheet's corners yourself* caused."""
    page.get_by_role("link", name=NEXT_LINK).click()
    page.wait_for_url("**/colorize", timeout=20_000)
