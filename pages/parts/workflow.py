"""Colorize-page tools: palette swatches, saved scribbles, layered download, variants."""
from __future__ import annotations

import hashlib

import numpy as np
import streamlit as st
from PIL import Image

from colorizer import ImageLoadError, RegionFill, SketchKind, SketchSettings, load_image, resize_hints
from colorizer.batch import at_own_size
from colorizer.cutout import clear_paper, on_checkerboard, paper_share
from colorizer.images import fit_long_side, load_hints
from colorizer.layers import layers_ora, layers_zip, png_bytes, scribbles_over
from colorizer.pipeline import MAX_SKETCH_SIDE, finish_layers
from colorizer.palette import MAX_PALETTE, PaletteFileError, palette_file, read_palette_file, suggest_palette
from pages.parts import canvas, ui
from pages.parts.state import FullSize, Result, Studio, studio

MAX_VARIANTS = 6
FABRIC_VERSION = "7.4.0"  # the Fabric.js bundled with streamlit-drawable-canvas 0.13


@st.cache_data(show_spinner=False, max_entries=32)
def cached_palette(key: str, _picture: Image.Image, k: int) -> list[str]:
    return suggest_palette(_picture, k=k)


def set_brush(colour: str) -> None:
    st.session_state.brush_picker = colour
    st.session_state.brush_hex = colour


def palette_sidebar(original: Image.Image) -> None:
    """k-means swatches of the upload or of a reference picture, then the artist's own palette; a click on a
    swatch sets the brush colour."""
    st.sidebar.subheader("Palette")
    reference = st.sidebar.file_uploader("Reference picture (optional)", type=["png", "jpg", "jpeg", "webp"],
                                         help="Take the palette from another picture, e.g. a coloured frame.")
    k = st.sidebar.slider("Colours", 4, 16, 8)
    picture, key = original, studio().upload.key
    if reference is not None:
        try:
            picture, key = load_image(reference.getvalue()), hashlib.sha1(reference.getvalue()).hexdigest()
        except ImageLoadError as error:
            st.sidebar.error(f"Reference picture: {error}")
    swatch_buttons(cached_palette(key, picture, k), "swatch")
    my_palette_sidebar()


def swatch_buttons(colours: list[str], key: str) -> None:
    """Colour swatches in two sidebar columns, each over a button that sets the brush to it."""
    columns = st.sidebar.columns(2)
    for index, colour in enumerate(colours):
        with columns[index % 2]:
            st.markdown(f"<div style='background:{colour};height:1.1rem;border-radius:4px;"
                        f"border:1px solid #8884;margin-bottom:0.2rem'></div>", unsafe_allow_html=True)
            st.button(colour, key=f"{key}-{index}", on_click=set_brush, args=(colour,), width="stretch",
                      help=f"Paint with {colour}")


def my_palette_sidebar() -> None:
    """The artist's own palette: kept across uploads in the session, saved and loaded as a GIMP palette file."""
    state = studio()
    st.sidebar.subheader("My palette")
    if state.my_palette:
        swatch_buttons(state.my_palette, "mine")
    else:
        st.sidebar.caption("Keep a character's colours here: add the brush colour, save the palette, and load it "
                           "for the character's next frames.")
    add, remove = st.sidebar.columns(2)
    add.button("Add", icon=":material/add:", on_click=add_brush_colour, width="stretch",
               disabled=len(state.my_palette) >= MAX_PALETTE, help="Add the brush colour to your palette.")
    remove.button("Remove", icon=":material/remove:", on_click=remove_brush_colour, width="stretch",
                  disabled=st.session_state.get("brush_picker") not in state.my_palette,
                  help="Take the brush colour out of your palette.")
    if state.my_palette:
        st.sidebar.download_button("Save palette (.gpl)", palette_file(state.my_palette, state.upload.name),
                                   file_name=f"{state.upload.name}_palette.gpl", mime="text/plain", on_click="ignore",
                                   icon=":material/download:", width="stretch",
                                   help="A GIMP palette file: load it here again, or in Krita, GIMP or Inkscape.")
    st.sidebar.file_uploader("Load a palette", type=["gpl", "hex", "txt"], key="palette-file", on_change=load_palette_file,
                             help="A GIMP palette (.gpl, as Krita, GIMP and this studio save them) or one hex colour "
                                  "per line. It replaces your palette.")
    if state.palette_error and st.session_state.get("palette-file") is not None:
        st.sidebar.error(state.palette_error)


