"""Batch: colour several frames, or every frame of an animation, with one scribble file or with scribbles painted on
a cut's key frames; download them all."""
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from PIL import Image

from colorizer import ImageLoadError, SketchKind
from colorizer.batch import KeyFrames, colour_layers, frame_names
from colorizer.images import MAX_ANIMATION_PIXELS, fit_long_side, load_alphas, load_frames, load_hints, to_rgb
from colorizer.cutout import on_checkerboard
from colorizer.layers import gif_bytes, layers_ora, scribbles_over, zip_pngs
from colorizer.sketch import looks_like_line_art
from pages.parts import fill, ui
from pages.parts.state import BatchResult, studio


PREVIEW_SIDE = 512  # px: each frame's scribbles are kept this small, for the page's four columns only


@dataclass
class Frame:
    """One frame to colour: its name (the file's stem, with _000, _001... for an animation's frames), the
    picture (RGB), its duration (ms, 0 for a still picture) and the animation it belongs to (file stem, or None)."""

    name: str
    picture: Image.Image
    duration: int
    animation: str | None
    source: bytes = b""  # the file it comes from, and its index there (for its own transparency)
    index: int = 0


@st.cache_data(max_entries=3, show_spinner="Reading frames…")  # an animation holds up to 180 MB of frames
def read_frames(data: bytes) -> list[tuple[Image.Image, int]]:
    return load_frames(data)


@st.cache_data(max_entries=3, show_spinner=False)
def read_alphas(data: bytes) -> list[Image.Image | None]:
    return load_alphas(data)


@st.cache_data(max_entries=8, show_spinner=False)
def first_frame_looks_like_line_art(file_ids: str, _picture: Image.Image) -> bool:
    """colorizer.sketch.looks_like_line_art of the batch's first frame, worked out once per set of uploads
    (``file_ids``, which decide the first frame), not on every rerun."""
    return looks_like_line_art(_picture)


def frames_of(files) -> tuple[list[Frame], dict[str, str]]:
    """Every frame of every upload, and {file name: why it cannot be read, or does not fit in the batch}."""
    frames, failures, pixels = [], {}, 0
    for upload in files:
        stem, data = Path(upload.name).stem, upload.getvalue()
        try:
            decoded = read_frames(data)
        except ImageLoadError as error:
            failures[upload.name] = str(error)
            continue
        pixels += sum(picture.width * picture.height for picture, _ in decoded)
        if pixels > MAX_ANIMATION_PIXELS:  # the results stay in the session: bound them
            failures[upload.name] = (f"The batch would hold more than {MAX_ANIMATION_PIXELS // 1_000_000} megapixels "
                                     "of frames, the most this page colours at once. Colour it in another batch, or "
                                     "use the command line (python -m colorizer batch), which has no such limit.")
            pixels -= sum(picture.width * picture.height for picture, _ in decoded)
            continue
        animation = stem if len(decoded) > 1 else None
        frames += [Frame(name, picture, duration, animation, data, index)
                   for index, (name, (picture, duration)) in enumerate(zip(frame_names(stem, len(decoded)), decoded))]
    return frames, failures


def painted_frame(names: list[str], scribble_file: str) -> int | None:
    """Index of the frame a scribble file was saved from (the Colorize page names it <frame>_scribbles.png, an
    animation's frames being <stem>_000, <stem>_001...; <frame>.png counts too, and <stem> for an animation's first
    frame, as saved before the Sketch page opened other frames); None when its name matches no frame."""
    stem = Path(scribble_file).stem.removesuffix("_scribbles")
    candidates = (stem, frame_names(stem, 2)[0])  # a still picture, or an animation's first frame
    return next((names.index(name) for name in candidates if name in names), None)


def key_frames(names: list[str], files: list) -> tuple[dict[int, object], list[str]]:
    """{index of the frame each scribble file was painted on: the file}, and the names of the files that name no
    frame, or a frame another file already has."""
    keys, unmatched = {}, []
    for file in files:
        index = painted_frame(names, file.name)
        if index is None or index in keys:
            unmatched.append(file.name)
        else:
            keys[index] = file
    return keys, unmatched


@dataclass
class PaintedScribbles:
    """The Colorize page's scribbles (RGBA, the canvas's size), taken as a scribble file saved from it would be:
    ``name`` says the frame they were painted on."""

    name: str
    hints: Image.Image


