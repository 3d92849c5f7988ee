"""Home: what the studio does, how to use it, and the loaded model in short."""
import streamlit as st

from colorizer.checkpoint import training_totals
from colorizer.report import benchmark_dir, headline_psnr
from pages.parts.ui import entered_page, get_colorizer

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
    "on line art, colours it.\n"
    "2. **Colorize**: paint colour scribbles over the sketch: one stroke per region is enough; "
    "*Region fill* in the sidebar carries each stroke's colour through its region.\n"
    "3. Press **Colorize**, compare original, sketch, scribbles and result side by side, "
    "and download the result as PNG."
)
st.page_link("pages/sketch.py", label="Start on the Sketch page", icon=":material/edit:")

colorizer = get_colorizer()
if colorizer is not None:
    meta = colorizer.meta
    st.subheader("Model")
    left, middle, right = st.columns(3)
    left.metric("Parameters", f"{colorizer.parameter_count / 1e6:.1f} M")
    middle.metric("Training steps", training_totals(meta)[0] or "?")
    psnr = headline_psnr(benchmark_dir(colorizer.path) / "summary.csv")
    right.metric("Benchmark PSNR, 10 strokes", f"{psnr:.2f} dB" if psnr is not None else "not benchmarked",
                 help="What the Colorize page shows (model + region fill) on held-out frames, from the benchmark "
                      "(models/eval, python -m training.evaluate).")
    st.caption(f"Trained on {meta.get('data', 'unknown data')}. Details on the **Model** page.")
