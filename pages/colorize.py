"""Colorize: paint colour scribbles over the sketch and let the model colour it."""
import time

import streamlit as st
from PIL import Image
from streamlit_drawable_canvas import st_canvas

from colorizer import RegionFill
from colorizer.layers import scribbles_over
from colorizer.palette import HEX_COLOUR, colour_at, hex_colour
from colorizer.pipeline import finish_layers, white_paper_default
from pages.parts import canvas, fill, ui, workflow
from pages.parts.state import Result, studio

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
    match = HEX_COLOUR.match(st.session_state.brush_hex.strip())
    if match:
        st.session_state.brush_picker = f"#{match.group(1).lower()}"
        st.session_state.brush_hex = st.session_state.brush_picker


def brush_controls() -> tuple[str, float, str]:
    """Tool, colour (picker and hex), width, zoom and undo / redo / clear in the sidebar; returns the canvas's
    stroke colour (the eraser's or the colour picker's mark in those modes), the width in picture pixels and
    the zoom (a key of canvas.ZOOMS)."""
    take_picked_colour()
    ui.keep_widget_values(["brush_picker", "brush_hex", "brush_width", "brush_tool", "pick_from", "canvas_zoom"],
                          {"brush_picker": "#e04a3f", "brush_hex": "#e04a3f", "brush_width": 8, "brush_tool": "Brush",
                           "pick_from": "Original", "canvas_zoom": "Fit"})
    clicks = st.session_state.transparent_paper and state.upload.alpha is None  # own transparency: nothing to click
    tools = ["Brush", "Eraser", "Pick colour"] + (["Clear paper"] if clicks else [])
    if st.session_state.brush_tool not in tools:  # Transparent paper was turned off
        st.session_state.brush_tool = "Brush"
    with st.sidebar:
        st.header("Brush")
        tool = st.segmented_control("Tool", tools, key="brush_tool", label_visibility="collapsed")
        if tool == "Clear paper":
            clear_paper_controls()
        if tool == "Pick colour":
            st.segmented_control("Pick from", ["Original", "Result"], key="pick_from",
                                 help="Click the canvas: the brush takes the colour of your scribble there, or else "
                                      "of this picture at the same place (the original until there is a result); "
                                      "then the tool goes back to the brush.")
        st.color_picker("Colour", key="brush_picker", on_change=sync_from_picker)
        st.text_input("Hex", key="brush_hex", on_change=sync_from_hex, help="Type an exact colour, e.g. #f2c9a0.")
        if not HEX_COLOUR.match(st.session_state.brush_hex.strip()):
            st.warning("Hex colours look like #f2c9a0; keeping the previous colour.")
        width = st.slider("Brush width (px of the picture)", 1, 60, key="brush_width")
        zoom = st.select_slider("Zoom", list(canvas.ZOOMS), key="canvas_zoom",
                                help="Enlarge the canvas to paint small parts; it scrolls inside its frame.")
        undo, redo = st.columns(2)
        # Always enabled: strokes rerun only the canvas's fragment, so the sidebar cannot follow them.
        undo.button(":material/undo:", shortcut="Ctrl+Z", on_click=canvas.undo, args=(state,), key="undo",
                    width="stretch", help="Undo the last stroke")
        redo.button(":material/redo:", shortcut="Ctrl+Y", on_click=canvas.redo, args=(state,), key="redo",
                    width="stretch", help="Redo what was undone")
        st.button("Clear all strokes", icon=":material/delete:", on_click=canvas.clear, args=(state,),
                  width="stretch", help="Undo brings them back")
    marks = {"Eraser": canvas.ERASER_MARK, "Pick colour": canvas.PICK_MARK, "Clear paper": canvas.PAPER_MARK}
    return marks.get(tool, st.session_state.brush_picker), width, zoom


def clear_paper_controls() -> None:
    """What *Clear paper* does, and a button that forgets this picture's clicks."""
    st.caption("Click paper that the character encloses (between an arm and the body): it goes transparent with "
               "the rest of the paper. A click on a part of the character clears it too; *Forget* brings it back.")
    spots = state.paper_spots
    if spots:
        st.button(f"Forget the paper clicked ({len(spots)})", icon=":material/history:", width="stretch",
                  on_click=lambda: state.clicked_paper.pop(state.upload.key, None))


def take_picked_colour() -> None:
    """Give the brush the colour the picker took on the last run (before the brush widgets exist)."""
    picked = st.session_state.pop("picked_colour", None)
    if picked:
        workflow.set_brush(picked)
        st.session_state.brush_tool = "Brush"
        st.toast(f"Brush colour {picked}", icon=":material/colorize:")