def add_brush_colour() -> None:
    palette, colour = studio().my_palette, st.session_state.brush_picker
    if colour not in palette and len(palette) < MAX_PALETTE:
        palette.append(colour)


def remove_brush_colour() -> None:
    palette, colour = studio().my_palette, st.session_state.brush_picker
    if colour in palette:
        palette.remove(colour)


def load_palette_file() -> None:
    """Replace the artist's palette with the newly uploaded palette file's colours; a file that cannot be read
    keeps the palette as it was and leaves its error to show while it stays in the uploader."""
    state, uploaded = studio(), st.session_state.get("palette-file")
    state.palette_error = None
    if uploaded is None:
        return
    try:
        state.my_palette = read_palette_file(uploaded.getvalue())
    except PaletteFileError as error:
        state.palette_error = f"{uploaded.name}: {error}"


def canvas_image_object(hints: Image.Image) -> dict:
    """A Fabric.js image object that shows RGBA scribbles on the canvas at (0, 0)."""
    return {"type": "Image", "version": FABRIC_VERSION, "left": 0, "top": 0, "width": hints.width,
            "height": hints.height, "originX": "left", "originY": "top", "scaleX": 1, "scaleY": 1,
            "src": ui.data_url(hints, "PNG")}


def scribbles_download(sketch: Image.Image) -> None:
    """Download the current scribbles as a transparent PNG at the picture's size (made when clicked)."""
    state = studio()
    strokes = lambda: png_bytes(resize_hints(Image.fromarray(state.scribbles, "RGBA"), sketch.size))
    st.download_button("Download scribbles (PNG)", strokes, mime="image/png", on_click="ignore",
                       file_name=f"{state.upload.name}_scribbles.png", disabled=not state.painted_pixels,
                       icon=":material/download:")


def load_scribbles(canvas_size: tuple[int, int]) -> None:
    """Put a saved scribble PNG on the canvas, scaled to it (it replaces the strokes; undo brings them back)."""
    state = studio()
    saved = st.file_uploader("Load saved scribbles", type=["png"], key=f"scribbles-{state.upload.key}",
                             help="A scribble PNG from this or another frame; scaled to this picture.")
    if saved is None or state.loaded_scribbles == saved.file_id:
        return
    state.loaded_scribbles = saved.file_id
    try:
        strokes = load_hints(saved.getvalue(), size=canvas_size)
    except ImageLoadError as error:
        st.error(str(error))
        return
    put_on_canvas(strokes, canvas_size)
    st.rerun()


def put_on_canvas(strokes: Image.Image, canvas_size: tuple[int, int]) -> None:
    """Make RGBA scribbles (any size: scaled to ``canvas_size``, (width, height)) the canvas's drawing, as one
    undo step."""
    state = studio()
    strokes = resize_hints(strokes, canvas_size)
    drawing = {"version": FABRIC_VERSION, "objects": [canvas_image_object(strokes)]}
    canvas.remember(state, drawing)
    canvas.show(state, drawing)
    state.scribbles, state.canvas_size = np.array(strokes), canvas_size


