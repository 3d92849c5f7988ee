"""Sketch: upload a picture and turn it into an edge sketch with live Sobel sliders."""
import hashlib
from pathlib import Path

import numpy as np
import streamlit as st
from PIL import Image

from colorizer import KERNEL_SIZES, ImageLoadError, SketchKind, SketchSettings
from colorizer.batch import frame_names
from colorizer.images import MAX_SIDE, fit_long_side, fitted_size, load_frame_and_alpha, load_image_and_alpha
from colorizer.pipeline import MAX_SKETCH_SIDE
from colorizer.layers import png_bytes
from colorizer.motion import follow_motion
from colorizer.page import check_corners, inset, page_size, straighten_page
from colorizer.sketch import ERASE_FAINT, FAINT_MARKS, SETTING_RANGES, faint_marks, shown_sketch, uneven_paper
from pages.parts import canvas, corners, ui, workflow
from pages.parts.state import Animation, FullSize, Upload, studio, turned

ui.entered_page("sketch")
st.title(":material/edit: Sketch")
state = studio()
SLIDERS = {"blur": "Blur before edges (px)", "strength": "Line strength", "threshold": "Threshold",
           "line_width": "Line width (px)"}
SLIDER_HELP = {"threshold": "Edges weaker than this vanish: raise it to remove texture and noise."}
SLIDER_DEFAULTS = {f"sketch_{k}": v for k, v in SketchSettings().as_dict().items()}
PREVIEW_SIDE = 320  # px: the preview of a sheet straightened to corners marked by hand


def receive_upload(upload) -> None:
    """Decode a new upload; a bad file shows st.error and keeps the current picture.

    When scribbles exist, the new picture waits in ``state.pending`` until the artist confirms.
    """
    data = upload.getvalue()
    digest = hashlib.sha1(data).hexdigest()
    if digest in (state.upload and state.upload.digest, state.declined):
        return
    try:
        image, alpha = load_image_and_alpha(data)
    except ImageLoadError as error:
        st.error(f"**{upload.name}**: {error}")
        return
    original = image.info.get("original_size", image.size)
    full = FullSize(data, fitted_size(original, MAX_SKETCH_SIDE)) if original != image.size else None
    if full is not None:
        st.info(f"The picture is {original[0]}x{original[1]}; working at {image.width}x{image.height} "
                f"(long side at most {MAX_SIDE} px); the Colorize page's downloads come at "
                f"{full.size[0]}x{full.size[1]}.")
    stem, frames = Path(upload.name).stem, image.info.get("frames", 1)
    offer(Upload(image, frame_names(stem, frames)[0], digest, Animation(data, stem, frames) if frames > 1 else None,
                 full=full, alpha=alpha))


def offer(pending: Upload) -> None:
    """Make ``pending`` the picture, or, when scribbles or a result exist, keep it in ``state.pending`` until the
    artist says what becomes of them."""
    if state.painted_pixels or state.result is not None:
        state.pending = pending
    else:
        state.adopt(pending)


def open_frame() -> None:
    """Open the frame of the current animation picked with *Frame* (asks first when scribbles would be lost)."""
    animation, index = state.upload.animation, st.session_state["sketch_frame"]
    try:
        image, alpha = load_frame_and_alpha(animation.data, index)
    except ImageLoadError as error:
        st.error(f"**{animation.stem}**, frame {index}: {error}")
        return
    offer(Upload(image, frame_names(animation.stem, animation.frames)[index], state.upload.digest, animation, index,
                 state.upload.full, alpha=alpha))


def frame_picker() -> None:
    """For an animation: say so, and a slider that opens another of its frames (to paint a key frame)."""
    animation = state.upload.animation
    if animation is None:
        return
    st.info(f"**{animation.stem}** is an animation of {animation.frames} frames; *Frame* picks the one to paint. Paint a "
            "frame, *Download scribbles* (named for the frame), and colour every frame on the **Batch** page. Where new "
            "parts come into view, pick that frame, choose *Replace and move scribbles onto it*, add strokes for the "
            "new parts and download its scribbles too: each frame takes the nearest painted frame's scribbles.")
    if state.pending is None:  # back on the frame shown after "Keep the current picture"
        st.session_state["sketch_frame"] = state.upload.frame
    st.slider("Frame", 0, animation.frames - 1, key="sketch_frame", on_change=open_frame,
              help="The frame of the animation to sketch and paint (0 is the first). With scribbles on the canvas, "
                   "you are asked first; *Replace and move scribbles onto it* carries them onto the new frame.")