def pick_colour(point: tuple[float, float]) -> str:
    """The colour at a canvas point (x, y px): the scribble painted there, else the original picture or the
    result (*Pick from*; the original until there is a result) at the same place."""
    (x, y), (canvas_w, canvas_h) = point, state.canvas_size
    col, row = min(max(int(x), 0), canvas_w - 1), min(max(int(y), 0), canvas_h - 1)
    if state.scribbles is not None and state.scribbles.shape[:2] == (canvas_h, canvas_w) \
            and state.scribbles[row, col, 3] > 127:
        return hex_colour(state.scribbles[row, col, :3])
    use_result = st.session_state.get("pick_from") == "Result" and state.result is not None
    picture = state.result.image if use_result else original
    return colour_at(picture, x * picture.width / canvas_w, y * picture.height / canvas_h)


def current_hints() -> Image.Image | None:
    """The saved scribbles at the canvas's size (RGBA), or None when nothing is painted; the library
    brings them to its working size."""
    return Image.fromarray(state.scribbles, "RGBA") if state.painted_pixels else None


def run_colorize(hints: Image.Image | None, lines_on_top: bool, region_fill: RegionFill | None,
                 white_paper: bool) -> bool:
    """Colour the sketch into session state; failures show st.error, keep the scribbles, return False."""
    try:
        with st.spinner("Colouring…", show_time=True):
            network = ui.in_model_thread(colorizer.network_pass, sketch, hints, white_paper=white_paper,
                                         region_fill=region_fill)
            layers = finish_layers(network, region_fill, lines_on_top)
    except Exception as error:  # never lose the drawing over a failed run
        st.error(f"Colouring failed ({type(error).__name__}: {error}). Your scribbles are kept; try again.")
        return False
    state.result = Result(layers["result"], layers["flat"], hints, name, state.scribbles, state.drawing,
                          lines_on_top=lines_on_top, network=network, fill=region_fill, white_paper=white_paper)
    return True


def show_canvas(colour: str, width: float, zoom: str) -> None:
    """The canvas, as wide as its column (times ``zoom``, scrolling in a frame of that size), taking each new
    stroke into the session."""
    state.column = canvas.column_size("canvas-column") or state.column  # kept: a page switch re-measures
    canvas_w, canvas_h = canvas.canvas_size(sketch.size, state.column, zoom)
    canvas.resize(state, (canvas_w, canvas_h))
    st.markdown('<div style="height: 2.4rem"></div>', unsafe_allow_html=True)  # room for the canvas's own toolbar
    with canvas.canvas_frame((canvas_w, canvas_h), canvas.fit_canvas(sketch.size, state.column)):
        result = st_canvas(
            stroke_width=max(1, round(width * canvas_w / sketch.width)), stroke_color=colour,
            background_image=canvas.background_url(state, sketch, (canvas_w, canvas_h)),
            initial_drawing=state.canvas_initial,
            width=canvas_w, height=canvas_h, drawing_mode="freedraw", return_image_data=True,
            key=f"canvas-{state.upload.key}",
        )
    point = canvas.take_pick(state, result.json_data)
    if point is not None:
        st.session_state.picked_colour = pick_colour(point)
        st.rerun()  # the whole page, so the sidebar shows the brush's new colour
    spot = canvas.take_pick(state, result.json_data, canvas.PAPER_MARK)
    if spot is not None:
        state.clicked_paper.setdefault(state.upload.key, []).append((spot[0] / canvas_w, spot[1] / canvas_h))
        st.rerun()  # the whole page: the result beside it and below, and the count in the sidebar
    if canvas.receive(state, result.json_data, canvas.strokes_array(result.image_data)):
        st.rerun(scope="fragment")  # hand the canvas its eraser cuts
    st.caption((f"Scribbles: {state.painted_pixels:,} painted pixels" if state.painted_pixels
                else "No scribbles yet: the model will guess all colours.")
               + ("" if zoom == "Fit" else f". Zoom {zoom}: scroll inside the canvas's frame (Shift + wheel scrolls "
                                           "sideways)."))
    workflow.scribbles_download(sketch)


def show_result(colour_now: bool, live: bool, lines_on_top: bool, region_fill: RegionFill | None,
                white_paper: bool, transparent: bool) -> None:
    """The latest result beside the canvas, its region fill and lines following the settings; coloured anew when
    asked (the button, or live preview when something the network sees changed), else a note says what it lacks."""
    if state.result is not None:
        workflow.follow_settings(state.result, region_fill, lines_on_top)
    changes = ["everything"] if state.result is None else workflow.changes_since(state.result, sketch, region_fill,
                                                                                   white_paper)
    if colorizer is not None and (colour_now or (live and changes and not state.awaiting_canvas)):
        started = time.perf_counter()
        if run_colorize(current_hints(), lines_on_top, region_fill, white_paper):
            state.result.seconds, changes = time.perf_counter() - started, []
            if colour_now:
                workflow.remember_variant(state.result)
    # level with the canvas, which sits below its column's size probe (an empty element, one gap of 1rem)
    st.markdown('<div style="height: 3.4rem"></div>', unsafe_allow_html=True)
    if state.result is None:
        st.info("Press **Colorize** (or turn on **Live preview**) to see the result here.")
        return
    width = canvas.fit_canvas(sketch.size, state.column)[0]  # the canvas's size unzoomed
    st.image(ui.inline(workflow.shown_result(state.result, sketch, region_fill, transparent)),
             width=width or "stretch", caption=f"Result ({state.result.seconds * 1000:.0f} ms)")
    if changes and not state.awaiting_canvas:
        st.caption(f":material/update: Made before you changed {' and '.join(changes)}: press **Colorize** to "
                   "bring it up to date. (Region fill and *Crisp lines on top* follow at once.)")
    workflow.result_downloads(state.result, sketch, region_fill, transparent)


