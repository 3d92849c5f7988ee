"""Colour many frames with shared or per-frame scribbles, or with scribbles painted on a cut's key frames (the CLI
and the Batch page use this)."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from PIL import Image

from .compose import enlarge
from .cutout import clear_paper
from .images import MAX_SIDE, ImageLoadError, fit_long_side, frame_count, load_alphas, load_frames, load_hints, to_rgb
from .layers import gif_bytes, layers_ora
from .motion import follow_motion
from .pipeline import MAX_SKETCH_SIDE, Colorizer, white_paper_default
from .page import find_page, straighten_page
from .regions import RegionFill
from .sketch import SketchKind, SketchSettings, shown_sketch

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}


@dataclass
class BatchReport:
    done: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file name -> reason
    without_hints: list[str] = field(default_factory=list)
    done_as: str = "coloured"  # what was done to the files in ``done``
    straightened: list[str] = field(default_factory=list)  # photos cropped to their sheet of paper

    def summary(self) -> str:
        lines = [f"{len(self.done)} {self.done_as}, {len(self.failed)} failed"]
        lines += [f"  failed {name}: {reason}" for name, reason in self.failed.items()]
        if self.without_hints:
            lines.append(f"  no scribble file for: {', '.join(self.without_hints)} (coloured without hints)")
        if self.straightened:
            lines.append(f"  straightened to the sheet of paper: {', '.join(self.straightened)}")
        return "\n".join(lines)


def colour_layers(colorizer: Colorizer, sketch: Image.Image, hints: Image.Image | None, kind: SketchKind,
                  region_fill: RegionFill | None = None, white_paper: bool | None = None,
                  own_size: Image.Image | None = None, settings: SketchSettings = SketchSettings(),
                  transparent: bool = False, alpha: Image.Image | None = None) -> dict:
    """Colour a frame's sketch as the app does: {"result" (RGB, the sketch's size), "flat" (its colours without
    lines), "sketch" (the lines, at the result's size), "hints" (the scribbles, as given)}, as the Colorize page's
    layered downloads hold them.

    ``white_paper``: the picture is on white paper (see :meth:`Colorizer.colorize`); None decides it per picture
    as the app does (:func:`colorizer.pipeline.white_paper_default`). ``own_size``: the frame at its own, larger
    size; the layers then come at that size, brought up as the Colorize page's downloads are
    (:func:`colorizer.compose.enlarge`), with its lines sketched with ``settings`` (those ``sketch`` was made
    with). ``transparent``: result and flat colours RGBA, with the picture's own transparency ``alpha`` ("L", any
    size) where it had one, else the white paper around the picture transparent
    (:func:`colorizer.cutout.clear_paper`)."""
    paper = white_paper_default(sketch, kind) if white_paper is None else white_paper
    layers = colorizer.colorize_layers(sketch, hints, lines_on_top=kind.lines_on_top, region_fill=region_fill,
                                       white_paper=paper)
    layers = {**layers, "sketch": sketch} if own_size is None else at_own_size(
        layers["result"], layers["flat"], sketch, own_size, kind, settings, kind.lines_on_top)
    layers["hints"] = hints
    return clear_paper(layers, layers["sketch"], region_fill, alpha=alpha) if transparent else layers


def at_own_size(result: Image.Image, flat: Image.Image, sketch: Image.Image, picture: Image.Image, kind: SketchKind,
                settings: SketchSettings, lines_on_top: bool) -> dict[str, Image.Image]:
    """{"result", "flat", "sketch"} at the size of ``picture``, the larger original of a result made from ``sketch``:
    the picture sketched again at its own size (``kind`` with ``settings``, those ``sketch`` was made with) and the
    result and its flat colours (RGB) brought up to it (:func:`colorizer.compose.enlarge`), as the Colorize page's
    full-size downloads and the batch's own-size frames are."""
    sketch_full = kind.sketch(picture, settings)
    return {**enlarge(result, flat, sketch, sketch_full, lines_on_top), "sketch": sketch_full}


@dataclass
class KeyFrames:
    """Scribbles painted on some frames of a cut (its key frames), handed to every frame of it.

    ``painted``: {index of a frame in the cut: (the scribbles painted on it, RGBA any size; that frame's sketch, "L",
    or None when they are not moved)}. Each frame takes the scribbles of the nearest key frame (the earlier one on a
    tie): moved onto it along the motion between the two sketches when ``follow``, else laid on as they are.
    """

    painted: dict[int, tuple[Image.Image, Image.Image | None]] = field(default_factory=dict)
    follow: bool = False

    def nearest(self, index: int) -> int | None:
        """The key frame nearest frame ``index``, or None without key frames."""
        return min(self.painted, key=lambda key: (abs(key - index), key), default=None)

    def scribbles(self, index: int, sketch: Image.Image) -> Image.Image | None:
        """The scribbles (RGBA) that frame ``index`` of the cut, sketched as ``sketch``, is coloured with, or None."""
        key = self.nearest(index)
        if key is None:
            return None
        hints, painted_on = self.painted[key]
        return follow_motion(hints, painted_on, sketch) if self.follow else hints


