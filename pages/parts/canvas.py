"""The drawing canvas: sized to its column, with undo, redo, clear and an eraser.

The canvas (streamlit-drawable-canvas) has a fixed size in pixels, so a small component measures
the column it sits in and the canvas takes that width (the drawing is scaled with it); a zoom makes it
larger than that, scrolling inside a frame of the fitted size (:func:`canvas_frame`). Undo, redo,
clear and the eraser work on the canvas's Fabric.js JSON: the page keeps the drawings it has seen
and hands the canvas the one to show as its ``initial_drawing``, which the canvas reloads and
sends back rendered. Eraser strokes are drawn in a marker colour and turned into
``destination-out`` paths on the next run, so they cut through the strokes below them. A click of the
colour picker (or of *Clear paper*) is drawn in a marker colour too: the page reads where it ended and
hands the canvas its drawing back without it.
"""
from __future__ import annotations

import copy
import json

import numpy as np
import streamlit as st

from pages.parts.ui import data_url

MIN_SIDE, MAX_SIDE = 160, 720  # canvas long side limits, px
FALLBACK_WIDTH = 448  # until the column has been measured (and in tests without a browser)
ERASER_MARK = "rgba(255,0,200,0.35)"  # the colour eraser strokes are drawn in until they are turned into cuts
ERASER_CUT = "rgba(0,0,0,1)"
PICK_MARK = "rgba(0,200,255,0.6)"  # the colour picker's click, until the page takes it off the canvas
PAPER_MARK = "rgba(120,230,0,0.6)"  # a *Clear paper* click, the same way
ZOOMS = {"Fit": 1.0, "150 %": 1.5, "200 %": 2.0, "300 %": 3.0}  # the canvas's size over its fitted size
FRAME_KEY = "canvas-frame"  # the container the canvas scrolls in when zoomed

COLUMN_PROBE = st.components.v2.component(
    "anime_colorizer.column_probe",
    html='<div class="probe"></div>',
    js="""
export default function (component) {
    const { parentElement, setStateValue } = component;
    const probe = parentElement.querySelector(".probe");
    let sent = "";
    const report = () => {
        const size = [Math.floor(probe.getBoundingClientRect().width), window.innerHeight];
        if (size[0] > 0 && JSON.stringify(size) !== sent) {
            sent = JSON.stringify(size);
            setStateValue("size", size);
        }
    };
    let timer = null;
    const observer = new ResizeObserver(() => { clearTimeout(timer); timer = setTimeout(report, 150); });
    observer.observe(probe);
    window.addEventListener("resize", report);
    report();
    return () => { observer.disconnect(); window.removeEventListener("resize", report); clearTimeout(timer); };
}
""",
    isolate_styles=False,
)


def column_size(key: str) -> tuple[int, int] | None:
    """(width of the current column, height of the browser window) in px, as the browser last reported
    them; None before the first report (and where no browser runs the page, as in AppTest)."""
    result = COLUMN_PROBE(key=key, default={"size": None}, on_size_change=lambda: None, width="stretch",
                          height="content")
    size = result.get("size") if hasattr(result, "get") else getattr(result, "size", None)
    return tuple(size) if size else None


def background_url(state, sketch, size: tuple[int, int]) -> str:
    """The canvas background: ``sketch`` (PIL) resized to ``size`` (width, height) as a PNG data URL,
    kept in ``state`` until the sketch or size changes, so it is not re-encoded by the canvas on every
    stroke (~30 ms at 512 px)."""
    kept = state.canvas_background
    if kept is None or kept[0] is not sketch or kept[1] != size:
        state.canvas_background = kept = (sketch, size, data_url(sketch.resize(size), "PNG"))
    return kept[2]