def white_paper_toggle(row) -> bool:
    """*White paper*: for edge sketches on by default for a character on blank paper; for line art off by default
    (its model keeps paper white itself, except around sparse drawings). Decided once per picture and kind of
    sketch; the artist's choice is kept across pages."""
    decided = f"{state.upload.key}-{state.kind.value}"
    if state.paper_decided != decided:
        st.session_state.white_paper = white_paper_default(sketch, state.kind)
        state.paper_decided = decided
    ui.keep_widget_values(["white_paper"], {"white_paper": False})
    when = ("Off by default: the line-art model keeps paper white by itself; turn it on where the paper around a "
            "simple drawing comes out tinted (parts you leave unpainted may then come out darker)."
            if state.kind.lines_on_top else "On by default when the sketch looks like one.")
    return row.toggle("White paper", key="white_paper", help="Your picture is a character on white paper: regions "
                      "touching its edge stay white unless you paint them a colour (a white stroke whitens all "
                      f"of that paper). Paint enclosed gaps (between an arm and the body) white yourself. {when}")


@st.fragment
def drawing_area(colour: str, width: float, zoom: str, colour_now: bool, live: bool, lines_on_top: bool,
                 region_fill: RegionFill | None, white_paper: bool, transparent: bool) -> None:
    """Canvas and result side by side: reruns alone after each stroke."""
    canvas_column, result_column = st.columns(2)  # fixed layout: moving the canvas would remount it
    with canvas_column:
        show_canvas(colour, width, zoom)
    with result_column:
        show_result(colour_now, live, lines_on_top, region_fill, white_paper, transparent)


ui.keep_widget_values(["live_preview", "transparent_paper"], {"live_preview": False, "transparent_paper": False})
if state.upload.alpha is not None and state.transparency_decided != state.upload.key:
    st.session_state.transparent_paper = True  # a picture with its own transparency gets it back, once per picture
    state.transparency_decided = state.upload.key
colour, width, zoom = brush_controls()
region_fill = fill.region_fill_controls()
workflow.palette_sidebar(original)
if fresh_visit:  # redraw saved strokes once when arriving; passing it every run would reset undo
    state.show_drawing(state.drawing or canvas.blank_drawing())
controls = st.container(horizontal=True, vertical_alignment="center", gap="medium")  # a narrow window wraps them
colour_now = controls.button("Colorize", type="primary", icon=":material/palette:", disabled=colorizer is None,
                             shortcut="Ctrl+Enter", help="Colour the sketch with your scribbles (Ctrl+Enter)")
live = controls.toggle("Live preview", key="live_preview", help="Re-colour after every stroke.")
lines_on_top = controls.toggle("Crisp lines on top", value=state.kind.lines_on_top,
                               help="Draw the sketch's own lines over flat colours: best for your own line "
                                    "art. Off: the model draws the lines, closer to the original picture.")
white_paper = white_paper_toggle(controls)
transparent = controls.toggle("Transparent paper", key="transparent_paper", help=workflow.TRANSPARENT_HELP)
drawing_area(colour, width, zoom, colour_now, live, lines_on_top, region_fill, white_paper, transparent)
st.caption("Paint one stroke per region in the colour it should take; the stroke sets its region's colour. "
           "Strokes stay when you switch pages. "
           + ("Model: the one for line art, as your upload is the sketch." if state.kind.lines_on_top
              else "Model: the one for edge sketches (tick *already line art* on the Sketch page for your own line art)."))
workflow.load_scribbles(state.canvas_size or canvas.canvas_size(sketch.size, None, zoom))
hints = current_hints()
st.subheader("Side by side")
output = state.result
columns = st.columns(4 if state.previous_frame is None else 5)
columns[0].image(ui.inline(original), caption="Original", width="stretch")
columns[1].image(ui.inline(sketch), caption="Sketch", width="stretch")
columns[2].image(ui.inline(scribbles_over(sketch, hints)), caption="Scribbles", width="stretch")
if output is not None:
    columns[3].image(ui.inline(workflow.shown_result(output, sketch, region_fill, transparent)), caption="Result",
                     width="stretch")
else:
    columns[3].info("Press **Colorize** to see the result here.")
if state.previous_frame is not None:  # the scribbles came from the frame before: compare the colours
    columns[4].image(ui.inline(state.previous_frame), caption="Previous frame's result", width="stretch")
workflow.variants_section(sketch)
