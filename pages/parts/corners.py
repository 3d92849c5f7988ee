"""The sheet's corners marked by hand on the Sketch page: points clicked on the photo (the canvas's point tool), the
last four of them, starting from four handles where the sheet was found (or near the picture's corners)."""
from __future__ import annotations

import numpy as np
import streamlit as st
from PIL import Image

from colorizer.page import straighten_page
from pages.parts import canvas
from pages.parts.ui import data_url
from pages.parts.workflow import FABRIC_VERSION

HANDLE_RADIUS = 9  # px of the canvas
HANDLE_FILL, HANDLE_STROKE = "rgba(255,0,80,0.35)", "rgb(255,0,80)"
START = np.array([[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]], np.float32)  # where no sheet was found


def corner_handles(corners: np.ndarray, size: tuple[int, int]) -> dict:
    """A Fabric.js drawing of four round handles, centred on ``corners`` (float (4, 2) shares of the picture),
    on a canvas of ``size`` (width, height), drawn as the canvas's point tool draws its points."""
    handle = lambda x, y: {
        "type": "Circle", "version": FABRIC_VERSION, "left": float(x), "top": float(y), "radius": HANDLE_RADIUS,
        "originX": "center", "originY": "center", "fill": HANDLE_FILL, "stroke": HANDLE_STROKE, "strokeWidth": 2,
        "scaleX": 1, "scaleY": 1}
    return {"version": FABRIC_VERSION, "objects": [handle(*point) for point in corners * np.array(size)]}


def handle_corners(drawing: dict | None, size: tuple[int, int]) -> np.ndarray | None:
    """The centres of the last four points (circles) in a canvas ``drawing`` (Fabric.js JSON) on a canvas of
    ``size``, as float32 (4, 2) shares of the picture in the order drawn; None while it holds fewer."""
    points = [shape for shape in (drawing or {}).get("objects", []) if shape.get("type", "").lower() == "circle"]
    if len(points) < 4:
        return None
    centres = [_centre(shape) for shape in points[-4:]]
    return (np.array(centres, np.float32) / np.array(size, np.float32)).astype(np.float32)


def _centre(shape: dict) -> tuple[float, float]:
    """(x, y) canvas px of a Fabric.js circle's centre, whatever its origin (its box holds the stroke too)."""
    half = shape.get("radius", 0) * shape.get("scaleX", 1) + shape.get("strokeWidth", 0) / 2
    shift = {"left": half, "center": 0.0, "right": -half, "top": half, "bottom": -half}
    return (shape["left"] + shift.get(shape.get("originX", "left"), 0.0),
            shape["top"] + shift.get(shape.get("originY", "top"), 0.0))


@st.cache_data(max_entries=4, show_spinner=False)
def photo_url(key: str, size: tuple[int, int], _picture: Image.Image) -> str:
    """The picture (upload ``key``) at the canvas's ``size`` as a JPEG data URL: made once per picture and size,
    not on every slider move of the Sketch page."""
    return data_url(_picture.resize(size), "JPEG")


@st.cache_data(max_entries=8, show_spinner=False)
def squared_up(key: str, sheet: np.ndarray, side: int, _picture: Image.Image) -> Image.Image:
    """The preview of the picture (upload ``key``) straightened to ``sheet`` (float32 (4, 2) shares), long side at
    most ``side``: made once per picture and corners, not on every slider move."""
    return straighten_page(_picture, sheet, max_side=side)


def mark_corners(picture: Image.Image, start: np.ndarray | None, column: tuple[int, int] | None,
                 key: str) -> np.ndarray:
    """A canvas showing ``picture`` with four handles at ``start`` (float (4, 2) shares; None: START), on which
    the artist clicks the sheet's corners; returns the last four points (shares, in the order placed)."""
    from streamlit_drawable_canvas import st_canvas  # registers its component: only inside the app

    size = canvas.fit_canvas(picture.size, column)
    initial = corner_handles(START if start is None else start, size)
    result = st_canvas(background_image=photo_url(key, size, picture), initial_drawing=initial,
                       width=size[0], height=size[1], drawing_mode="point", point_display_radius=HANDLE_RADIUS,
                       stroke_width=2, stroke_color=HANDLE_STROKE, fill_color=HANDLE_FILL, return_image_data=True,
                       key=key)
    moved = handle_corners(result.json_data, size)
    return handle_corners(initial, size) if moved is None else moved