def fit_canvas(picture: tuple[int, int], column: tuple[int, int] | None) -> tuple[int, int]:
    """Canvas (width, height) at the picture's aspect ratio: as wide as the column, and short enough to
    leave room for the page around it (at most the window's height minus 260 px), within MIN/MAX_SIDE."""
    width, window = column if column else (FALLBACK_WIDTH, 10_000)
    scale = min(width / picture[0], max(MIN_SIDE, window - 260) / picture[1])
    scale = min(scale, MAX_SIDE / max(picture))
    scale = max(scale, MIN_SIDE / max(picture))
    return max(1, round(picture[0] * scale)), max(1, round(picture[1] * scale))


def canvas_size(picture: tuple[int, int], column: tuple[int, int] | None, zoom: str = "Fit") -> tuple[int, int]:
    """The canvas's (width, height): :func:`fit_canvas` times the ``zoom`` (a key of ZOOMS; unknown: Fit)."""
    width, height = fit_canvas(picture, column)
    factor = ZOOMS.get(zoom, 1.0)
    return max(1, round(width * factor)), max(1, round(height * factor))


def canvas_frame(size: tuple[int, int], view: tuple[int, int]):
    """The container the canvas sits in: as large as the canvas, or, when the canvas (``size``) is larger
    than the fitted ``view`` (zoomed), that view's height, scrolling both ways over the canvas."""
    zoomed = size[0] > view[0]
    if zoomed:  # the canvas's own element may be wider than the column
        st.html(f"<style>.st-key-{FRAME_KEY} {{overflow: auto;}} .st-key-{FRAME_KEY} [data-testid='stElementContainer']"
                f" {{width: {size[0]}px; max-width: none;}}</style>")
    return st.container(key=FRAME_KEY, height=view[1] + 24 if zoomed else "content", border=False)


def scale_drawing(drawing: dict | None, factor: float) -> dict | None:
    """A Fabric.js drawing scaled about the canvas origin by ``factor`` (positions and object scales)."""
    if not drawing or factor == 1:
        return drawing
    scaled = copy.deepcopy(drawing)
    for shape in scaled.get("objects", []):
        for key in ("left", "top", "scaleX", "scaleY"):
            shape[key] = shape.get(key, 1 if key.startswith("scale") else 0) * factor
    return scaled


def cut_eraser_marks(drawing: dict | None) -> dict | None:
    """The drawing with its eraser-marked strokes turned into cuts (``destination-out``); None when it
    has no uncut eraser strokes."""
    if not drawing or not any(shape.get("stroke") == ERASER_MARK for shape in drawing.get("objects", [])):
        return None
    cut = copy.deepcopy(drawing)
    for shape in cut["objects"]:
        if shape.get("stroke") == ERASER_MARK:  # a little wider, so no faint rim of the strokes it crossed stays
            shape.update(stroke=ERASER_CUT, globalCompositeOperation="destination-out",
                         strokeWidth=shape.get("strokeWidth", 1) + 2)
    return cut


def same_drawing(first: dict | None, second: dict | None) -> bool:
    """Whether two Fabric.js drawings hold the same objects."""
    objects = lambda drawing: json.dumps((drawing or {}).get("objects", []), sort_keys=True)
    return objects(first) == objects(second)


def drawing_at_unit_width(drawing: dict | None, width: int) -> str:
    """A drawing's objects with their positions and scales as shares of the canvas ``width`` (px), rounded, as
    JSON: the same strokes give the same text at any zoom (:func:`scale_drawing`), new or undone strokes another."""
    objects = copy.deepcopy((drawing or {}).get("objects", []))
    for shape in objects:
        for key in ("left", "top", "scaleX", "scaleY"):
            shape[key] = round(shape.get(key, 1 if key.startswith("scale") else 0) / width, 5)
    return json.dumps(objects, sort_keys=True)


def repeats_itself(state, drawing: dict | None) -> bool:
    """Whether the canvas is still reporting what it sent last, while a drawing handed to it loads."""
    return state.awaiting_canvas and same_drawing(drawing, state.canvas_sent)


def blank_drawing() -> dict:
    return {"version": "7.4.0", "objects": []}


FAINT = 24  # alpha below this (the browser's faintest anti-aliasing, invisible) counts as unpainted


