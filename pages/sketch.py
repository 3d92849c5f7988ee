"""Sketch: upload a picture and turn it into an edge sketch with live Sobel sliders."""
import hashlib
from pathlib import Path

import streamlit as st
from PIL import ImageOps

from colorizer import ImageLoadError, SketchSettings, line_art_sketch, load_image, sobel_sketch
from colorizer.images import MAX_SIDE
from colorizer.layers import png_bytes
from pages.parts import ui

ui.entered_page("sketch")
st.title(":material/edit: Sketch")


def receive_upload(upload) -> None:
    """Decode a new upload; a bad file shows st.error and keeps the current picture.

    When scribbles exist, the new picture waits in "pending_upload" until the artist confirms.
    """
    data = upload.getvalue()
    upload_id = hashlib.sha1(data).hexdigest()
    if upload_id in (st.session_state.get(ui.UPLOAD_ID), st.session_state.get("declined_upload")):
        return
    try:
        image = load_image(data)
    except ImageLoadError as error:
        st.error(f"**{upload.name}**: {error}")
        return
    original = image.info.get("original_size", image.size)
    if original != image.size:
        st.info(f"The picture is {original[0]}x{original[1]}; working at {image.width}x{image.height} "
                f"(long side at most {MAX_SIDE} px).")
    pending = {"image": image, "id": upload_id, "name": Path(upload.name).stem}
    if ui.painted_pixels() or st.session_state.get(ui.RESULT) is not None:
        st.session_state["pending_upload"] = pending
    else:
        adopt(pending)


def adopt(pending: dict) -> None:
    st.session_state.update({ui.ORIGINAL: pending["image"], ui.UPLOAD_ID: pending["id"],
                             ui.UPLOAD_NAME: pending["name"], ui.SCRIBBLES: None, ui.DRAWING: None,
                             ui.RESULT: None, "pending_upload": None})


def decline_pending() -> None:
    st.session_state["declined_upload"] = st.session_state["pending_upload"]["id"]
    st.session_state["pending_upload"] = None


def ask_before_replacing() -> None:
    """Ask before a new upload discards the current scribbles and result."""
    pending = st.session_state.get("pending_upload")
    if pending is None:
        return
    st.warning(f"You uploaded **{pending['name']}**. Replacing the current picture discards its scribbles "
               f"({ui.painted_pixels():,} painted pixels) and result.")
    left, right = st.columns(2)
    left.button("Replace and discard scribbles", on_click=adopt, args=(pending,), type="primary")
    right.button("Keep the current picture", on_click=decline_pending)


SLIDER_DEFAULTS = {f"sketch_{k}": v for k, v in SketchSettings().as_dict().items()}


def reset_settings() -> None:
    st.session_state.update(SLIDER_DEFAULTS)


def settings_sidebar(line_art: bool) -> SketchSettings:
    """Sliders for the Sobel settings (only invert applies to ready line art)."""
    with st.sidebar:
        st.header("Sketch settings")
        st.toggle("Invert (light lines on dark)", key="sketch_invert")
        if not line_art:
            st.select_slider("Sobel kernel size", options=[1, 3, 5, 7], key="sketch_kernel_size",
                             help="Larger kernels give smoother, bolder edges.")
            st.slider("Blur before edges (px)", 0.0, 4.0, step=0.1, key="sketch_blur")
            st.slider("Line strength", 0.5, 5.0, step=0.1, key="sketch_strength")
            st.slider("Threshold", 0.0, 0.9, step=0.01, key="sketch_threshold",
                      help="Edges weaker than this vanish: raise it to remove texture and noise.")
            st.slider("Line width (px)", 1, 7, key="sketch_line_width")
            st.toggle("Pure black lines", key="sketch_binarize")
        st.button("Reset to defaults", on_click=reset_settings)
    values = {k: st.session_state.get(f"sketch_{k}", v) for k, v in SketchSettings().as_dict().items()}
    return SketchSettings(**values)


def make_sketch(image, settings: SketchSettings, line_art: bool):
    """(sketch for the model: dark lines on white, sketch as shown and downloaded)."""
    if line_art:
        sketch = line_art_sketch(image, invert=settings.invert)
        return sketch, sketch
    plain = sobel_sketch(image, **{**settings.as_dict(), "invert": False})
    return plain, (ImageOps.invert(plain) if settings.invert else plain)


ui.keep_widget_values([*SLIDER_DEFAULTS, "sketch_line_art"], SLIDER_DEFAULTS | {"sketch_line_art": False})
upload = st.file_uploader("Upload an anime picture or line art", type=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
                          help="PNG, JPEG, WebP, GIF (first frame) or BMP, up to 25 MB.")
if upload is not None:
    receive_upload(upload)
ask_before_replacing()
line_art = st.checkbox("This upload is already line art (use it as the sketch)", key="sketch_line_art",
                       help="Skips edge detection; set Invert for white lines on black.")
settings = settings_sidebar(line_art)

original = st.session_state.get(ui.ORIGINAL)
if original is None:
    st.info("Upload a PNG, JPEG or WebP picture to start.")
    st.stop()

model_sketch, shown_sketch = make_sketch(original, settings, line_art)
st.session_state[ui.SKETCH] = model_sketch
st.session_state[ui.SKETCH_SETTINGS] = settings
st.session_state[ui.SKETCH_IS_LINE_ART] = line_art
left, right = st.columns(2)
left.image(original, caption=f"Original, {original.width}x{original.height}", width="stretch")
right.image(shown_sketch, caption="Sketch (live preview)", width="stretch")
st.download_button("Download sketch (PNG)", png_bytes(shown_sketch),
                   file_name=f"{st.session_state[ui.UPLOAD_NAME]}_sketch.png", mime="image/png")
st.page_link("pages/colorize.py", label="Next: paint colour scribbles", icon=":material/brush:")
