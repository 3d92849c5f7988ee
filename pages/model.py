"""Model: what each served checkpoint is, where it is strong and weak (the benchmark), its curves and card."""

import streamlit as st
import torch
from PIL import Image

from colorizer import SketchKind
from colorizer import report
from colorizer.checkpoint import describe_samples, training_totals
from colorizer.model import describe
from pages.parts import ui

KINDS = {"Edge sketches (Sketch page sliders)": SketchKind.SOBEL,
         "Line art (uploads that already are line art)": SketchKind.LINE_ART}
PATHS = {SketchKind.SOBEL: "sobel", SketchKind.LINE_ART: "line art"}  # the benchmark's name of each path
METHODS = {"app": "Studio (what Colorize shows)", "network": "Model alone", "bucket fill": "Bucket fill",
           "hint fill (oracle)": "Hint fill (reads the truth)"}
COLUMNS = {"psnr": "PSNR dB ↑", "ciede2000": "CIEDE2000 ↓", "region_ciede2000": "stroked regions ΔE ↓",
           "streak": "streak ΔE ↓", "coverage": "one stroke fills ↑", "leakage": "one stroke leaks ↓"}


def facts_list(colorizer) -> list[str]:
    meta = colorizer.meta
    samples = describe_samples(meta)
    return [
        f"**Checkpoint**: `{colorizer.path.name}`, {describe(colorizer.config)}; sketch + RGB hints in, RGB out",
        f"**Training data**: {meta.get('data', 'unknown')} ({meta.get('train_images', '?')} images)",
        *([f"**{'Last run trained on' if 'warm_start' in meta else 'Trained on'}**: {samples}"] if samples else []),
        f"**Loss**: {meta.get('loss', 'unknown')}; **hardware**: {meta.get('hardware', 'unknown')}",
        f"**Runs at**: long side up to {colorizer.work_side} px (larger pictures are scaled down, the result back up)",
        f"**Precision**: {colorizer.dtype_name}{' (native on this CPU)' if colorizer.dtype == torch.bfloat16 else ''}, "
        f"{colorizer.kernels} kernels",
    ]


def benchmark_section(path: str, checkpoint) -> None:
    """The per-set table at 10 strokes, the curves and the Hint-AUC table, as the benchmark files say."""
    folder = report.BENCHMARK_DIR
    rows = report.headline(folder, path)
    if not rows:
        st.info("No benchmark files for this model (models/eval; `python -m training.evaluate`).")
        return
    st.subheader(f"Benchmark: {report.HEADLINE_STROKES} strokes on three kinds of picture")
    if not report.benchmarked(folder, path, report.file_sha256(checkpoint)):
        st.warning("These figures were measured for another checkpoint than the one served now.")
    st.dataframe([{"pictures": f"{report.SET_NAMES.get(r['set'], r['set'])} ({int(r['images'])})",
                   "method": METHODS.get(r["method"], r["method"]),
                   **{label: round(r[key], 3 if key in ("coverage", "leakage") else 2) for key, label in COLUMNS.items()}}
                  for r in rows], hide_index=True)
    st.caption("Held-out face frames (256 px), full-body stickers on white and illustrations (512 px), with the "
               "same seeded strokes for every method. Streak: how far the colour under a stroke differs from the "
               "rest of its region. One stroke: the share of a region that takes the colour of one stroke in it, "
               "and the share of the rest of the picture that changes. Record: " + report.record(folder).get("command", "?"))
    for plot in (report.STROKE_PLOT, report.HINT_AUC_PLOT):
        if (folder / plot).is_file():
            st.image(ui.inline(Image.open(folder / plot)))
    if auc := report.hint_auc_rows(folder, path):
        st.markdown("**Hint-AUC** (the field's protocol: hints on the largest regions first, from 1 % to all of them)")
        st.dataframe([{"pictures": report.SET_NAMES.get(r["set"], r["set"]), "method": METHODS.get(r["method"], r["method"]),
                       "Hint-AUC PSNR ↑": round(r["auc_psnr"], 2), "Hint-AUC SSIM ↑": round(r["auc_ssim"], 3),
                       "few strokes (1-5 %) PSNR ↑": round(r["few_stroke_psnr"], 2)} for r in auc], hide_index=True)


ui.entered_page("model")
st.title(":material/model_training: Model")
ui.keep_widget_values(["model_kind"], {"model_kind": next(iter(KINDS))})
choice = st.radio("Model for", list(KINDS), key="model_kind", horizontal=True,
                  help="The studio serves one model per kind of sketch; the Colorize and Batch pages pick it for you.")
colorizer = ui.get_colorizer(KINDS[choice])
if colorizer is None:
    st.stop()

steps, minutes = training_totals(colorizer.meta)
columns = st.columns(3)
columns[0].metric("Parameters", f"{colorizer.parameter_count / 1e6:.1f} M")
columns[1].metric("Training steps", steps or "?", help="All runs behind these weights, warm starts included.")
columns[2].metric("Training time", f"{minutes} min" if minutes is not None else "?", help="Wall time of all runs.")
st.markdown("\n".join(f"- {fact}" for fact in facts_list(colorizer)))
benchmark_section(PATHS[KINDS[choice]], colorizer.path)
if (curve := report.loss_curve(colorizer.path)) is not None:
    st.image(ui.inline(Image.open(curve)), caption="Training loss and validation PSNR of the last run")
card = colorizer.path.with_name("MODEL_CARD.md")
if card.is_file():
    with st.expander("Model card"):
        st.markdown(card.read_text())
with st.expander("Raw checkpoint metadata"):
    st.json(colorizer.meta)