def strokes_array(image_data) -> np.ndarray | None:
    """The canvas's RGBA strokes as uint8 (H, W, 4), alpha below FAINT set to 0; None without any."""
    if image_data is None:
        return None
    strokes = np.array(image_data, dtype=np.uint8)
    strokes[strokes[..., 3] < FAINT] = 0
    return strokes


MAX_HISTORY = 50


def remember(state, drawing: dict) -> None:
    """A new drawing: the newest undo step; whatever was undone can no longer be redone."""
    state.history.append(drawing)
    del state.history[:-MAX_HISTORY]
    state.redo.clear()


def receive(state, drawing: dict | None, strokes: np.ndarray | None) -> bool:
    """Take what the canvas sent (its drawing and rendered strokes) into the session.

    While a handed drawing is loading, the canvas still reports what it sent last: that is ignored,
    as is a report without rendered strokes: that is the component's default value (the drawing the
    page passed in), which it returns before the canvas has sent anything. Returns True when the page must run again to hand the canvas a changed drawing (new eraser
    strokes, turned into cuts); the strokes are then not taken, as they still show the eraser marks.
    """
    if drawing is None or strokes is None:
        return False
    if same_drawing(drawing, state.drawing):
        if strokes is not None:
            state.scribbles, state.awaiting_canvas, state.canvas_sent = strokes, False, drawing
        return False
    if repeats_itself(state, drawing):
        return False
    state.canvas_sent = drawing
    cut = cut_eraser_marks(drawing)
    remember(state, cut or drawing)
    if cut is not None:
        show(state, cut)
        return True
    state.drawing, state.scribbles, state.awaiting_canvas = drawing, strokes, False
    return False


def picked_point(drawing: dict | None, mark: str = PICK_MARK) -> tuple[float, float] | None:
    """Where the newest click mark (``mark``: the colour picker's, or *Clear paper*'s) of a Fabric.js drawing ends,
    as (x, y) canvas px; None without one.

    A freehand path keeps its points in canvas coordinates; a command's last two numbers are its end point.
    """
    marks = [shape for shape in (drawing or {}).get("objects", []) if shape.get("stroke") == mark]
    if not marks or not marks[-1].get("path"):
        return None
    command = marks[-1]["path"][-1]
    return float(command[-2]), float(command[-1])


def take_pick(state, drawing: dict | None, mark: str = PICK_MARK) -> tuple[float, float] | None:
    """The point of a new click (drawn in ``mark``) the canvas sent, in canvas px, or None. The canvas is handed
    the session's drawing back, so the mark goes and the strokes, undo and redo stay as they were."""
    point = picked_point(drawing, mark)
    if point is None or repeats_itself(state, drawing):
        return None
    state.canvas_sent = drawing
    show(state, state.drawing or blank_drawing())
    return point


def undo(state) -> None:
    if state.history:
        state.redo.append(state.history.pop())
        show(state, state.history[-1] if state.history else blank_drawing())


def redo(state) -> None:
    if state.redo:
        drawing = state.redo.pop()
        state.history.append(drawing)
        show(state, drawing)


def clear(state) -> None:
    if state.drawing and state.drawing.get("objects"):
        remember(state, blank_drawing())
        show(state, blank_drawing())


def show(state, drawing: dict) -> None:
    """Hand the canvas ``drawing``; the page waits for its rendered strokes before colouring live."""
    state.show_drawing(drawing)
    state.awaiting_canvas = True


def resize(state, size: tuple[int, int]) -> None:
    """Bring the session's drawing to a canvas of ``size`` (width, height), scaling its strokes."""
    if state.canvas_size is not None and state.canvas_size != size and state.drawing:
        state.show_drawing(scale_drawing(state.drawing, size[0] / state.canvas_size[0]))
        state.history = [scale_drawing(d, size[0] / state.canvas_size[0]) for d in state.history]
        state.redo = [scale_drawing(d, size[0] / state.canvas_size[0]) for d in state.redo]
    state.canvas_size = size
