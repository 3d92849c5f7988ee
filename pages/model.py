"""Model: facts about the served checkpoints (edge sketches, line art)."""

import streamlit as st
import torch

from colorizer.checkpoint import LINE_ART_CHECKPOINT, training_totals
from colorizer.model import describe
from pages.parts import ui

BFLOAT16_NOTE = ": this CPU does bfloat16 maths natively, which is faster than float32 (README, Speed)"

KINDS = {"Edge sketches (Sketch page sliders)": False, "Line art (uploads that already are line art)": True}

ui.entered_page("model")
st.title(":material/model_training: Model")
ui.keep_widget_values(["model_kind"], {"model_kind": next(iter(KINDS))})
kind = st.radio("Model for", list(KINDS), key="model_kind", horizontal=True,
                help="The studio serves one model per kind of sketch; the Colorize and Batch pages pick it for you.")
colorizer = ui.get_colorizer(KINDS[kind])
if colorizer is None:
    st.stop()

meta, config = colorizer.meta, colorizer.config
st.markdown(f"**Checkpoint**: `{colorizer.path.name}`")
columns = st.columns(4)
columns[0].metric("Parameters", f"{colorizer.parameter_count:,}")
steps, minutes = training_totals(meta)
warm = " (warm start included)" if "warm_start" in meta else ""
columns[1].metric("Training steps", steps or "?", help=f"All training{warm}")
columns[2].metric("Training time", f"{minutes if minutes is not None else '?'} min", help=f"Wall time{warm}")
psnr = meta.get("val_psnr_10_strokes")
columns[3].metric("Validation PSNR (Sobel)", f"{psnr:.2f} dB" if psnr else "n/a",
                  help="During training, on held-out frames' Sobel sketches with 10 seeded strokes. The line-art "
                       "model's figures on line art are in the model card.")
st.markdown(
    f"- **Architecture**: {describe(config)}; 4 inputs (sketch + RGB hints), RGB out\n"
    f"- **Training data**: {meta.get('data', 'unknown')} ({meta.get('train_images', '?')} images)\n"
    f"- **Loss**: {meta.get('loss', 'unknown')}\n"
    f"- **Hardware**: {meta.get('hardware', 'unknown')}\n"
    f"- **Runs at**: long side up to {colorizer.work_side} px, result resized to the sketch's size\n"
    f"- **Precision**: {colorizer.dtype_name}{BFLOAT16_NOTE if colorizer.dtype == torch.bfloat16 else ''}\n"
    f"- **Kernels**: {colorizer.kernels}"
)
card = colorizer.path.with_name("MODEL_CARD.md")
if card.is_file():
    with st.expander("Model card", expanded=True):
        st.markdown(card.read_text())
line_art_model = colorizer.path.name == LINE_ART_CHECKPOINT.name  # its files beside it carry a suffix
benchmark = colorizer.path.parent / "eval"  # the Sobel model's benchmark
if line_art_model:
    st.info("This model's benchmark on line art (Canny and XDoG drawings) is in the model card: "
            "*The line-art model*.")
elif (benchmark / "summary.md").is_file():
    st.subheader("Benchmark: quality by number of hints")
    st.caption("From `python -m training.evaluate` on held-out frames; every method sees the same frozen hints. "
               "Hint ΔE: CIEDE2000 between each painted colour and the result under it. Leakage: colour "
               "contrast lost across lines, in CIEDE2000 units.")
    if (benchmark / "quality_vs_hints.png").is_file():
        st.image(str(benchmark / "quality_vs_hints.png"))
    with st.expander("Tables", expanded=False):
        st.markdown((benchmark / "summary.md").read_text())
curve = colorizer.path.with_name("loss_curve_line_art.png" if line_art_model else "loss_curve.png")
if curve.is_file():
    st.image(str(curve), caption="Training loss and validation PSNR during training")
with st.expander("Raw checkpoint metadata"):
    st.json(meta)
