"""Home: what the studio does, how to use it, and how well it colours (from the benchmark files).

It never waits for a model: both start loading in the background once the page is written, so the
first page paints at once and the Colorize page usually finds its model ready.
"""
import streamlit as st

from colorizer import report
from pages.parts.ui import entered_page, start_loading_models

entered_page("home")
st.title(":material/palette: Anime Colorizer Studio")
st.markdown(
    "Turn an anime picture or your own line art into a clean sketch, paint a few colour "
    "scribbles, and let a U-Net fill the regions with flat anime colours, on your CPU."
)
st.subheader("How to")
st.markdown(
    "1. **Sketch**: upload a PNG, JPEG, WebP, GIF or BMP picture and tune the Sobel edge sliders until the "
    "lines look right, or tick *already line art* to use your own drawing: a second model, trained "
    "on line art, colours it. A phone photo or a pencil scan works too: the page crops a photo to the sheet "
    "of paper and squares it up, evens out the light and can erase faint smudges.\n"
    "2. **Colorize**: paint colour scribbles over the sketch: one stroke per region is enough; "
    "*Region fill* in the sidebar carries each stroke's colour through its region.\n"
    "3. Press **Colorize**, compare original, sketch, scribbles and result side by side, "
    "and download the result as PNG or as layers (a ZIP, or one .ora file for Krita and GIMP); "
    "*Transparent paper* clears the white paper around a character, for a sticker.\n"
    "4. **Next frame of the cut**: upload it (or pick it with *Frame* in an animated GIF) and choose *Replace and "
    "move scribbles onto it*; the strokes follow the character. The **Batch** page colours many frames, or an "
    "animated GIF, the same way, each frame taking the scribbles of the nearest frame you painted."
)
st.page_link("pages/sketch.py", label="Start on the Sketch page", icon=":material/edit:")

rows = [r for r in report.headline(report.BENCHMARK_DIR, "sobel") if r["method"] == "app"]
if rows:
    st.subheader(f"How well it colours, with {report.HEADLINE_STROKES} strokes")
    for column, row in zip(st.columns(len(rows)), rows):
        column.metric(report.SET_NAMES.get(row["set"], row["set"]), f"{row['psnr']:.2f} dB",
                      help=f"PSNR against the original of {int(row['images'])} held-out pictures, edge sketches, "
                           "what the Colorize page shows (benchmark files in models/eval).")
    st.caption("Higher is closer to the original. Where it is strong and weak: the **Model** page.")
start_loading_models()  # last: the page is on its way to the browser before PyTorch's import competes with it
