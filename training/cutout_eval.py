"""Transparent paper: how well the studio's cut-out (colorizer.cutout) parts a character from its paper.

    python -m training.cutout_eval --out runs/cutout                 # every set, both paths
    python -m training.cutout_eval --sets stickers --limit 12 --out runs/quick

Each validation picture (training.valsets) gets ten region strokes of the project's simulator and the app's
default output (region fill, White paper where the app turns it on, crisp lines for line art), on both paths,
cut out as the Colorize page's *Transparent paper* does. On stickers on white, the sticker's own alpha says where
the character is:
- paper cleared: the share of the paper farther than FRINGE px from the sticker that comes out fully transparent;
- character lost: the share of the sticker's coloured inside (CORE px or more inside its edge, and not white) that
  comes out fully transparent. A sticker's white die-cut margin, which no sketch tells from the paper, is left out.
Faces and illustrations are whole pictures without paper: the share made transparent there is a false cut-out,
unless a picture has a white background.
Writes per_image.csv, summary.md and contact sheets (strokes, output, cut-out on a checkerboard, truth).
"""
from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from colorizer import RegionFill
from colorizer.cutout import on_checkerboard, transparent_paper
from colorizer.layers import scribbles_over
from colorizer.pipeline import white_paper_default

from .evaluate import PATHS, path_sketch
from .motion_eval import save_pictures, simulated_strokes
from .results import CONTACT_PICTURES
from .valsets import WORKER_MODELS, Picture, run_path_benchmark

FRINGE = 4  # px at 512: paper this close to a sticker's edge is left out of "paper cleared" (soft edges)
CORE = 16  # px at 512: a sticker's inside this far from its edge counts for "character lost" (past its margin)
WHITE = 235  # truth pixels this light in every channel are white: left out of "character lost"
SHEET_COLUMNS = ["strokes", "output", "cut out", "truth"]


def sticker_scores(picture: Picture, clear: np.ndarray) -> dict:
    """{"paper_cleared", "character_lost"} (shares, 0-1) of a sticker's cut-out; ``clear``: bool (H, W), fully
    transparent pixels."""
    mask = picture.mask.astype(np.uint8)
    paper = ~cv2.dilate(mask, np.ones((2 * FRINGE + 1,) * 2, np.uint8)).astype(bool)
    inside = cv2.erode(mask, np.ones((2 * CORE + 1,) * 2, np.uint8)).astype(bool) & (picture.rgb.min(axis=2) < WHITE)
    return {"paper_cleared": float(clear[paper].mean()),
            "character_lost": float(clear[inside].mean()) if inside.any() else float("nan")}


def score_picture(task: tuple) -> list[dict]:
    """Rows (set, path, image, transparent, and for stickers paper_cleared and character_lost) of one picture;
    the first CONTACT_PICTURES of each set also save their pictures under ``out``/outputs for the contact sheets."""
    picture, index, set_name, out = task
    rows = []
    hints = simulated_strokes(picture.rgb, index)
    for path, kind in PATHS.items():
        sketch = Image.fromarray(path_sketch(kind, picture.rgb), "L")
        output = WORKER_MODELS[path].colorize(sketch, hints, kind.lines_on_top, RegionFill(),
                                              white_paper_default(sketch, kind))
        cut = transparent_paper({"result": output}, sketch, RegionFill())["result"]
        clear = np.asarray(cut)[..., 3] == 0
        row = {"set": set_name, "path": path, "image": picture.name, "transparent": float(clear.mean())}
        rows.append(row | (sticker_scores(picture, clear) if picture.mask is not None else {}))
        if index < CONTACT_PICTURES:
            save_pictures(out / "outputs" / set_name / path, picture.name,
                          {"strokes": scribbles_over(sketch, hints), "output": output, "cut out": on_checkerboard(cut),
                           "truth": Image.fromarray(picture.rgb)})
    return rows


def summary(rows: list[dict], command: str) -> str:
    """Markdown: per set and path, the median and mean of each share, and how many pictures pass its bar."""
    lines = [f"`{command}`", "", "| set | path | pictures | paper cleared: median / mean / >= 95 % | character lost: "
             "median / mean / > 5 % | made transparent: median / mean / > 5 % |", "|---|---|---:|---|---|---|"]
    for key in sorted({(r["set"], r["path"]) for r in rows}):
        mine = [r for r in rows if (r["set"], r["path"]) == key]
        cells = [_cell(mine, "paper_cleared", lambda v: v >= 0.95), _cell(mine, "character_lost", lambda v: v > 0.05),
                 _cell(mine, "transparent", lambda v: v > 0.05)]
        lines.append(f"| {' | '.join(key)} | {len(mine)} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def _cell(rows: list[dict], name: str, passes) -> str:
    values = np.array([r[name] for r in rows if name in r and not np.isnan(r[name])])
    if values.size == 0:
        return "-"
    return f"{np.median(values):.1%} / {values.mean():.1%} / {int(sum(passes(v) for v in values))}"


def main(argv: list[str] | None = None) -> None:
    run_path_benchmark(argv, "training.cutout_eval", __doc__, score_picture, summary, SHEET_COLUMNS)


if __name__ == "__main__":
    main()