def cut_offsets(files: list[Path]) -> list[int]:
    """Where each file's frames start in one cut of all the files, in order (an animation counts as its frames, a
    file that cannot be read as one), then the cut's length; frame counts are read from the files' headers."""
    return list(accumulate((frame_count(file) for file in files), initial=0))


def folder_key_frames(files: list[Path], offsets: list[int], hints_dir: Path, kind: SketchKind,
                      report: BatchReport, settings: SketchSettings = SketchSettings()) -> KeyFrames:
    """The key frames of a cut kept as picture files (in order, ``offsets`` from :func:`cut_offsets`) whose
    scribbles are ``<hints_dir>/<frame name>.png`` (an animation's first frame may also be ``<file stem>.png``), to
    follow the motion (the key frames sketched with ``settings``). Unreadable scribble files go to
    ``report.failed``."""
    painted = {}
    for file, start, end in zip(files, offsets, offsets[1:]):
        paths = key_frame_paths(hints_dir, file.stem, end - start)
        try:
            frames = load_frames(file) if paths else []
        except ImageLoadError:  # reported when the file is coloured
            paths = {}
        for offset, path in paths.items():
            try:
                painted[start + offset] = load_hints(path), kind.sketch(frames[offset][0], settings)
            except ImageLoadError as error:
                report.failed[f"{hints_dir.name}/{path.name}"] = str(error)  # not the frame of that name
    return KeyFrames(painted, follow=True)


def key_frame_paths(hints_dir: Path, stem: str, count: int) -> dict[int, Path]:
    """{frame of the file: its scribble file} for a picture file of ``count`` frames named ``stem``: each frame's
    ``<frame name>.png``, and ``<stem>.png`` for an animation's first frame (as the Colorize page named it when the
    Sketch page showed only that frame)."""
    paths = {offset: hints_dir / f"{name}.png" for offset, name in enumerate(frame_names(stem, count))}
    if count > 1 and not paths[0].is_file():
        paths[0] = hints_dir / f"{stem}.png"
    return {offset: path for offset, path in paths.items() if path.is_file()}


def file_scribbles(hints: Path | None, frame: Path, report: BatchReport,
                   painted_on: Image.Image | None = None) -> KeyFrames:
    """The scribbles for every frame of one picture file: one shared scribble file, or ``<hints dir>/<file stem>.png``
    when a folder is given (a frame without one goes to ``report.without_hints``); moved along the motion from the
    sketch ``painted_on`` (the frame they were painted on) when it is given."""
    if hints is not None and hints.is_dir():
        hints = hints / f"{frame.stem}.png"
        if not hints.is_file():
            report.without_hints.append(frame.name)
            return KeyFrames()
    if hints is None:
        return KeyFrames()
    return KeyFrames({0: (load_hints(hints), painted_on)}, follow=painted_on is not None)


def frame_names(stem: str, count: int) -> list[str]:
    """The names of a file's ``count`` frames: its stem for a still picture, ``<stem>_000``, ``<stem>_001``... for an
    animation's frames (the CLI's and the Batch page's output names, before ``_colorized``)."""
    return [f"{stem}_{index:03d}" for index in range(count)] if count > 1 else [stem]


