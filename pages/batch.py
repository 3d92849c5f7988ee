"""Batch: colour several frames, or every frame of an animation, with one scribble file; download them all."""
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from PIL import Image

from colorizer import ImageLoadError, RegionFill, SketchKind
from colorizer.batch import colour_sketch, frame_names, frame_scribbles
from colorizer.images import load_frames, load_hints
from colorizer.layers import gif_bytes, zip_pngs
from pages.parts import ui, workflow
from pages.parts.state import BatchResult, studio


@dataclass
class Frame:
    """One frame to colour: its name (the file's stem, with _000, _001... for an animation's frames), the
    picture (RGB), its duration (ms, 0 for a still picture) and the animation it belongs to (file stem, or None)."""

    name: str
    picture: Image.Image
    duration: int
    animation: str | None


@st.cache_data(max_entries=3, show_spinner="Reading frames…")  # an animation holds up to 180 MB of frames
def read_frames(data: bytes) -> list[tuple[Image.Image, int]]:
    return load_frames(data)


def frames_of(files) -> tuple[list[Frame], dict[str, str]]:
    """Every frame of every upload, and {file name: why it cannot be read}."""
    frames, failures = [], {}
    for upload in files:
        stem = Path(upload.name).stem
        try:
            decoded = read_frames(upload.getvalue())
        except ImageLoadError as error:
            failures[upload.name] = str(error)
            continue
        animation = stem if len(decoded) > 1 else None
        frames += [Frame(name, picture, duration, animation)
                   for name, (picture, duration) in zip(frame_names(stem, len(decoded)), decoded)]
    return frames, failures


def painted_frame_guess(names: list[str], scribble_file: str) -> int:
    """Index of the frame a scribble file was saved from (the Colorize page names it <frame>_scribbles.png, an
    animation's first frame being <frame>_000); 0 when no name matches."""
    stem = Path(scribble_file).stem.removesuffix("_scribbles")
    candidates = (stem, frame_names(stem, 2)[0])  # a still picture, or an animation's first frame
    return next((names.index(name) for name in candidates if name in names), 0)


ui.entered_page("batch")
st.title(":material/collections: Batch")
st.markdown("Colour many frames of the same scene with one set of scribbles, so they share their colours: upload the "
            "frames, or an animated GIF, WebP or PNG of the cut. Save scribbles on the **Colorize** page with "
            "*Download scribbles*; they are scaled to each frame, and with *Scribbles follow the motion* they move "
            "with the character. From the command line: `python -m colorizer batch --input DIR --hints FILE_OR_DIR "
            "--out DIR` (add `--follow-motion FRAME` to move the scribbles from the frame they were painted on).")
uploads = st.file_uploader("Frames, sketches or an animation", type=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
                           accept_multiple_files=True)
hint_file = st.file_uploader("Scribbles for every frame (PNG, optional)", type=["png"])
frames, unreadable = frames_of(uploads)
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
painted_on = st.selectbox(
    "The scribbles were painted on", [f.name for f in frames], key="batch_painted_on",
    index=painted_frame_guess([f.name for f in frames], hint_file.name) if hint_file is not None else 0,
    help="Guessed from the scribble file's name (<frame>_scribbles.png, as the Colorize page saves it). The first "
         "frame of an animation is the one the Colorize page shows.") if follow and frames and hint_file is not None else None


def colour_all(hints: Image.Image | None) -> BatchResult:
    """Colour every frame, with a progress bar; an animation's results also make an animated GIF."""
    key_sketch = next((kind.sketch(f.picture) for f in frames if f.name == painted_on), None)
    batch = BatchResult(failures=dict(unreadable))
    progress = st.progress(0.0, text="Colouring…")
    for index, frame in enumerate(frames):
        sketch, scribbles = frame_scribbles(frame.picture, hints, kind, key_sketch)
        coloured = ui.in_model_thread(colour_sketch, colorizer, sketch, scribbles, kind, region_fill, white_paper)
        batch.results[f"{frame.name}_colorized.png"] = coloured
        batch.scribbles[f"{frame.name}_colorized.png"] = workflow.scribbles_over(sketch, scribbles)
        if frame.animation is not None:
            batch.animations.setdefault(f"{frame.animation}_colorized.gif", []).append((coloured, frame.duration))
        progress.progress((index + 1) / len(frames), text=f"Coloured {index + 1} of {len(frames)}")
    return batch


def read_hints() -> Image.Image | None:
    """The scribble file, or None without one; an unreadable one shows st.error and stops the page."""
    try:
        return load_hints(hint_file.getvalue()) if hint_file is not None else None
    except ImageLoadError as error:
        st.error(f"**{hint_file.name}**: {error}")
        st.stop()


for name, reason in unreadable.items():
    st.error(f"**{name}**: {reason}")
if st.button("Colorize all", type="primary", disabled=not frames or colorizer is None):
    studio().batch = colour_all(read_hints())

if studio().batch is not None:
    batch = studio().batch
    st.success(f"{len(batch.results)} coloured, {len(batch.failures)} failed.")
    if batch.results:
        st.download_button("Download all (ZIP)", zip_pngs(batch.results), file_name="colorized_frames.zip",
                           mime="application/zip", type="primary")
        for name, animation in batch.animations.items():
            st.download_button(f"Download {name}", lambda frames=animation: gif_bytes(*zip(*frames)), file_name=name,
                               mime="image/gif", on_click="ignore", icon=":material/animated_images:")
        shown = batch.scribbles if st.toggle("Show each frame's scribbles", key="batch_show_scribbles",
                                              help="The sketch with the scribbles each frame was coloured with "
                                                   "(moved onto it when they follow the motion).") else batch.results
        columns = st.columns(4)
        for index, (name, image) in enumerate(shown.items()):
            columns[index % 4].image(ui.inline(image), caption=name, width="stretch")
