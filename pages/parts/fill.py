"""The region fill's settings in the sidebar, one set for the Colorize and Batch pages."""
from __future__ import annotations

import streamlit as st

from colorizer import RegionFill
from pages.parts import ui


def region_fill_controls() -> RegionFill | None:
    """The sidebar's *Region fill* settings (the Colorize and Batch pages share them); None when it is off."""
    defaults = {"fill_on": True, "fill_flatness": RegionFill.flatness, "fill_gap": RegionFill.gap,
                "fill_line_level": RegionFill.line_level, "fill_unhinted": RegionFill.unhinted,
                "fill_leak_guard": RegionFill.leak_guard > 0}
    ui.keep_widget_values(list(defaults), defaults)
    with st.sidebar:
        st.header("Region fill")
        on = st.toggle("Fill regions with hint colours", key="fill_on",
                       help="After the model, each region between lines that holds a scribble takes its colour. A "
                            "region that only the edge of your brush touched, where it ran over a line, keeps its own. "
                            "On a drawing on blank paper, a stroke whose brush runs over the outline onto the paper "
                            "does not paint the paper; one painted mostly on the paper does.")
        flatness = st.slider("Flatness", 0.0, 1.0, step=0.1, key="fill_flatness", disabled=not on,
                             help="0 keeps the model's shading inside a filled region; 1 paints it one flat colour.")
        gap = st.slider("Close line gaps (px)", 0, 8, key="fill_gap", disabled=not on,
                        help="Treat gaps in the lines up to about twice this wide as closed, so a colour stops there.")
        line_level = st.slider("Line threshold", 100, 250, step=5, key="fill_line_level", disabled=not on,
                               help="Sketch pixels darker than this are lines that stop a colour. Raise it when a "
                                    "colour runs through faint lines; lower it when soft grey shading splits a region.")
        unhinted = st.checkbox("Even out regions without scribbles too", key="fill_unhinted", disabled=not on,
                               help="Flattens the model's blotches where you painted nothing. It also blends two "
                                    "colours painted into one region towards each other: turn it off to keep them apart.")
        guard = st.checkbox("Keep colour from leaking into the paper", key="fill_leak_guard", disabled=not on,
                            help="On a drawing on blank paper, a colour that runs out through a gap in the outline "
                                 "stops where the model sees paper or another part. Turn it off for a bucket fill "
                                 "of the whole region, or close the gap with the slider above.")
    return RegionFill(gap, flatness, unhinted, line_level, RegionFill.leak_guard if guard else 0.0) if on else None
