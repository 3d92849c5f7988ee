"""Colorize: paint colour scribbles over the sketch and let the model colour it."""
import re
import time

import numpy as np
import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from colorizer import RegionFill, resize_hints
from pages.parts import ui, workflow
from pages.parts.state import Result, studio

HEX = re.compile(r"^#?([0-9a-fA-F]{6})$")

fresh_visit = ui.entered_page("colorize")
st.title(":material/brush: Colorize")
if not ui.require_upload():
    st.stop()
state = studio()
colorizer = ui.get_colorizer(state.kind)
original, sketch, name = state.upload.image, state.sketch, state.upload.name


def sync_from_picker() -> None:
    st.session_state.brush_hex = st.session_state.brush_picker


def sync_from_hex() -> None:
    match = HEX.match(st.session_state.brush_hex.strip())
    if match:
        st.session_state.brush_picker = f"#{match.group(1).lower()}"
        st.session_state.brush_hex = st.session_state.brush_picker


def brush_controls() -> tuple[str, int]:
    """Colour picker with hex entry and brush width in the sidebar; returns (hex colour, width)."""
    ui.keep_widget_values(["brush_picker", "brush_hex", "brush_width"],
                          {"brush_picker": "#e04a3f", "brush_hex": "#e04a3f", "brush_width": 8})
    with st.sidebar:
        st.header("Brush")
        st.color_picker("Colour", key="brush_picker", on_change=sync_from_picker)
        st.text_input("Hex", key="brush_hex", on_change=sync_from_hex, help="Type an exact colour, e.g. #f2c9a0.")
        if not HEX.match(st.session_state.brush_hex.strip()):
            st.warning("Hex colours look like #f2c9a0; keeping the previous colour.")
        width = st.slider("Brush width (px)", 1, 40, key="brush_width")
        st.caption("Undo, redo and clear are in the canvas toolbar.")
    return st.session_state.brush_picker, width


def region_fill_controls() -> RegionFill | None:
    """Sidebar settings of the region fill that follows the network; None when it is off."""
    defaults = {"fill_on": True, "fill_flatness": RegionFill.flatness, "fill_gap": RegionFill.gap,
                "fill_line_level": RegionFill.line_level, "fill_unhinted": False}
    ui.keep_widget_values(list(defaults), defaults)
    with st.sidebar:
        st.header("Region fill")
        on = st.toggle("Fill regions with hint colours", key="fill_on",
                       help="After the model, each region between lines that holds a scribble takes its colour.")
        flatness = st.slider("Flatness", 0.0, 1.0, step=0.1, key="fill_flatness", disabled=not on,
                             help="0 keeps the model's shading inside a filled region; 1 paints it one flat colour.")
        gap = st.slider("Close line gaps (px)", 0, 8, key="fill_gap", disabled=not on,
                        help="Treat gaps in the lines up to about twice this wide as closed, so a colour stops there.")
        line_level = st.slider("Line threshold", 100, 250, step=5, key="fill_line_level", disabled=not on,
                               help="Sketch pixels darker than this are lines that stop a colour. Raise it when a "
                                    "colour runs through faint lines; lower it when soft grey shading splits a region.")
        unhinted = st.checkbox("Even out regions without scribbles too", key="fill_unhinted", disabled=not on)
    return RegionFill(gap, flatness, unhinted, line_level) if on else None


def store_drawing(result) -> None:
    """Copy the canvas drawing into session state so it survives page switches."""
    if result.image_data is not None:
        state.scribbles = np.array(result.image_data, dtype=np.uint8)
        state.drawing = result.json_data


def current_hints() -> Image.Image | None:
    """The saved scribbles at the canvas's size (RGBA), or None when nothing is painted; the library
    brings them to its working size."""
    return Image.fromarray(state.scribbles, "RGBA") if state.painted_pixels else None