def decline_pending() -> None:
    """Keep the current picture. A declined upload is remembered, so the uploader, which still holds it, does not
    offer it again; another frame of the current file comes from *Frame*, and remembering it would refuse the file."""
    if state.pending.digest != state.upload.digest:
        state.declined = state.pending.digest
    state.pending = None


def replace_and_move_scribbles() -> None:
    """Make the pending upload the picture and carry the scribbles onto it along the motion between the two
    sketches (the next frame of a cut keeps its colours)."""
    upload, scribbles, before = state.pending, Image.fromarray(state.scribbles, "RGBA"), state.sketch
    try:
        after = state.kind.sketch(upload.image, state.settings)
        canvas_size = canvas.canvas_size(after.size, state.column, st.session_state.get("canvas_zoom", "Fit"))
        moved = follow_motion(scribbles, before, after, canvas_size)
    except Exception as error:  # never lose the drawing
        st.error(f"Could not move the scribbles ({type(error).__name__}: {error}). The current picture and its "
                 "scribbles are kept; replace without them, or keep the current picture.")
        return
    previous = state.result.image if state.result is not None else None
    state.adopt(upload)
    state.previous_frame = previous
    workflow.put_on_canvas(moved, canvas_size)


def ask_before_replacing() -> None:
    """Ask before a new upload discards the current scribbles and result; scribbles can move onto it instead."""
    if state.pending is None:
        return
    st.warning(f"You opened **{state.pending.name}**. Replacing the current picture discards its result and "
               f"its scribbles ({state.painted_pixels:,} painted pixels), unless you move them onto the new "
               "picture: for the next frame of the same cut, they follow the motion between the two.")
    left, middle, right = st.columns(3)
    left.button("Replace and move scribbles onto it", on_click=replace_and_move_scribbles, type="primary",
                disabled=not state.painted_pixels or state.sketch is None, icon=":material/arrow_forward:")
    middle.button("Replace and discard scribbles", on_click=state.adopt, args=(state.pending,))
    right.button("Keep the current picture", on_click=decline_pending)


def straighten(sheet: np.ndarray | None = None) -> None:
    """Make the current photo's sheet, squared up, the picture (asks first when scribbles would be lost): the sheet
    found, or the one inside ``sheet``'s corners (float32 (4, 2) shares, ordered as colorizer.page.find_page gives).
    It is cut from the photo at its own size where the studio works on a smaller copy, so it keeps every pixel the
    camera gave it."""
    photo = state.upload
    sheet = photo.page if sheet is None else sheet
    full = photo.full and FullSize(photo.full.data, fitted_size(page_size(photo.full.size, sheet), MAX_SKETCH_SIDE),
                                   sheet)
    try:
        page = full.picture(photo.frame) if full else straighten_page(photo.image, sheet, max_side=MAX_SIDE)
    except ImageLoadError as error:
        st.error(f"**{photo.name}**: {error}")
        return
    image = fit_long_side(page, MAX_SIDE)
    offer(Upload(image, photo.name, photo.digest, full=full if full and full.size != image.size else None,
                 photo=photo, sheet=np.asarray(sheet, np.float32)))


def turn() -> None:
    """Turn the current picture a quarter turn clockwise, at its own size too (asks first when scribbles would be
    lost)."""
    upload = state.upload
    full = upload.full and FullSize(upload.full.data, upload.full.size[::-1], upload.full.page, (upload.full.turns + 1) % 4)
    offer(Upload(turned(upload.image, 1), upload.name, upload.digest, upload.animation, upload.frame, full,
                 upload.photo, upload.sheet, (upload.turns + 1) % 4, upload.alpha and turned(upload.alpha, 1)))