def painted_on_colorize_page() -> list[PaintedScribbles]:
    """[the scribbles painted on the Colorize page] when there are any and the artist keeps them ticked, else []."""
    state = studio()
    if state.upload is None or not state.painted_pixels:
        return []
    name = f"{state.upload.name}_scribbles.png"
    if not st.checkbox(f"Use the scribbles painted on the Colorize page ({state.upload.name})", value=True,
                       key="batch_use_painted", help="No need to download and upload them: they count as a scribble "
                       f"file named {name}, painted on the frame {state.upload.name} (a key frame when it is one of "
                       "these frames)."):
        return []
    return [PaintedScribbles(name, Image.fromarray(state.scribbles, "RGBA"))]


ui.entered_page("batch")
st.title(":material/collections: Batch")
st.markdown("Colour many frames of the same scene with one set of scribbles, so they share their colours: upload the "
            "frames, or an animated GIF, WebP or PNG of the cut. The scribbles you painted on the **Colorize** page "
            "come along (or upload scribble files saved there with *Download scribbles*); they are scaled to each "
            "frame, and with *Scribbles follow the motion* they move with the character. Where a part comes into "
            "view later in the cut, paint that frame too and upload both scribble files (key frames): each frame "
            "takes the nearest one's. The sidebar's *Region fill* is the Colorize page's. From the command line: "
            "`python -m colorizer batch --input DIR --hints FILE_OR_DIR --out DIR` (add `--follow-motion FRAME` to "
            "move one file's scribbles from the frame they were painted on, or `--follow-motion` alone with a folder "
            "of scribble files named for their key frames).")
uploads = st.file_uploader("Frames, sketches or an animation", type=["png", "jpg", "jpeg", "webp", "gif", "bmp"],
                           accept_multiple_files=True)
hint_files = st.file_uploader(
    "Scribbles (PNG, optional)", type=["png"], accept_multiple_files=True,
    help="One scribble file for every frame, or one per key frame of a cut, each named for the frame it was painted "
         "on (<frame>_scribbles.png, as the Colorize page saves it): every frame takes the nearest key frame's "
         "scribbles. Paint a key frame where a part comes into view.")
hint_files = (hint_files or []) + painted_on_colorize_page()
frames, unreadable = frames_of(uploads)
names = [f.name for f in frames]
kind = SketchKind.LINE_ART if st.checkbox("The frames already are line art", key="batch_line_art",
                                           help="Uses each frame as its sketch and colours it with the model "
                                                "for line art.") else SketchKind.SOBEL
if kind is SketchKind.SOBEL and frames and first_frame_looks_like_line_art(
        " ".join(u.file_id for u in uploads), frames[0].picture):
    st.info(f":material/draw: **{frames[0].name}** looks like line art (dark lines on light paper, hardly any colour). "
            "If the frames are, tick *The frames already are line art*: the line-art model then colours your own "
            "lines, where the edge sketch traces both sides of every line.")
settings = studio().settings
if changed := kind.changed_settings(settings):
    st.caption("Sketched with the Sketch page's settings: " + ", ".join(f"{name.replace('_', ' ')} {value}"
                                                                         for name, value in changed.items()) +
               " (*Reset to defaults* there for the defaults).")
colorizer = ui.get_colorizer(kind)
region_fill = fill.region_fill_controls()  # the sidebar's, shared with the Colorize page
if kind is SketchKind.SOBEL:  # on: decided per frame (None), as the Colorize page's default
    white_paper = None if st.checkbox(
        "White paper for characters on blank paper", value=True, key="batch_white_paper",
        help="As on the Colorize page: for a frame whose sketch is a character on blank paper, regions touching the "
             "frame's edge stay white unless the scribbles paint them.") else False
else:  # the line-art model keeps paper white itself, except around sparse drawings
    white_paper = st.checkbox(
        "White paper", value=False, key="batch_line_art_white_paper",
        help="As on the Colorize page for line art: every frame's regions touching its edge stay white unless the "
             "scribbles paint them. Off by default; turn it on where the paper around simple drawings comes out "
             "tinted.")
transparent = st.checkbox("Transparent paper", key="batch_transparent_paper",
                          help="As on the Colorize page: each frame's PNG keeps the frame's own transparency, or else "
                               "the white paper around it is transparent (an animation's GIF stays on white).")
with_layers = st.checkbox("Layers for Krita or GIMP (.ora) too", key="batch_layers",
                          help="The ZIP also holds each frame's layers as one OpenRaster file (<frame>.ora): lines, "
                               "flat colours, the result and its scribbles, stacked, as the Colorize page gives them.")
follow = st.checkbox("Scribbles follow the motion", key="batch_follow_motion", disabled=not hint_files or not frames,
                     help="For frames of one cut: the scribbles move with the character from the frame they were "
                          "painted on to each frame (optical flow between the sketches), instead of staying in place.")


