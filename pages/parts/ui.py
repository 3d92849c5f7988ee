"""Helpers shared by the pages: the cached model, page bookkeeping, widget values."""
from __future__ import annotations

import base64
import io
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import streamlit as st
from PIL import Image

from colorizer.shipped import default_checkpoint
from colorizer.sketch import SketchKind
from pages.parts.state import STATE_KEY, studio

def checkpoint_path(kind: SketchKind = SketchKind.SOBEL) -> Path:
    """The checkpoint to serve for a kind of sketch.

    $COLORIZER_CHECKPOINT replaces both shipped models; for line art,
    $COLORIZER_LINE_ART_CHECKPOINT replaces it in turn. Unset: the shipped model for the kind.
    """
    names = ["COLORIZER_CHECKPOINT"]
    if kind is SketchKind.LINE_ART:
        names.insert(0, "COLORIZER_LINE_ART_CHECKPOINT")
    value = next((os.environ[name] for name in names if os.environ.get(name)), None)
    return Path(value) if value else default_checkpoint(kind)


def load_model(path: Path, precision: str):
    """A served Colorizer (imports PyTorch, so it runs in the loader's thread, never before a first paint)."""
    from colorizer import Colorizer, keep_freed_memory

    keep_freed_memory()  # each colouring reuses its activation memory (colorizer.keep_freed_memory)
    return Colorizer.load(path, precision=precision)


class ModelLoader:
    """Loads checkpoints in a background thread, once per process, and hands the same Colorizer to
    every session (it holds no per-request state). A failed load is forgotten, so the next call
    tries again."""

    def __init__(self):
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="model-loader")
        self.loads: dict[tuple[Path, str], Future] = {}
        self.lock = threading.Lock()

    def start(self, path: Path, precision: str) -> Future:
        """The load of ``path`` in ``precision``: started now unless it is under way, done, or failed before."""
        key = (path, precision)
        with self.lock:
            load = self.loads.get(key)
            if load is None or (load.done() and load.exception() is not None):
                load = self.loads[key] = self.pool.submit(load_model, path, precision)
            return load

    def run(self, function, *args, **kwargs):
        """``function(*args, **kwargs)`` on the loader's one thread, waiting for its result. Colourings
        run there, not in each script run's fresh thread, where PyTorch's CPU thread team and malloc's
        arena (colorizer.keep_freed_memory) would be set up anew each time: about 150 ms of a 512 px
        live preview. Sessions' colourings thus take turns, which a 2-core CPU does anyway."""
        return self.pool.submit(function, *args, **kwargs).result()


@st.cache_resource(show_spinner=False)
def model_loader() -> ModelLoader:
    return ModelLoader()


def in_model_thread(function, *args, **kwargs):
    """Run a colouring on the models' own thread (:meth:`ModelLoader.run`) and return its result."""
    return model_loader().run(function, *args, **kwargs)


def precision() -> str:
    """$COLORIZER_PRECISION (auto, float32 or bfloat16): the dtype the models run in."""
    return os.environ.get("COLORIZER_PRECISION", "auto")


def start_loading_models() -> None:
    """Start loading both served models in the background (returns at once)."""
    for kind in SketchKind:
        model_loader().start(checkpoint_path(kind), precision())


def get_colorizer(kind: SketchKind = SketchKind.SOBEL):
    """The shared model for a kind of sketch (waiting for it, with a spinner, while it loads), or None
    after showing an st.error that says what to do."""
    from colorizer import CheckpointError

    load = model_loader().start(checkpoint_path(kind), precision())
    try:
        if not load.done():
            with st.spinner("Loading the colorizer model…"):
                return load.result()
        return load.result()
    except (CheckpointError, ValueError) as error:
        st.error(f"The colorizer model could not be loaded. {error}")
        return None


def join_app_navigation() -> None:
    """Rerun through streamlit_app.py when Streamlit ran this page on its own.

    Until some script has called st.navigation (the first run after the server starts),
    Streamlit's old pages-folder mode runs a deep link such as /model as pages/model.py by
    itself: no page config, and every pages/*.py in the sidebar under its file name. Turning
    that mode off and rerunning sends the run through the app's st.navigation, which opens
    the same page (both modes name a page by its URL path). Only a session's first run is
    redirected: it is a page load, so no widget event is lost by the rerun.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if getattr(PagesManager, "uses_pages_directory", False) and STATE_KEY not in st.session_state:
        PagesManager.uses_pages_directory = False
        st.rerun()


def entered_page(name: str) -> bool:
    """Record the current page; True when the user just arrived from another page."""
    join_app_navigation()
    state = studio()
    fresh, state.last_page = state.last_page != name, name
    if state.upload is not None:  # every page names the picture being worked on
        picture = state.upload.image
        st.sidebar.caption(f":material/image: Picture: **{state.upload.name}**, {picture.width}x{picture.height}"
                           + (", line art" if state.kind.lines_on_top else ""))
    return fresh


def keep_widget_values(keys: list[str], defaults: dict) -> None:
    """Make keyed widgets keep their values across page switches.

    Streamlit forgets a widget's state when its page is not shown; this keeps a copy
    under "kept:<key>" and puts it back when the page is shown again. It is handed back on
    every run, so that a widget with the same key on another page (the Colorize and Batch
    pages share the region fill's) starts from it rather than from its own default. Call it
    before creating the widgets, and create them with ``key=`` and no ``value=``.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[f"kept:{key}"] = st.session_state[key]
        st.session_state[key] = st.session_state.get(f"kept:{key}", defaults[key])


def require_upload() -> bool:
    """True when a picture is loaded; otherwise point the user to the Sketch page."""
    if studio().sketch is None:
        st.info("Upload a picture on the **Sketch** page first.")
        st.page_link("pages/sketch.py", label="Go to the Sketch page", icon=":material/edit:")
        return False
    return True


PREVIEW_SIDE = 1024  # long side of the pictures the pages show (downloads keep the full size)


def inline(picture: Image.Image) -> str:
    """A picture as a data URL (JPEG, or PNG where it has transparency), at most PREVIEW_SIDE px long.

    The pages show pictures this way, not as Streamlit media files: a media file is deleted as soon as
    the run that made it is replaced, so a browser that asks for it a moment late (fast reruns, images
    below the fold) got a 404 and a broken picture.
    """
    picture = picture.copy()
    picture.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    return data_url(picture, "PNG" if picture.mode in ("RGBA", "LA") else "JPEG")


def data_url(picture: Image.Image, image_format: str) -> str:
    """``picture`` encoded as ``image_format`` ("PNG": lossless, fast compression; "JPEG": quality 90)
    in a data URL."""
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, quality=90, compress_level=1)
    return f"data:image/{image_format.lower()};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"
