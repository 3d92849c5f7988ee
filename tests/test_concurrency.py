"""One shared Colorizer serves many sessions at once: results must not mix."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from PIL import Image

from colorizer import Colorizer, UNet, UNetConfig, save_checkpoint, sobel_sketch
from tests.synthetic import anime_frame


def job(index: int) -> tuple[Image.Image, Image.Image]:
    rng = np.random.default_rng(index)
    size = (64 + 8 * index, 48 + 4 * index)  # different sizes too
    sketch = sobel_sketch(anime_frame(rng, *size))
    hints = np.zeros((size[1], size[0], 4), np.uint8)
    hints[10:14, 5:40] = (*rng.integers(0, 256, 3), 255)
    return sketch, Image.fromarray(hints, "RGBA")


def test_eight_threads_match_a_serial_run(tmp_path):
    torch.manual_seed(1)
    path = save_checkpoint(tmp_path / "m.pt", UNet(UNetConfig(base_channels=8, depth=3)).eval())
    shared = Colorizer.load(path)
    jobs = [job(i) for i in range(8)]
    serial = [shared.colorize(*j).tobytes() for j in jobs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(3):
            parallel = list(pool.map(lambda j: shared.colorize(*j).tobytes(), jobs))
            assert parallel == serial
    assert len(set(serial)) == 8  # the inputs really differ
