"""Model: facts about the served checkpoints (edge sketches, line art)."""

import streamlit as st
import torch

from colorizer.checkpoint import describe_samples, is_line_art_model, training_totals
from colorizer.model import describe
from colorizer.scales import describe_passes
from pages.parts import ui

BFLOAT16_NOTE = ": this CPU does bfloat16 maths natively, which is faster than float32 (README, Speed)"

# The runs behind each kind's weights, oldest first (files beside the checkpoint; the model card tells the story).
LOSS_CURVES = {False: {"loss_curve.png": "first run (99 min)", "loss_curve_continued.png": "its continuation (72 min)",
                       "loss_curve_enlarged.png": "enlarged-crop fine-tune (42 min)",
                       "loss_curve_enlarged_recolour.png": "second enlarged-crop fine-tune, parts recoloured (40 min)",
                       "loss_curve_enlarged_crop256.png": "256 px-crop fine-tune of enlarged frames (23 min)"},
               True: {"loss_curve_line_art.png": "line-art fine-tune (60 min)",
                      "loss_curve_line_art_enlarged.png": "line-art enlarged-crop fine-tune, parts recoloured (29 min)",
                      "loss_curve_line_art_crop256.png": "line-art 256 px-crop fine-tune of enlarged frames (39 min)"}}
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
samples = describe_samples(meta)
trained_on = "Last run trained on" if "warm_start" in meta else "Trained on"  # earlier runs: the model card
facts = [
    f"**Architecture**: {describe(config)}; 4 inputs (sketch + RGB hints), RGB out",
    f"**Training data**: {meta.get('data', 'unknown')} ({meta.get('train_images', '?')} images)",
    *([f"**{trained_on}**: {samples}"] if samples else []),
    f"**Loss**: {meta.get('loss', 'unknown')}",
    f"**Hardware**: {meta.get('hardware', 'unknown')}",
    f"**Runs at**: long side up to {colorizer.work_side} px, {describe_passes(colorizer.coarse_side)}; "
    "result resized to the sketch's size",
    f"**Precision**: {colorizer.dtype_name}{BFLOAT16_NOTE if colorizer.dtype == torch.bfloat16 else ''}",
    f"**Kernels**: {colorizer.kernels}",
]
st.markdown("\n".join(f"- {fact}" for fact in facts))
card = colorizer.path.with_name("MODEL_CARD.md")
if card.is_file():
    with st.expander("Model card", expanded=True):
        st.markdown(card.read_text())
line_art_model = is_line_art_model(colorizer.path, meta)  # its files beside it carry a suffix
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
for name, run in LOSS_CURVES[line_art_model].items():
    if (curve := colorizer.path.with_name(name)).is_file():
        st.image(str(curve), caption=f"Training loss and validation PSNR: {run}")
with st.expander("Raw checkpoint metadata"):
    st.json(meta)