def page_notes(upload: Upload) -> None:
    """Offer to straighten a photo of a sheet on a table (the sheet found, or corners marked by hand); once
    straightened, offer the photo as taken back."""
    if upload.photo is not None:
        st.caption(f":material/crop_free: Straightened to the sheet of paper ({upload.image.width}x"
                   f"{upload.image.height}).")
        st.button("Use the photo as taken", on_click=offer, args=(upload.photo,), icon=":material/undo:")
        return
    if not upload.straightenable:
        return
    if upload.page is not None:
        st.info(":material/crop_free: This looks like a photo of a sheet of paper on a table. *Straighten the page* "
                "crops it to the sheet and squares it up, so the table does not become lines and the drawing is not "
                "skewed.")
        st.button("Straighten the page", on_click=straighten, type="primary", icon=":material/crop_free:")
    with st.expander("Mark the sheet's corners yourself", key=f"marking-{upload.key}", on_change="rerun") as marking:
        if marking.open:  # its canvas mounts only once opened: a hidden one reran the page after each upload
            mark_sheet(upload)


def mark_sheet(upload: Upload) -> None:
    """Click the sheet's four corners on the photo, see the sheet squared up, and straighten to them."""
    st.caption("For a photo of a drawing whose sheet was not found, or not where it lies: click the four corners of "
               "the sheet on the photo, in any order (the last four points count; the canvas's undo takes one back).")
    left, right = st.columns(2)
    with left:
        marked = corners.mark_corners(upload.image, upload.page, state.column, key=f"corners-{upload.key}")
    try:
        sheet = inset(check_corners(marked))
    except ValueError as error:
        right.error(str(error))
        return
    preview = corners.squared_up(upload.key, sheet, PREVIEW_SIDE, upload.image)
    right.image(ui.inline(preview), caption="The sheet, squared up")
    right.button("Straighten to these corners", on_click=straighten, args=(sheet,), icon=":material/crop_free:")


def suggest_line_art(upload: Upload, invert: bool) -> None:
    """Say so when an upload being edge-sketched looks like line art (dark on light, or light on dark)."""
    for light_lines, looks in zip((False, True), upload.looks_like_line_art):
        if looks:
            lines = "light lines on a dark ground" if light_lines else "dark lines on light paper"
            toggle = " and set *Invert*" if light_lines and not invert else ""
            st.info(f":material/draw: This looks like line art ({lines}, hardly any colour). If it is, tick *This "
                    f"upload is already line art*{toggle}: the line-art model then colours your own lines, where "
                    "the edge sketch traces both sides of every line.")
            return


def sketch_notes(kind: SketchKind, settings: SketchSettings, upload: Upload, sketch: Image.Image) -> None:
    """Notes under the preview: line art suggested for an edge-sketched upload that looks like it; for line art,
    faint marks worth erasing, and the paper's lighting evened out."""
    if kind is SketchKind.SOBEL:
        suggest_line_art(upload, settings.invert)
        return
    if not settings.erase_faint and (share := faint_marks(sketch)) >= FAINT_MARKS:
        st.caption(f":material/ink_eraser: Faint marks (smudges, construction lines, grain) cover {share:.0%} of the "
                   "picture. *Erase faint marks* in the sidebar (about 0.2 for a pencil scan) clears them, so colour "
                   "spreads past them.")
    if settings.even_lighting and uneven_paper(upload.image, settings.invert):
        st.caption(":material/light_mode: The paper is lit unevenly (a photo of a drawing?), so the sketch evens out "
                   "its lighting and whitens it. If that greys or whitens part of your drawing, turn off *Even out "
                   "the paper's lighting* in the sidebar.")


def reset_settings() -> None:
    """Every setting back to its default, the shown widgets' and those kept for the other kind of upload."""
    for key, value in SLIDER_DEFAULTS.items():
        st.session_state[f"kept:{key}"] = value
        if key in st.session_state:
            st.session_state[key] = value


def keep_settings(*names: str) -> None:
    """Keep these settings' widgets across page switches; only for widgets shown in this run (a value put back
    for a hidden widget would outlive the widget's own once it shows)."""
    keys = [f"sketch_{name}" for name in names]
    ui.keep_widget_values(keys, SLIDER_DEFAULTS)


