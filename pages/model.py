"""Model: what each served checkpoint is, its benchmark figures and curves, and its model card."""

import streamlit as st
import torch

from colorizer import SketchKind
from colorizer.checkpoint import describe_samples, training_totals
from colorizer.model import describe
from colorizer.report import benchmark_dir, headline_psnr, loss_curve
from colorizer.scales import describe_passes
from pages.parts import ui

KINDS = {"Edge sketches (Sketch page sliders)": SketchKind.SOBEL,
         "Line art (uploads that already are line art)": SketchKind.LINE_ART}

ui.entered_page("model")
st.title(":material/model_training: Model")
ui.keep_widget_values(["model_kind"], {"model_kind": next(iter(KINDS))})
choice = st.radio("Model for", list(KINDS), key="model_kind", horizontal=True,
                  help="The studio serves one model per kind of sketch; the Colorize and Batch pages pick it for you.")
colorizer = ui.get_colorizer(KINDS[choice])
if colorizer is None:
    st.stop()

meta, benchmark = colorizer.meta, benchmark_dir(colorizer.path)
steps, minutes = training_totals(meta)
psnr = headline_psnr(benchmark / "summary.csv")
columns = st.columns(4)
columns[0].metric("Parameters", f"{colorizer.parameter_count / 1e6:.1f} M")
columns[1].metric("Training steps", steps or "?", help="All runs behind these weights, warm starts included.")
columns[2].metric("Training time", f"{minutes} min" if minutes is not None else "?", help="Wall time of all runs.")
columns[3].metric("Benchmark PSNR, 10 strokes", f"{psnr:.2f} dB" if psnr is not None else "not benchmarked",
                  help="What the Colorize page shows (model + region fill) on held-out frames, from the "
                       f"benchmark files in {benchmark.relative_to(colorizer.path.parent.parent)}.")
samples = describe_samples(meta)
facts = [
    f"**Checkpoint**: `{colorizer.path.name}`, {describe(colorizer.config)}; sketch + RGB hints in, RGB out",
    f"**Training data**: {meta.get('data', 'unknown')} ({meta.get('train_images', '?')} images)",
    *([f"**{'Last run trained on' if 'warm_start' in meta else 'Trained on'}**: {samples}"] if samples else []),
    f"**Loss**: {meta.get('loss', 'unknown')}; **hardware**: {meta.get('hardware', 'unknown')}",
    f"**Runs at**: long side up to {colorizer.work_side} px, {describe_passes(colorizer.coarse_side)}",
    f"**Precision**: {colorizer.dtype_name}{' (native on this CPU)' if colorizer.dtype == torch.bfloat16 else ''}, "
    f"{colorizer.kernels} kernels",
]
st.markdown("\n".join(f"- {fact}" for fact in facts))
if (benchmark / "quality_vs_hints.png").is_file():
    st.subheader("Benchmark: quality by number of hints")
    st.image(str(benchmark / "quality_vs_hints.png"))
    with st.expander("Tables"):
        st.markdown((benchmark / "summary.md").read_text())
if (curve := loss_curve(colorizer.path)) is not None:
    st.image(str(curve), caption="Training loss and validation PSNR of the last run")
card = colorizer.path.with_name("MODEL_CARD.md")
if card.is_file():
    with st.expander("Model card"):
        st.markdown(card.read_text())
with st.expander("Raw checkpoint metadata"):
    st.json(meta)