def result_downloads(output: Result, sketch: Image.Image, fill: RegionFill | None, transparent: bool) -> None:
    """Download the result as PNG, or its layers as a ZIP (both made when clicked); for a picture larger than it is
    shown, at its own size unless the artist turns that off; with ``transparent`` (*Transparent paper*), the paper
    around the picture clear (found with the region fill's gap and line threshold, ``fill``)."""
    state = studio()
    full = state.upload.full
    at_full_size = full is not None and st.toggle(
        f"Download at full size ({full.size[0]}x{full.size[1]})", value=True, key="download_full_size",
        help=f"The studio works at {output.image.width}x{output.image.height}; the downloads are brought to your "
             f"picture's own size (long side up to {MAX_SKETCH_SIDE} px) with its lines sketched at that size.")
    frame, kind, settings, spots = state.upload.frame, state.kind, state.settings, state.paper_spots  # for a click
    alpha = state.upload.alpha
    if transparent:
        paper_note(preview_cut(output, sketch, fill, spots, alpha), alpha is not None)
    shown = {"result": output.image, "flat": output.flat, "sketch": sketch}
    if at_full_size:
        layers = lambda: full_size_layers(full, frame, output, sketch, kind, settings, fill, transparent, spots)
    else:
        layers = (lambda: clear_paper(shown, sketch, fill, spots, alpha)) if transparent else (lambda: shown)
    suffix = f"_{full.size[0]}x{full.size[1]}" if at_full_size else ""
    row = st.container(horizontal=True)  # the buttons wrap in a narrow column instead of cutting their labels short
    row.download_button("Download result (PNG)", lambda: png_bytes(layers()["result"]), on_click="ignore",
                        file_name=f"{output.name}_colorized{suffix}.png", mime="image/png", type="primary",
                        icon=":material/download:")
    row.download_button("Download layers (ZIP)", on_click="ignore",
                        data=lambda: layers_zip(output.name, **layers(), hints=output.hints),
                        file_name=f"{output.name}_layers{suffix}.zip", mime="application/zip",
                        icon=":material/layers:", help="Composite, flat colours, lines (transparent) and scribbles.")
    row.download_button("Download layers (.ora)", on_click="ignore",
                        data=lambda: layers_ora(**layers(), hints=output.hints, lines_on_top=output.lines_on_top),
                        file_name=f"{output.name}{suffix}.ora", mime="image/openraster", icon=":material/stacks:",
                        help="Layers for Krita or GIMP: one OpenRaster file that Krita, GIMP and MyPaint open with "
                             "the layers stacked: lines over flat colours (shown for crisp lines on top), the result, "
                             "and your scribbles (hidden).")


TRANSPARENT_HELP = ("The white paper around your picture becomes transparent in the downloads (result and layers), "
                    "for a sticker or to lay the character over a background. Lines and everything they enclose "
                    "stay, white parts of the character too; paper enclosed by the character (between an arm and "
                    "the body) stays white until you click it with the *Clear paper* tool (beside the brush).")


def paper_note(cut: Image.Image, own: bool = False) -> None:
    """How much paper the cut-out made transparent, or why none; ``own``: the picture had its own transparency."""
    share = paper_share(cut)
    if own:
        st.caption("Your picture has its own transparency: the downloads keep it (what was clear in it is clear in "
                   "them), instead of looking for white paper.")
    elif share == 0:
        st.info("No white paper around the picture was found, so nothing is transparent. On an edge sketch, turn "
                "on **White paper**; or paint the paper around the picture white.", icon=":material/info:")
    else:
        st.caption(f"Transparent paper: {share * 100:.0f} % of the picture (the checkerboard). Paper the character "
                   "encloses stays: click it with the *Clear paper* tool. If a part of your character went clear, "
                   "paint that part its colour, or raise *Close line gaps*.")


def preview_cut(output: Result, sketch: Image.Image, fill: RegionFill | None, spots: tuple = (),
                alpha: Image.Image | None = None) -> Image.Image:
    """The result with transparent paper (RGBA) at the size the page shows it (at most ui.PREVIEW_SIDE long),
    worked out once per result, region-fill gap and line threshold, and paper clicked (``spots``: (x, y) shares),
    or with the picture's own transparency ``alpha`` (colorizer.cutout.clear_paper); the downloads cut their own."""
    fill = fill or RegionFill()
    key = (fill.gap, fill.line_level, spots, alpha is not None)
    if key not in output.cut:
        layers = {"result": fit_long_side(output.image, ui.PREVIEW_SIDE)}
        output.cut[key] = clear_paper(layers, fit_long_side(sketch, ui.PREVIEW_SIDE), fill, spots, alpha)["result"]
    return output.cut[key]


def shown_result(output: Result, sketch: Image.Image, fill: RegionFill | None, transparent: bool) -> Image.Image:
    """The result as the page shows it: over a checkerboard where ``transparent`` (*Transparent paper*) makes the
    paper clear (and the paper clicked on this picture)."""
    if not transparent:
        return output.image
    state = studio()
    return on_checkerboard(preview_cut(output, sketch, fill, state.paper_spots, state.upload.alpha))


