"""Line art on real paper: phone photos under uneven light, and pencil scans with smudges, through the
app's line-art path.

    python -m training.paper_eval --out runs/paper                   # every set
    python -m training.paper_eval --sets stickers --limit 12 --out runs/quick

Each validation picture's XDoG line art (the line-art path's benchmark input) is
- "photographed" by :func:`photograph`: a seeded light falling off across the page by PHOTO_FALLOFF,
  a vignette, a warm tint and sensor noise, and sketched with the paper's lighting evened out (the
  app's default, colorizer.sketch.paper_lighting) and without ("photo, not evened");
- "smudged" by :func:`smudge`: soft pencil smudges, faint construction lines and grain, and sketched
  as it is and with *Erase faint marks* at PENCIL_ERASE ("smudged, erased"); the clean line art is
  sketched at PENCIL_ERASE too ("scan, erased": what erasing costs where there is nothing to erase);
- "on a table" by :func:`table_photo`: that photo of the sheet laid on a table and seen at an angle by a
  pinhole camera, coloured as taken (the strokes painted where the sheet lies) and straightened
  (colorizer.page, as the Sketch page offers it), both cut out along the corners as found
  (:func:`table_outputs`).
Ten region strokes of the project's simulator are painted, and the app's default output (region fill,
crisp lines on top) is scored.
Metrics: PSNR against the picture, and "paper": the share of the scan sketch's paper (pixels the
region fill does not take for lines) that is paper in the sketch too.
Writes per_image.csv, summary.md (means, and paired 95 % intervals of each fix against the sketch
without it) and contact sheets contact_<set>_line_art.png.
"""
from __future__ import annotations

import argparse
import sys

import cv2
import numpy as np
from PIL import Image

from colorizer import RegionFill, SketchKind, line_art_sketch
from colorizer.page import find_page, inset, straighten_page
from colorizer.shipped import default_checkpoint

from .compare import paired_interval
from .extractors import xdog_sketch
from .metrics import psnr
from .motion_eval import save_pictures, simulated_strokes
from .results import CONTACT_PICTURES, write_side_run
from .valsets import WORKER_MODELS, add_set_options, load_worker_models, score_sets

METHODS = ("scan", "photo", "photo, not evened", "smudged", "smudged, erased", "scan, erased",
           "on a table, as taken", "on a table, straightened")
GAINS = {"evened": ("photo", "photo, not evened"), "erased": ("smudged, erased", "smudged"),
         "straightened": ("on a table, straightened", "on a table, as taken")}  # (with, without)
PHOTO_FALLOFF = (0.25, 0.55)  # how much darker the far side of the page is than the lit side (a share)
PENCIL_ERASE = 0.2  # *Erase faint marks* for the smudged scans, as its help suggests for a pencil scan
TABLES = [(95, 70, 55), (60, 62, 68), (150, 115, 80), (45, 70, 95), (175, 170, 160)]  # dark wood, grey desk,
# light wood, a blue cutting mat, a pale grey desk (about as bright as the photo's shaded paper)
SHEET_COLUMNS = ["the photo", "photo, not evened", "photo", "smudged sketch", "smudged", "smudged, erased", "scan",
                 "on a table", "on a table, as taken", "on a table, straightened"]


