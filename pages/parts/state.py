"""What the pages share in one session: one typed object, reached through :func:`studio`.

Widgets keep their own values under their keys (``keep_widget_values`` in ui.py carries those
across page switches); everything else the pages hand each other lives here.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import streamlit as st
from PIL import Image

from colorizer import RegionFill, SketchKind, SketchSettings
from colorizer.images import load_frame_and_alpha
from colorizer.page import find_page, straighten_page
from colorizer.pipeline import MAX_SKETCH_SIDE, NetworkPass
from colorizer.sketch import looks_like_line_art

STATE_KEY = "studio"


@dataclass
class Result:
    """One press of Colorize: the full-size result, its flat layer, the scribbles that made it and, to redo the
    region fill and lines without the network, its network pass and the settings it was finished with."""

    image: Image.Image  # RGB, the sketch's size
    flat: Image.Image  # RGB colours without lines, the sketch's size
    hints: Image.Image | None  # RGBA scribbles at the canvas's size, None for none
    name: str  # file name stem of the picture
    scribbles: np.ndarray | None = None  # the canvas strokes (RGBA uint8), to go back to this result
    drawing: dict | None = None  # the canvas's Fabric.js JSON of those strokes
    lines_on_top: bool = False  # made with the sketch's own lines over flat colours
    number: int = 0  # its number among the session's variants (1, 2, ...)
    seconds: float = 0.0  # how long the colouring took
    cut: dict = field(default_factory=dict, repr=False)  # its previews with transparent paper, by how each was cut
    network: NetworkPass | None = field(default=None, repr=False)  # colorizer.pipeline.finish_layers redoes the layers
    fill: RegionFill | None = None  # the region fill it was finished with (None: off)
    white_paper: bool = False  # made with *White paper*


@dataclass
class Animation:
    """An uploaded animation, kept to open its other frames: the file's bytes, its name stem and frame count."""

    data: bytes
    stem: str
    frames: int


@dataclass
class FullSize:
    """A picture larger than the studio shows it: the file (its frame ``Upload.frame`` is the picture), the size
    (width, height) of the download at its own size (long side at most colorizer.pipeline.MAX_SKETCH_SIDE) and, for
    a straightened photo of a sheet, the sheet's corners (colorizer.page.find_page)."""

    data: bytes
    size: tuple[int, int]
    page: np.ndarray | None = None
    turns: int = 0  # quarter turns clockwise, after straightening

    def picture(self, frame: int) -> Image.Image:
        """The picture at its own size (RGB, ``size``): the file's frame, straightened to its sheet if it was, then
        turned."""
        return self.picture_and_alpha(frame)[0]

    def picture_and_alpha(self, frame: int) -> tuple[Image.Image, Image.Image | None]:
        """:meth:`picture`, and its own transparency at that size ("L"; colorizer.images.load_frame_and_alpha), turned
        as the picture is: None for a photo straightened to its sheet and for a picture without one. One decode."""
        image, alpha = load_frame_and_alpha(self.data, frame, max_side=MAX_SKETCH_SIDE)
        if self.page is not None:  # a photo: straightened, and without transparency
            sheet = self.size if self.turns % 2 == 0 else self.size[::-1]
            image, alpha = straighten_page(image, self.page, sheet), None
        return turned(image, self.turns), None if alpha is None else turned(alpha, self.turns)


def turned(image: Image.Image, turns: int) -> Image.Image:
    """``image`` turned clockwise by ``turns`` quarter turns (exactly, no resampling)."""
    return image if turns % 4 == 0 else image.transpose(TURNS[turns % 4])


TURNS = {1: Image.Transpose.ROTATE_270, 2: Image.Transpose.ROTATE_180, 3: Image.Transpose.ROTATE_90}


@dataclass
class Upload:
    """A decoded upload: the picture (RGB, long side <= 2048 px), its name (the file's stem; for an animation's
    frame <stem>_000, <stem>_001...), the file's content hash, for an animation the file and the frame shown, and
    for a picture larger than it is shown, what makes the download at its own size."""

    image: Image.Image
    name: str
    digest: str
    animation: Animation | None = None
    frame: int = 0
    full: FullSize | None = None  # for a picture larger than it is shown
    photo: Upload | None = None  # for a photo straightened to its sheet, the photo as taken
    sheet: np.ndarray | None = None  # and the sheet's corners in it (shares, as colorizer.page.find_page gives them)
    turns: int = 0  # quarter turns clockwise (after straightening)
    alpha: Image.Image | None = None  # the picture's own transparency ("L", its size), for an upload that had one

    @property
    def key(self) -> str:
        """Tells this picture from any other, an animation's other frames, a photo straightened to any sheet and any
        turn included (widget keys, caches)."""
        sheet = "" if self.sheet is None else "-" + hashlib.sha1(self.sheet.tobytes()).hexdigest()[:10]
        return f"{self.digest}-{self.frame}{sheet}" + (f"-turn{self.turns}" if self.turns else "")

    @property
    def straightenable(self) -> bool:
        """Whether a sheet may be looked for and straightened: a still picture as uploaded (not yet straightened, not
        turned: straightening comes first)."""
        return self.animation is None and self.photo is None and self.turns == 0

    @cached_property
    def page(self) -> np.ndarray | None:
        """The corners of a sheet of paper photographed on a table (colorizer.page.find_page), for a picture that is
        :attr:`straightenable`; else None."""
        return find_page(self.image) if self.straightenable else None

    @cached_property
    def looks_like_line_art(self) -> tuple[bool, bool]:
        """Whether the picture looks like line art with dark lines on light paper, and with light lines on a dark
        ground (colorizer.sketch.looks_like_line_art; worked out once, not on every slider move)."""
        return looks_like_line_art(self.image), looks_like_line_art(self.image, invert=True)