def choose_key_frames() -> tuple[dict[int, object], list[str]]:
    """{frame index: the scribble file painted on it}, and the files that name no frame. Several files are key frames
    named for their frames; one file is painted on the frame the artist picks (guessed from its name) when it follows
    the motion, and is laid on every frame as it is otherwise."""
    if not hint_files or not frames:
        return {}, []
    if len(hint_files) > 1:
        painted, unmatched = key_frames(names, hint_files)
        st.caption("Key frames: " + ", ".join(f"{names[i]} ({f.name})" for i, f in sorted(painted.items())) +
                   (". Each frame takes the nearest one's scribbles." if painted else ""))
        return painted, unmatched
    if not follow:
        return {0: hint_files[0]}, []
    picked = st.selectbox(
        "The scribbles were painted on", names, key="batch_painted_on",
        index=painted_frame(names, hint_files[0].name) or 0,
        help="Guessed from the scribble file's name (<frame>_scribbles.png, as the Colorize page saves it; an "
             "animation's frames are <name>_000, <name>_001...).")
    return {names.index(picked): hint_files[0]}, []


painted, unmatched = choose_key_frames()


def colour_all(hints: dict[int, Image.Image]) -> BatchResult:
    """Colour every frame with the scribbles of the nearest key frame in ``hints`` ({frame index: scribbles}), with a
    progress bar; an animation's results also make an animated GIF."""
    cut = KeyFrames({index: (scribbles, kind.sketch(frames[index].picture, settings) if follow else None)
                     for index, scribbles in hints.items()}, follow)
    batch = BatchResult(failures=dict(unreadable))
    progress = st.progress(0.0, text="Colouring…")
    # each upload's own transparency, looked up once for all its frames (the cache hashes the file's bytes each call)
    alphas = {source: read_alphas(source) for source in {frame.source for frame in frames}} if transparent else {}
    for index, frame in enumerate(frames):
        sketch = kind.sketch(frame.picture, settings)
        scribbles = cut.scribbles(index, sketch)
        alpha = alphas[frame.source][frame.index] if transparent else None
        layers = ui.in_model_thread(colour_layers, colorizer, sketch, scribbles, kind, region_fill, white_paper,
                                    transparent=transparent, alpha=alpha)
        coloured = batch.results[f"{frame.name}_colorized.png"] = layers["result"]
        if with_layers:
            batch.layers[f"{frame.name}.ora"] = layers_ora(**layers, lines_on_top=kind.lines_on_top)
        preview = fit_long_side(scribbles_over(sketch, scribbles), PREVIEW_SIDE)
        batch.scribbles[f"{frame.name}_colorized.png"] = preview
        if frame.animation is not None:
            gif_frame = to_rgb(coloured)  # laid on white: GIF has no soft alpha
            batch.animations.setdefault(f"{frame.animation}_colorized.gif", []).append((gif_frame, frame.duration))
        progress.progress((index + 1) / len(frames), text=f"Coloured {index + 1} of {len(frames)}")
    return batch


def read_hints() -> dict[int, Image.Image]:
    """{key frame: its scribbles}; an unreadable file shows st.error and stops the page."""
    hints = {}
    for index, file in painted.items():
        try:
            hints[index] = file.hints if isinstance(file, PaintedScribbles) else load_hints(file.getvalue())
        except ImageLoadError as error:
            st.error(f"**{file.name}**: {error}")
            st.stop()
    return hints


for name, reason in unreadable.items():
    st.error(f"**{name}**: {reason}")
if unmatched:
    st.error("Each scribble file must be named for the frame it was painted on (<frame>_scribbles.png), one per "
             f"frame; these match no frame, or one another file has: **{', '.join(unmatched)}**. Rename them or "
             "leave them out.")
if st.button("Colorize all", type="primary", disabled=not frames or colorizer is None or bool(unmatched)):
    studio().batch = colour_all(read_hints())

if studio().batch is not None:
    batch = studio().batch
    st.success(f"{len(batch.results)} coloured, {len(batch.failures)} failed.")
    if batch.results:
        st.download_button("Download all (ZIP)", lambda: zip_pngs(batch.results, batch.layers),
                           file_name="colorized_frames.zip", mime="application/zip", type="primary", on_click="ignore")
        for name, animation in batch.animations.items():
            st.download_button(f"Download {name}", lambda frames=animation: gif_bytes(*zip(*frames)), file_name=name,
                               mime="image/gif", on_click="ignore", icon=":material/animated_images:")
        shown = batch.scribbles if st.toggle("Show each frame's scribbles", key="batch_show_scribbles",
                                              help="The sketch with the scribbles each frame was coloured with "
                                                   "(moved onto it when they follow the motion).") else batch.results
        columns = st.columns(4)
        for index, (name, image) in enumerate(shown.items()):
            columns[index % 4].image(ui.inline(on_checkerboard(image)), caption=name, width="stretch")
