"""Helpers shared by the pages: the cached model, page bookkeeping, widget values."""
from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from colorizer import CheckpointError, Colorizer, SketchKind, default_checkpoint, keep_freed_memory
from pages.parts.state import STATE_KEY, studio

CANVAS_LONG_SIDE = 512  # fits half of a laptop-wide page, beside the live preview


def canvas_size(size: tuple[int, int]) -> tuple[int, int]:
    """Canvas (width, height) at the picture's aspect ratio, long side CANVAS_LONG_SIDE."""
    scale = CANVAS_LONG_SIDE / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


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


@st.cache_resource(show_spinner="Loading the colorizer model…")
def load_colorizer(path: Path, precision: str = "auto") -> Colorizer:
    """One model per checkpoint for all sessions; it holds no per-request state.

    Also tells malloc to keep freed memory, so each colouring does not fault its activations
    in again (see :func:`colorizer.keep_freed_memory`).
    """
    keep_freed_memory()
    return Colorizer.load(path, precision=precision)


def get_colorizer(kind: SketchKind = SketchKind.SOBEL) -> Colorizer | None:
    """The shared model for a kind of sketch, or None after showing an st.error that says what to do.

    $COLORIZER_PRECISION (auto, float32 or bfloat16) sets the dtype it runs in.
    """
    try:
        return load_colorizer(checkpoint_path(kind), os.environ.get("COLORIZER_PRECISION", "auto"))
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
    return fresh


def keep_widget_values(keys: list[str], defaults: dict) -> None:
    """Make keyed widgets keep their values across page switches.

    Streamlit forgets a widget's state when its page is not shown; this keeps a copy
    under "kept:<key>" and puts it back when the page is shown again. Call it before
    creating the widgets, and create them with ``key=`` and no ``value=``.
    """
    for key in keys:
        if key in st.session_state:
            st.session_state[f"kept:{key}"] = st.session_state[key]
        else:
            st.session_state[key] = st.session_state.get(f"kept:{key}", defaults[key])


def require_upload() -> bool:
    """True when a picture is loaded; otherwise point the user to the Sketch page."""
    if studio().sketch is None:
        st.info("Upload a picture on the **Sketch** page first.")
        st.page_link("pages/sketch.py", label="Go to the Sketch page", icon=":material/edit:")
        return False
    return True