@dataclass
class BatchResult:
    """The Batch page's last run: results by output file name, each frame's sketch with the scribbles it was
    coloured with (same keys; a preview, long side at most 512 px), failures by upload name, each animation's
    coloured frames with their durations (ms) by GIF file name, and when asked each frame's layers (.ora)."""

    results: dict[str, Image.Image] = field(default_factory=dict)
    scribbles: dict[str, Image.Image] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    animations: dict[str, list[tuple[Image.Image, int]]] = field(default_factory=dict)
    layers: dict[str, bytes] = field(default_factory=dict)  # each frame's layers as an OpenRaster file, by file name


@dataclass
class Studio:
    """The session's picture, sketch, scribbles and results."""

    upload: Upload | None = None  # the current picture
    kind: SketchKind = SketchKind.SOBEL  # decided on the Sketch page, once per upload
    settings: SketchSettings = field(default_factory=SketchSettings)
    sketch: Image.Image | None = None  # "L", the picture's size, what the model sees
    scribbles: np.ndarray | None = None  # RGBA uint8 canvas strokes (canvas-sized), None until painted
    drawing: dict | None = None  # the canvas's Fabric.js JSON, to redraw it after a page switch
    canvas_initial: dict | None = None  # the drawing the canvas (re)loads: set by undo, redo, clear, eraser
    canvas_size: tuple[int, int] | None = None  # (width, height) the drawing's coordinates are in
    canvas_background: tuple | None = None  # (sketch, size, PNG data URL) the canvas shows
    column: tuple[int, int] | None = None  # (canvas column width, window height) last measured, px
    history: list[dict] = field(default_factory=list)  # drawings seen, oldest first (undo steps back)
    redo: list[dict] = field(default_factory=list)  # drawings undone, newest last
    revision: int = 0  # numbers each drawing handed to the canvas, so it reloads even an earlier one
    awaiting_canvas: bool = False  # a drawing was handed to the canvas and its strokes are not back yet
    canvas_sent: dict | None = None  # the drawing the canvas sent last (what it reports until it reloads)
    result: Result | None = None
    variants: list[Result] = field(default_factory=list)
    pending: Upload | None = None  # a new upload waiting for the artist: replace (moving the scribbles or not), or keep
    declined: str | None = None  # digest of an upload the artist chose not to load
    loaded_scribbles: str | None = None  # file id of the last scribble file put on the canvas
    paper_decided: str | None = None  # "<upload key>-<kind>" whose White paper default was set
    my_palette: list[str] = field(default_factory=list)  # the artist's own swatches ("#rrggbb"), kept across uploads
    palette_error: str | None = None  # why the palette file in the uploader could not be read (None when it could)
    previous_frame: Image.Image | None = None  # the result of the frame the scribbles were moved from
    batch: BatchResult | None = None  # the Batch page's last run
    last_page: str | None = None
    clicked_paper: dict[str, list] = field(default_factory=dict)  # upload key -> [(x, y) shares] clicked as paper
    transparency_decided: str | None = None  # the upload key whose own transparency turned Transparent paper on

    @property
    def paper_spots(self) -> tuple[tuple[float, float], ...]:
        """Where the artist clicked paper to clear on this picture (*Clear paper*): (x, y) shares of it, 0-1."""
        return tuple(self.clicked_paper.get(self.upload.key, ())) if self.upload is not None else ()

    @property
    def painted_pixels(self) -> int:
        """How many canvas pixels the artist has painted (0 without scribbles)."""
        return 0 if self.scribbles is None else int((self.scribbles[..., 3] > 0).sum())

    def adopt(self, upload: Upload) -> None:
        """Make ``upload`` the current picture; its scribbles and results start empty."""
        self.upload, self.pending, self.previous_frame = upload, None, None
        self.scribbles = self.drawing = self.canvas_initial = self.canvas_size = self.result = None
        self.variants, self.history, self.redo = [], [], []
        self.canvas_sent, self.awaiting_canvas = None, False

    def show_drawing(self, drawing: dict) -> None:
        """Make ``drawing`` the canvas's content: it reloads it (numbered anew) on the next run."""
        self.revision += 1
        self.drawing = drawing
        self.canvas_initial = {**drawing, "studioRevision": self.revision}


def studio() -> Studio:
    """This session's :class:`Studio` (made on first use)."""
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = Studio()
    return st.session_state[STATE_KEY]