def colorize_folder(colorizer: Colorizer, input_dir: Path, hints: Path | None, out_dir: Path,
                    kind: SketchKind = SketchKind.SOBEL, progress=lambda items: items,
                    region_fill: RegionFill | None = None, white_paper: bool | None = None,
                    painted_on: Image.Image | None = None, key_frames: bool = False,
                    own_size: bool = True, settings: SketchSettings = SketchSettings(),
                    transparent: bool = False, layers: bool = False) -> BatchReport:
    """Colour every picture in ``input_dir`` into ``out_dir/<stem>_colorized.png``; an animation's frames go to
    ``<stem>_000_colorized.png``... and ``<stem>_colorized.gif``. Scribbles: see :func:`file_scribbles`, or, with
    ``key_frames``, ``hints`` is a folder of scribbles painted on some frames of one cut and every frame takes the
    nearest one's, moved along the motion (:func:`folder_key_frames`). Pictures are sketched with ``settings``,
    coloured at up to MAX_SIDE px and written at their own size (up to MAX_SKETCH_SIDE), or with ``own_size`` False
    at the size coloured at; with ``transparent``, each PNG keeps its picture's own transparency, or else the white
    paper around the picture is transparent;
    with ``layers``, each picture's layers go to ``<name>.ora`` beside it (:func:`colorizer.layers.layers_ora`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = picture_files(input_dir)
    report = BatchReport()
    offsets = cut_offsets(files) if key_frames else None
    keys = folder_key_frames(files, offsets, hints, kind, report, settings) if key_frames else None
    if keys is not None and not keys.painted:
        report.without_hints += [file.name for file in files]
    for position, file in enumerate(progress(files)):
        try:
            frames = read_frames(file, own_size)
            if keys is None:
                cut, first = file_scribbles(hints, file, report, painted_on), 0
            else:
                cut, first = keys, offsets[position]
            alphas = load_alphas(file, MAX_SKETCH_SIDE) if transparent else [None] * len(frames)
            results = [colour_frame(colorizer, cut, first + offset, picture, kind, region_fill, white_paper, big,
                                    settings, transparent, alphas[offset])
                       for offset, (picture, _, big) in enumerate(frames)]
        except ImageLoadError as error:
            report.failed[file.name] = str(error)
            continue
        save_file_results(file.stem, results, [duration for _, duration, _ in frames], out_dir, report,
                          kind.lines_on_top if layers else None)
    return report


def picture_files(input_dir: Path) -> list[Path]:
    """The pictures in a folder (by suffix, IMAGE_SUFFIXES), sorted by name."""
    return sorted(p for p in input_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def sketch_folder(input_dir: Path, out_dir: Path, kind: SketchKind = SketchKind.SOBEL,
                  settings: SketchSettings = SketchSettings(), progress=lambda items: items,
                  straighten: bool = False) -> BatchReport:
    """Write every picture's sketch in ``input_dir`` as the Sketch page's *Download sketch* gives it
    (:func:`colorizer.sketch.shown_sketch`) to ``out_dir/<stem>_sketch.png`` (an animation's frames to
    ``<stem>_000_sketch.png``...), at the picture's own size up to MAX_SKETCH_SIDE. ``straighten``: a photo of
    a sheet of paper on a table is first cropped to the sheet and squared up (colorizer.page), as the Sketch
    page's *Straighten the page* does."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = BatchReport(done_as="sketched")
    for file in progress(picture_files(input_dir)):
        try:
            frames = read_frames(file, own_size=True)
        except ImageLoadError as error:
            report.failed[file.name] = str(error)
            continue
        for name, (working, _, own) in zip(frame_names(file.stem, len(frames)), frames):
            picture = working if own is None else own
            if straighten and len(frames) == 1 and (page := find_page(working)) is not None:
                picture = straighten_page(picture, page, max_side=MAX_SKETCH_SIDE)
                report.straightened.append(file.name)
            shown_sketch(kind.sketch(picture, settings), kind, settings).save(out_dir / f"{name}_sketch.png")
            report.done.append(out_dir / f"{name}_sketch.png")
    return report


def colour_frame(colorizer: Colorizer, cut: KeyFrames, index: int, picture: Image.Image, kind: SketchKind,
                 region_fill: RegionFill | None = None, white_paper: bool | None = None,
                 own_size: Image.Image | None = None, settings: SketchSettings = SketchSettings(),
                 transparent: bool = False, alpha: Image.Image | None = None) -> dict:
    """Sketch frame ``index`` of a cut with ``settings`` and colour it with its scribbles: its layers (the result
    RGB at its size, or ``own_size``'s; RGBA with ``transparent``, ``alpha`` its own: see :func:`colour_layers`)."""
    sketch = kind.sketch(picture, settings)
    scribbles = cut.scribbles(index, sketch)
    return colour_layers(colorizer, sketch, scribbles, kind, region_fill, white_paper, own_size, settings, transparent,
                         alpha)


def read_frames(file: Path, own_size: bool) -> list[tuple[Image.Image, int, Image.Image | None]]:
    """A file's frames as the studio works on them (long side at most MAX_SIDE), their durations, and with
    ``own_size`` each frame at its own size when that is larger (up to MAX_SKETCH_SIDE; else None, and for an
    animation too large to hold at its own size)."""
    if own_size:
        try:
            decoded = load_frames(file, max_side=MAX_SKETCH_SIDE)
        except ImageLoadError:  # an animation over MAX_ANIMATION_PIXELS at its own size may fit at the working size
            own_size = False
    if not own_size:
        return [(picture, duration, None) for picture, duration in load_frames(file, max_side=MAX_SIDE)]
    frames = []
    for picture, duration in decoded:
        working = fit_long_side(picture, MAX_SIDE)
        frames.append((working, duration, picture if working.size != picture.size else None))
    return frames


def save_file_results(stem: str, results: list[dict], durations: list[int], out_dir: Path, report: BatchReport,
                      lines_on_top: bool | None = None) -> None:
    """Write one file's coloured frames (:func:`colour_layers`' dicts) as PNGs, an animation's as a GIF too (on
    white: GIF has no soft alpha), and with ``lines_on_top`` (not None: how they were made) each one's layers as
    ``<name>.ora``."""
    for name, layers in zip(frame_names(stem, len(results)), results):
        layers["result"].save(out_dir / f"{name}_colorized.png")
        report.done.append(out_dir / f"{name}_colorized.png")
        if lines_on_top is not None:
            (out_dir / f"{name}.ora").write_bytes(layers_ora(layers["result"], layers["flat"], layers["sketch"],
                                                             layers["hints"], lines_on_top))
    if len(results) > 1:
        opaque = [to_rgb(layers["result"]) for layers in results]  # laid on white
        (out_dir / f"{stem}_colorized.gif").write_bytes(gif_bytes(opaque, durations))