def photograph(lines: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Line art as a phone photo: uint8 (H, W) dark lines on white in, uint8 (H, W, 3) RGB out, lit from a
    random side (falling off by PHOTO_FALLOFF across the page), with a vignette, a warm tint and noise."""
    height, width = lines.shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32) / max(height, width)
    angle = rng.uniform(0, 2 * np.pi)
    slope = (np.cos(angle) * (x - x.mean()) + np.sin(angle) * (y - y.mean()))
    light = 1 - rng.uniform(*PHOTO_FALLOFF) * (slope - slope.min()) / max(np.ptp(slope), 1e-6)
    light *= 1 - 0.3 * ((x - x.mean()) ** 2 + (y - y.mean()) ** 2)
    tint = np.array([1.0, 0.96, 0.88], np.float32) * rng.uniform(0.85, 0.95)
    photo = (lines[..., None] * 0.85 + 20) * light[..., None] * tint + rng.normal(0, 3, (height, width, 3))
    return np.clip(np.round(photo), 0, 255).astype(np.uint8)


def camera_corners(aspect: float, tilt: tuple[float, float, float], photo: tuple[int, int],
                   focal: float, distance: float = 2.2) -> np.ndarray:
    """float32 (4, 2) pixel corners (top-left first, clockwise) of a sheet of ``aspect`` (width / height, height
    1) turned by ``tilt`` (radians about the x, y and z axes) at ``distance`` heights in front of a pinhole
    camera of ``focal`` pixels looking at the centre of a ``photo`` of (width, height) pixels."""
    sheet = np.array([[-aspect / 2, -0.5, 0], [aspect / 2, -0.5, 0], [aspect / 2, 0.5, 0], [-aspect / 2, 0.5, 0]])
    turn = np.eye(3)
    for axis, angle in enumerate(tilt):
        plane = [a for a in range(3) if a != axis]
        step = np.eye(3)
        step[np.ix_(plane, plane)] = [[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]]
        turn = turn @ step
    points = sheet @ turn.T + np.array([0, 0, distance])
    return (focal * points[:, :2] / points[:, 2:] + np.array(photo) / 2).astype(np.float32)


def on_a_table(sheet: np.ndarray, corners: np.ndarray, photo: tuple[int, int], table: tuple[int, int, int],
               rng: np.random.Generator) -> np.ndarray:
    """uint8 (H, W, 3) photo of (width, height) ``photo``: ``sheet`` (uint8 (h, w, 3)) warped onto ``corners``
    (float32 (4, 2) pixels, top-left first, clockwise) over a ``table`` of that RGB colour with a wood-like grain
    and sensor noise."""
    height, width = sheet.shape[:2]
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    warp = cv2.getPerspectiveTransform(source, corners)
    grain = cv2.GaussianBlur(rng.normal(0, 12, (photo[1], 1)).astype(np.float32), (0, 0), 3)
    ground = np.clip(np.array(table, np.float32) + grain[..., None] + np.zeros((*photo[::-1], 3)), 0, 255)
    mask = cv2.warpPerspective(np.ones((height, width), np.float32), warp, photo)[..., None]
    pasted = cv2.warpPerspective(sheet.astype(np.float32), warp, photo)
    noisy = pasted * mask + ground * (1 - mask) + rng.normal(0, 2, (*photo[::-1], 3))
    return np.clip(np.round(noisy), 0, 255).astype(np.uint8)


def smudge(lines: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Line art as a pencil scan: uint8 (H, W) dark lines on white in and out, with soft smudges (up to 30 %
    of black), a dozen faint construction lines (8-20 %) and grain."""
    height, width = lines.shape
    blobs = cv2.GaussianBlur(rng.normal(size=(height, width)).astype(np.float32), (0, 0), 12 * max(height, width) / 512)
    blobs = np.clip((blobs / max(float(blobs.std()), 1e-6) - 1.0) * 0.12, 0.0, 0.3)
    construction = np.zeros((height, width), np.float32)
    for _ in range(12):
        ends = rng.integers(0, (width, height), (2, 2))
        cv2.line(construction, tuple(map(int, ends[0])), tuple(map(int, ends[1])), float(rng.uniform(0.08, 0.2)), 1)
    paper = (lines.astype(np.float32) / 255) * (1 - blobs) * (1 - construction)
    return np.clip(np.round((paper - rng.normal(0, 0.02, paper.shape)) * 255), 0, 255).astype(np.uint8)


def table_photo(photo: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The photo of the sheet (uint8 (h, w, 3)) as the whole sheet on one of TABLES, seen at a random angle by
    a camera 0.8-1.2 long sides of focal length, the sheet about 0.6 of the frame's height: the uint8 RGB photo
    (1.45 times the sheet's size) and the sheet's corners (float32 (4, 2) pixels, top-left first, clockwise)."""
    height, width = photo.shape[:2]
    frame = (round(1.45 * width), round(1.45 * height))
    focal = max(frame) * rng.uniform(0.8, 1.2)
    for _ in range(20):
        tilt = (rng.uniform(-0.45, 0.45), rng.uniform(-0.45, 0.45), rng.uniform(-0.3, 0.3))
        corners = camera_corners(width / height, tilt, frame, focal, distance=focal / (0.6 * frame[1]))
        if (corners >= 0.02 * np.array(frame)).all() and (corners <= 0.98 * np.array(frame)).all():
            break
    else:
        corners = camera_corners(width / height, (0.0, 0.0, 0.0), frame, focal, distance=focal / (0.6 * frame[1]))
    table = TABLES[int(rng.integers(len(TABLES)))]
    return on_a_table(photo, corners, frame, table, rng), corners


def table_outputs(photo: Image.Image, truth: Image.Image, hints: Image.Image, index: int,
                  fill: RegionFill) -> dict:
    """The app's output for the photo of the sheet on a table (:func:`table_photo`), at the photo's size, cut
    out along the sheet's corners as colorizer.page finds them (or, where it finds none, along its true corners
    moved in by colorizer.page.inset), so both outputs are scored through the same geometry: "as taken"
    (coloured whole, with ``hints`` painted where the sheet lies) and "straightened" (the sheet straightened
    first, as the Sketch page offers; where no sheet is found, as taken). Also "truth" (``truth`` so cropped), "on a table" (the
    photo), "found" and "corner error" (the found corners' largest distance from the true ones, as a share of
    the sheet's long side; nan where none was found)."""
    table, corners = table_photo(np.asarray(photo), np.random.default_rng([index, 13]))
    size, frame = photo.size, table.shape[1::-1]
    true_sheet = inset(corners / np.array(frame, np.float32))
    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], np.float32)
    onto_table = cv2.getPerspectiveTransform(unit * np.array(size, np.float32), corners)
    table_hints = cv2.warpPerspective(np.asarray(hints), onto_table, frame, flags=cv2.INTER_NEAREST)
    model, found = WORKER_MODELS["line art"], find_page(Image.fromarray(table))
    whole = model.colorize(line_art_sketch(Image.fromarray(table)), Image.fromarray(table_hints, "RGBA"),
                           SketchKind.LINE_ART.lines_on_top, fill)
    as_taken = straighten_page(whole, true_sheet if found is None else found, size)
    straightened = as_taken if found is None else model.colorize(
        line_art_sketch(straighten_page(Image.fromarray(table), found, size)), hints, SketchKind.LINE_ART.lines_on_top,
        fill)
    long_side = max(float(np.linalg.norm(corners[i] - corners[i - 1])) for i in range(4))
    error = np.nan if found is None else float(np.linalg.norm((found - true_sheet) * frame, axis=1).max() / long_side)
    return {"truth": straighten_page(truth, inset(unit), size), "on a table": Image.fromarray(table),
            "on a table, as taken": as_taken, "on a table, straightened": straightened, "found": found is not None,
            "corner error": error}


def sketches(lines: np.ndarray, index: int) -> tuple[dict[str, Image.Image], Image.Image]:
    """Each method's sketch ("L") of one picture's line art (uint8 (H, W)), and the photo (RGB)."""
    photo = Image.fromarray(photograph(lines, np.random.default_rng([index, 11])))
    smudged = Image.fromarray(smudge(lines, np.random.default_rng([index, 12])))
    scan = Image.fromarray(lines)
    return {"scan": line_art_sketch(scan), "photo": line_art_sketch(photo),
            "photo, not evened": line_art_sketch(photo, even_lighting=False), "smudged": line_art_sketch(smudged),
            "smudged, erased": line_art_sketch(smudged, erase_faint=PENCIL_ERASE),
            "scan, erased": line_art_sketch(scan, erase_faint=PENCIL_ERASE)}, photo


def score_picture(task: tuple) -> list[dict]:
    """Rows (set, method, image, psnr, paper; for "on a table, straightened" also found) of one picture; the
    first CONTACT_PICTURES of each set also save their pictures under ``out``/outputs for the contact sheets."""
    picture, index, set_name, out = task
    made, photo = sketches(xdog_sketch(picture.rgb), index)
    hints, fill = simulated_strokes(picture.rgb, index), RegionFill()
    paper = np.asarray(made["scan"]) >= fill.line_level
    rows, saved = [], {"the photo": photo, "truth": Image.fromarray(picture.rgb)}
    for method, sketch in made.items():
        output = WORKER_MODELS["line art"].colorize(sketch, hints, SketchKind.LINE_ART.lines_on_top, fill)
        kept = float((np.asarray(sketch)[paper] >= fill.line_level).mean())
        rows.append({"set": set_name, "method": method, "image": picture.name,
                     "psnr": psnr(np.asarray(output), picture.rgb), "paper": kept})
        saved[method], saved[f"{method} sketch"] = output, sketch
    table = table_outputs(photo, saved["truth"], hints, index, fill)
    for method in METHODS[-2:]:
        rows.append({"set": set_name, "method": method, "image": picture.name, "paper": float("nan"),
                     "psnr": psnr(np.asarray(table[method]), np.asarray(table["truth"])), "found": table["found"],
                     "corner_error": table["corner error"]})
        saved[method] = table[method]
    saved["on a table"] = table["on a table"]
    if index < CONTACT_PICTURES:
        save_pictures(out / "outputs" / set_name / "line art", picture.name, saved)
    return rows


def summary(rows: list[dict], command: str) -> str:
    """Markdown: mean PSNR and paper share per set and method; paired gains of evening and erasing."""
    gains = [f"{name}: {a} - {b}, dB [95 %]" for name, (a, b) in GAINS.items()]
    lines = [f"`{command}`", "", f"| set | {' | '.join(METHODS)} | {' | '.join(gains)} |",
             "|---|" + "---:|" * (len(METHODS) + len(GAINS))]
    for set_name in dict.fromkeys(r["set"] for r in rows):
        mine = {m: [r for r in rows if (r["set"], r["method"]) == (set_name, m)] for m in METHODS}
        cells = [f"{np.mean([r['psnr'] for r in mine[m]]):.2f}" + _paper_cell([r["paper"] for r in mine[m]])
                 for m in METHODS]
        for with_fix, without in GAINS.values():
            gain = np.array([a["psnr"] - b["psnr"] for a, b in zip(mine[with_fix], mine[without])])
            mean, low, high = paired_interval(gain, np.random.default_rng(0))
            cells.append(f"{mean:+.2f} [{low:+.2f}, {high:+.2f}]")
        lines.append(f"| {set_name} | {' | '.join(cells)} |")
    tables = {name: [r for r in rows if r["set"] == name and r["method"] == METHODS[-1]]
              for name in dict.fromkeys(r["set"] for r in rows)}
    found = {name: (np.mean([r["found"] for r in mine]), _median([r["corner_error"] for r in mine if r["found"]]))
             for name, mine in tables.items()}
    return "\n".join(lines + ["", "Cells: mean PSNR of the app's output (dB), and the share of the scan's paper "
                                  "that the sketch keeps as paper. On a table: both outputs cut out along the sheet's "
                                  "corners as found, against the picture less the sheet's edge that straightening "
                                  "crops; the sheet was found on " + ", ".join(
                                      f"{share:.0%} of {name} (median corner error {error:.1%} of its long side)"
                                      for name, (share, error) in found.items()) + "."]) + "\n"


def _median(values: list[float]) -> float:
    return float(np.median(values)) if values else float("nan")


def _paper_cell(shares: list[float]) -> str:
    """" (97%)": the mean share of the scan's paper kept as paper, or "" where it is not measured (nan)."""
    return "" if np.isnan(shares).all() else f" ({np.mean(shares):.0%})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_set_options(parser)
    parser.add_argument("--checkpoint", default=str(default_checkpoint(SketchKind.LINE_ART)))
    args = parser.parse_args(argv)
    rows = score_sets(args, score_picture, load_worker_models, ({"line art": args.checkpoint},))
    command = "python -m training.paper_eval " + " ".join(sys.argv[1:] if argv is None else argv)
    write_side_run(args.out, rows, summary(rows, command), args.sets, ["line art"], SHEET_COLUMNS)


if __name__ == "__main__":
    main()