def full_size_layers(full: FullSize, frame: int, output: Result, sketch: Image.Image, kind: SketchKind,
                     settings: SketchSettings, fill: RegionFill | None = None, transparent: bool = False,
                     spots: tuple = ()) -> dict[str, Image.Image]:
    """{"result", "flat", "sketch"} at the picture's own size: the picture sketched again at that size and the
    result brought to it (colorizer.batch.at_own_size); with ``transparent``, result and flat colours RGBA
    with the paper clear (colorizer.cutout.clear_paper: the picture's own transparency at that size, or the paper
    found with ``fill``'s gap and line threshold, and clicked, ``spots``)."""
    picture, alpha = full.picture_and_alpha(frame)
    layers = at_own_size(output.image, output.flat, sketch, picture, kind, settings, output.lines_on_top)
    return clear_paper(layers, layers["sketch"], fill, spots, alpha) if transparent else layers


def follow_settings(output: Result, fill: RegionFill | None, lines_on_top: bool) -> None:
    """Redo ``output``'s region fill and lines in place where ``fill`` or ``lines_on_top`` (*Crisp lines on top*)
    changed and its network pass allows (colorizer.pipeline.finish_layers, no network run): a fill slider moved
    shows on the result at once."""
    network = output.network
    if (fill, lines_on_top) == (output.fill, output.lines_on_top) or network is None or not network.finishes(fill):
        return
    layers = finish_layers(network, fill, lines_on_top)
    output.image, output.flat, output.fill, output.lines_on_top = layers["result"], layers["flat"], fill, lines_on_top
    output.cut.clear()


def changes_since(output: Result, sketch: Image.Image, fill: RegionFill | None, white_paper: bool) -> list[str]:
    """What changed since ``output`` was coloured that only Colorize brings into it, in words for the artist
    (after :func:`follow_settings`): [] when it is up to date."""
    changes = [] if same_scribbles(output, studio()) else ["your scribbles"]
    if output.network is None or not np.array_equal(output.network.full_sketch, np.asarray(sketch.convert("L"))):
        changes.append("the sketch")
    if output.white_paper != white_paper:
        changes.append("*White paper*")
    elif output.network is not None and not output.network.finishes(fill):
        changes.append("*Close line gaps* or *Line threshold*, which set the White paper")
    return changes


def same_scribbles(output: Result, state: Studio) -> bool:
    """Whether the session's strokes are those ``output`` was coloured with: the same stroke pixels, or the same
    canvas drawing at any zoom (:func:`canvas.drawing_at_unit_width`; a zoom and back draws the same strokes a
    pixel apart)."""
    painted = lambda strokes: None if strokes is None or not strokes[..., 3].any() else strokes
    made, now = painted(output.scribbles), painted(state.scribbles)
    if made is None or now is None:
        return made is now
    if made.shape == now.shape and np.array_equal(made, now):
        return True
    now_width = (state.canvas_size or now.shape[1::-1])[0]  # the drawing's coordinates are the canvas's now
    drawn = (output.drawing or {}).get("objects")  # without a drawing (strokes set directly) the pixels tell
    return bool(drawn) and canvas.drawing_at_unit_width(output.drawing, made.shape[1]) == \
        canvas.drawing_at_unit_width(state.drawing, now_width)


def remember_variant(output: Result) -> None:
    """Number ``output`` and keep the last MAX_VARIANTS results with the scribbles that made them."""
    variants = studio().variants
    output.number = variants[-1].number + 1 if variants else 1
    variants.append(output)
    del variants[:-MAX_VARIANTS]


def restore_variant(variant: Result) -> None:
    state = studio()
    state.result, state.scribbles = variant, variant.scribbles
    canvas.remember(state, variant.drawing or canvas.blank_drawing())
    canvas.show(state, variant.drawing or canvas.blank_drawing())


def variants_section(sketch: Image.Image) -> None:
    """Compare two of the session's results side by side and go back to either."""
    variants = studio().variants
    if len(variants) < 2:
        return
    st.subheader("Compare variants")
    labels = {f"Variant {v.number}": v for v in variants}
    names = list(labels)
    columns = st.columns(2)
    for column, default, side in zip(columns, (len(names) - 2, len(names) - 1), "AB"):
        with column:
            variant = labels[st.selectbox(f"Variant {side}", names, index=default, key=f"variant-{side}")]
            st.image(ui.inline(variant.image), width="stretch")
            st.image(ui.inline(scribbles_over(sketch, variant.hints)), caption="its scribbles", width="stretch")
            st.button(f"Go back to variant {variant.number}", key=f"restore-{side}",
                      on_click=restore_variant, args=(variant,))