def current_settings() -> SketchSettings:
    """The settings the shown widgets say, and for the other kind's hidden widgets their kept values."""
    value = lambda key, default: st.session_state.get(key, st.session_state.get(f"kept:{key}", default))
    return SketchSettings(**{name: value(f"sketch_{name}", default)
                             for name, default in SketchSettings().as_dict().items()})


def settings_sidebar(kind: SketchKind) -> SketchSettings:
    """Sliders for the Sobel settings (ranges from SETTING_RANGES), or for ready line art: invert, even lighting and
    erase faint marks."""
    with st.sidebar:
        st.header("Sketch settings")
        keep_settings("invert")
        st.toggle("Invert (light lines on dark)", key="sketch_invert")
        if kind is SketchKind.LINE_ART:
            keep_settings("even_lighting", "erase_faint")
            st.toggle("Even out the paper's lighting", key="sketch_even_lighting",
                      help="For a photo of a drawing: where the light falls off across the page (a gradient, dark "
                           "corners), the sketch divides it out and whitens the paper. Evenly lit line art and scans "
                           "are left as they are.")
            st.slider("Erase faint marks", ERASE_FAINT.low, ERASE_FAINT.high, step=ERASE_FAINT.step,
                      key="sketch_erase_faint",
                      help="Marks lighter than this (a share of black) vanish: pencil smudges, erased lines, "
                           "construction lines, paper grain. Colour then spreads past them, and the model does not "
                           "take them for texture. 0 keeps every mark; 0.2 suits a pencil scan.")
        if kind is SketchKind.SOBEL:
            keep_settings("kernel_size", *SLIDERS, "binarize")
            st.select_slider("Sobel kernel size", options=list(KERNEL_SIZES), key="sketch_kernel_size",
                             help="Larger kernels give smoother, bolder edges.")
            for name, label in SLIDERS.items():
                allowed = SETTING_RANGES[name]
                st.slider(label, allowed.low, allowed.high, step=allowed.step, key=f"sketch_{name}",
                          help=SLIDER_HELP.get(name))
            st.toggle("Pure black lines", key="sketch_binarize")
        st.button("Reset to defaults", on_click=reset_settings)
    return current_settings()


ui.keep_widget_values(["sketch_line_art"], {"sketch_line_art": False})
upload = st.file_uploader("Upload an anime picture or line art", type=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
                          help="PNG, JPEG, WebP, GIF or BMP, up to 25 MB; of an animation, pick the frame below.")
if upload is not None:
    receive_upload(upload)
ask_before_replacing()
line_art = st.checkbox("This upload is already line art (use it as the sketch)", key="sketch_line_art",
                       help="Skips edge detection; set Invert for white lines on black.")
kind = SketchKind.LINE_ART if line_art else SketchKind.SOBEL
settings = settings_sidebar(kind)

if state.upload is None:
    st.info("Upload a PNG, JPEG, WebP, GIF or BMP picture to start.")
    st.stop()

frame_picker()
page_notes(state.upload)
if state.upload.animation is None:
    st.button("Turn 90°", on_click=turn, icon=":material/rotate_right:",
              help="Turns the picture a quarter turn clockwise (a scan or a sheet that came out sideways). Straighten a "
                   "photo of a sheet first, then turn it.")
original = state.upload.image
state.kind, state.settings, state.sketch = kind, settings, kind.sketch(original, settings)
shown = shown_sketch(state.sketch, kind, settings)
left, right = st.columns(2)
left.image(ui.inline(original), caption=f"Original, {original.width}x{original.height}", width="stretch")
right.image(ui.inline(shown), caption="Sketch (live preview)", width="stretch")
sketch_notes(kind, settings, state.upload, state.sketch)
st.download_button("Download sketch (PNG)", png_bytes(shown), file_name=f"{state.upload.name}_sketch.png",
                   mime="image/png")
st.page_link("pages/colorize.py", label="Next: paint colour scribbles", icon=":material/brush:")