def scribbles_over_sketch(hints: Image.Image | None) -> Image.Image:
    view = sketch.convert("RGBA")
    if hints is not None:
        view = Image.alpha_composite(view, resize_hints(hints, sketch.size))
    return view.convert("RGB")


def run_colorize(hints: Image.Image | None, lines_on_top: bool, region_fill: RegionFill | None) -> bool:
    """Colour the sketch into session state; failures show st.error, keep the scribbles, return False."""
    try:
        with st.spinner("Colouring…"):
            layers = colorizer.colorize_layers(sketch, hints, lines_on_top=lines_on_top, region_fill=region_fill)
    except Exception as error:  # never lose the drawing over a failed run
        st.error(f"Colouring failed ({type(error).__name__}: {error}). Your scribbles are kept; try again.")
        return False
    state.result = Result(layers["result"], layers["flat"], hints, name, state.scribbles, state.drawing)
    return True


@st.fragment
def drawing_area(color: str, width: int, live: bool, lines_on_top: bool, region_fill: RegionFill | None) -> None:
    """Canvas, scribble count and the live preview: reruns alone after each stroke."""
    canvas_w, canvas_h = ui.canvas_size(sketch.size)
    canvas_column, preview_column = st.columns(2)  # fixed layout: moving the canvas would remount it
    with canvas_column:
        result = st_canvas(
            stroke_width=width, stroke_color=color, background_image=sketch.resize((canvas_w, canvas_h)),
            initial_drawing=state.canvas_initial, width=canvas_w, height=canvas_h,
            drawing_mode="freedraw", return_image_data=True, key=f"canvas-{state.upload.digest}",
        )
    store_drawing(result)
    hints = current_hints()
    canvas_column.caption(f"Scribbles: {state.painted_pixels:,} painted pixels" if hints is not None
                          else "No scribbles yet: the model will guess all colours.")
    if not live or colorizer is None:
        preview_column.caption("Turn on **Live preview** to see the colours follow your brush.")
        return
    with preview_column:
        started = time.perf_counter()
        if run_colorize(hints, lines_on_top, region_fill):
            elapsed = (time.perf_counter() - started) * 1000
            st.image(state.result.image, caption=f"Live preview ({elapsed:.0f} ms)", width="stretch")


color, width = brush_controls()
region_fill = region_fill_controls()
workflow.palette_sidebar(original)
if fresh_visit:  # redraw saved strokes once when arriving; passing it every run would reset undo
    state.canvas_initial = state.drawing
ui.keep_widget_values(["live_preview"], {"live_preview": False})
controls = st.columns([1, 1, 2], vertical_alignment="center")
live = controls[1].toggle("Live preview", key="live_preview", help="Re-colour after every stroke.")
lines_on_top = controls[2].toggle("Crisp lines on top", value=state.kind.lines_on_top,
                                  help="Draw the sketch's own lines over flat colours: best for your own line "
                                       "art. Off: the model draws the lines, closer to the original picture.")
st.caption("Paint one stroke per region in the colour it should take. Strokes stay when you switch pages. "
           + ("Model: the one for line art, as your upload is the sketch." if state.kind.lines_on_top
              else "Model: the one for edge sketches (tick *already line art* on the Sketch page for your own line art)."))
drawing_area(color, width, live, lines_on_top, region_fill)
hints = current_hints()
workflow.scribble_files(ui.canvas_size(sketch.size), sketch, hints)
if controls[0].button("Colorize", type="primary", disabled=colorizer is None) and run_colorize(hints, lines_on_top, region_fill):
    workflow.remember_variant(state.result)

output = state.result
columns = st.columns(4)
columns[0].image(original, caption="Original", width="stretch")
columns[1].image(sketch, caption="Sketch", width="stretch")
columns[2].image(scribbles_over_sketch(hints), caption="Scribbles", width="stretch")
if output is not None:
    columns[3].image(output.image, caption="Result", width="stretch")
    workflow.result_downloads(output, sketch)
else:
    columns[3].info("Press **Colorize** to see the result here.")
workflow.variants_section(sketch)
