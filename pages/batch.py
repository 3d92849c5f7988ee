"""Batch: colour several frames with one scribble file, then download them all as a ZIP."""
from pathlib import Path

import streamlit as st
from PIL import Image

from colorizer import ImageLoadError, RegionFill, SketchKind, load_image
from colorizer.batch import colorize_picture
from colorizer.images import load_hints
from colorizer.layers import zip_pngs
from pages.parts import ui
from pages.parts.state import studio

ui.entered_page("batch")
st.title(":material/collections: Batch")
st.markdown("Colour many frames of the same scene with one set of scribbles, so they share their colours. "
            "Save scribbles on the **Colorize** page with *Download scribbles*; they are scaled to each frame, and "
            "with *Scribbles follow the motion* they move with the character. "
            "From the command line: `python -m colorizer batch --input DIR --hints FILE_OR_DIR --out DIR` "
            "(add `--follow-motion FRAME` to move the scribbles from the frame they were painted on).")
frames = st.file_uploader("Frames or sketches", type=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
                          accept_multiple_files=True)
hint_file = st.file_uploader("Scribbles for every frame (PNG, optional)", type=["png"])
kind = SketchKind.LINE_ART if st.checkbox("The frames already are line art", key="batch_line_art",
                                           help="Uses each frame as its sketch and colours it with the model "
                                                "for line art.") else SketchKind.SOBEL
colorizer = ui.get_colorizer(kind)
region_fill = RegionFill() if st.checkbox("Fill regions with hint colours", value=True, key="batch_region_fill",
                                          help="As on the Colorize page, with its default settings.") else None
paper_auto = kind is SketchKind.SOBEL and st.checkbox(  # the line-art model keeps paper white itself
    "White paper for characters on blank paper", value=True, key="batch_white_paper",
    help="As on the Colorize page: for a frame whose sketch is a character on blank paper, regions touching the "
         "frame's edge stay white unless the scribbles paint them.")
white_paper = None if paper_auto else False  # None: decided per frame
follow = st.checkbox("Scribbles follow the motion", key="batch_follow_motion", disabled=hint_file is None or not frames,
                     help="For frames of one cut: the scribbles move with the character from the frame they were "
                          "painted on to each frame (optical flow between the sketches), instead of staying in place.")
painted_on = st.selectbox("The scribbles were painted on", [f.name for f in frames], key="batch_painted_on"
                          ) if follow and frames and hint_file is not None else None


def painted_on_sketch(files) -> Image.Image | None:
    """The sketch of the frame the scribbles were painted on ("L"), when they follow the motion."""
    if painted_on is None:
        return None
    frame = next(upload for upload in files if upload.name == painted_on)
    return kind.sketch(load_image(frame.getvalue()))


def colour_all(files, hints_data) -> tuple[dict, dict]:
    """({output name: result}, {file name: error}) for every uploaded file, with a progress bar."""
    results, failures = {}, {}
    try:
        key_sketch = painted_on_sketch(files)
    except ImageLoadError as error:
        return results, {painted_on: f"the scribbles were painted on it, and it cannot be read: {error}"}
    progress = st.progress(0.0, text="Colouring…")
    for index, upload in enumerate(files):
        try:
            picture = load_image(upload.getvalue())
            hints = load_hints(hints_data) if hints_data is not None else None
            coloured = ui.in_model_thread(colorize_picture, colorizer, picture, hints, kind, region_fill, white_paper,
                                          key_sketch)
            results[f"{Path(upload.name).stem}_colorized.png"] = coloured
        except ImageLoadError as error:
            failures[upload.name] = str(error)
        progress.progress((index + 1) / len(files), text=f"Coloured {index + 1} of {len(files)}")
    return results, failures


if st.button("Colorize all", type="primary", disabled=not frames or colorizer is None):
    results, failures = colour_all(frames, hint_file.getvalue() if hint_file is not None else None)
    studio().batch = (results, failures)

if studio().batch is not None:
    results, failures = studio().batch
    st.success(f"{len(results)} coloured, {len(failures)} failed.")
    for name, reason in failures.items():
        st.error(f"**{name}**: {reason}")
    if results:
        st.download_button("Download all (ZIP)", zip_pngs(results), file_name="colorized_frames.zip",
                           mime="application/zip", type="primary")
        columns = st.columns(4)
        for index, (name, image) in enumerate(results.items()):
            columns[index % 4].image(ui.inline(image), caption=name, width="stretch")
