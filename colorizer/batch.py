"""Colour many frames with shared or per-frame scribbles (the CLI and the Batch page use this)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .images import ImageLoadError, load_frames, load_hints
from .layers import gif_bytes
from .motion import follow_motion
from .pipeline import Colorizer, white_paper_default
from .regions import RegionFill
from .sketch import SketchKind

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}


@dataclass
class BatchReport:
    done: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # file name -> reason
    without_hints: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{len(self.done)} coloured, {len(self.failed)} failed"]
        lines += [f"  failed {name}: {reason}" for name, reason in self.failed.items()]
        if self.without_hints:
            lines.append(f"  no scribble file for: {', '.join(self.without_hints)} (coloured without hints)")
        return "\n".join(lines)


def colorize_picture(colorizer: Colorizer, picture: Image.Image, hints: Image.Image | None, kind: SketchKind,
                     region_fill: RegionFill | None = None, white_paper: bool | None = None,
                     painted_on: Image.Image | None = None) -> Image.Image:
    """Sketch (default settings), then colour one picture (RGB, its size); hints are scaled to its size.
    ``white_paper`` and ``painted_on``: see :func:`colour_sketch` and :func:`frame_scribbles`."""
    sketch, hints = frame_scribbles(picture, hints, kind, painted_on)
    return colour_sketch(colorizer, sketch, hints, kind, region_fill, white_paper)


def frame_scribbles(picture: Image.Image, hints: Image.Image | None, kind: SketchKind,
                    painted_on: Image.Image | None = None) -> tuple[Image.Image, Image.Image | None]:
    """A frame's sketch ("L", default settings) and the scribbles (RGBA) it is coloured with: ``hints`` as
    they are, or, given ``painted_on`` (the sketch of the frame they were painted on), moved onto this frame
    along the motion between the two (:func:`colorizer.motion.follow_motion`)."""
    sketch = kind.sketch(picture)
    if hints is not None and painted_on is not None:
        hints = follow_motion(hints, painted_on, sketch)
    return sketch, hints


def colour_sketch(colorizer: Colorizer, sketch: Image.Image, hints: Image.Image | None, kind: SketchKind,
                  region_fill: RegionFill | None = None, white_paper: bool | None = None) -> Image.Image:
    """Colour a frame's sketch as the app does (RGB, its size). ``white_paper``: the picture is on white paper
    (see :meth:`Colorizer.colorize`); None decides it per picture as the app does
    (:func:`colorizer.pipeline.white_paper_default`)."""
    paper = white_paper_default(sketch, kind) if white_paper is None else white_paper
    return colorizer.colorize(sketch, hints, lines_on_top=kind.lines_on_top, region_fill=region_fill, white_paper=paper)


def frame_hints(hints: Path | None, frame: Path, report: BatchReport) -> Image.Image | None:
    """One shared scribble file, or ``<hints dir>/<frame stem>.png`` when a folder is given."""
    if hints is None:
        return None
    if hints.is_dir():
        path = hints / f"{frame.stem}.png"
        if not path.is_file():
            report.without_hints.append(frame.name)
            return None
        hints = path
    return load_hints(hints)


def frame_names(stem: str, count: int) -> list[str]:
    """The names of a file's ``count`` frames: its stem for a still picture, ``<stem>_000``, ``<stem>_001``... for an
    animation's frames (the CLI's and the Batch page's output names, before ``_colorized``)."""
    return [f"{stem}_{index:03d}" for index in range(count)] if count > 1 else [stem]


def colorize_folder(colorizer: Colorizer, input_dir: Path, hints: Path | None, out_dir: Path,
                    kind: SketchKind = SketchKind.SOBEL, progress=lambda items: items,
                    region_fill: RegionFill | None = None, white_paper: bool | None = None,
                    painted_on: Image.Image | None = None) -> BatchReport:
    """Colour every picture in ``input_dir`` into ``out_dir/<stem>_colorized.png``; an animation's frames go to
    ``<stem>_000_colorized.png``... and ``<stem>_colorized.gif`` (``painted_on``: see :func:`colorize_picture`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in input_dir.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    report = BatchReport()
    for file in progress(files):
        try:
            frames = load_frames(file)
            scribbles = frame_hints(hints, file, report)
            results = [colorize_picture(colorizer, picture, scribbles, kind, region_fill, white_paper, painted_on)
                       for picture, _ in frames]
        except ImageLoadError as error:
            report.failed[file.name] = str(error)
            continue
        for name, result in zip(frame_names(file.stem, len(frames)), results):
            result.save(out_dir / f"{name}_colorized.png")
            report.done.append(out_dir / f"{name}_colorized.png")
        if len(frames) > 1:
            (out_dir / f"{file.stem}_colorized.gif").write_bytes(gif_bytes(results, [d for _, d in frames]))
    return report
