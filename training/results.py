"""The benchmark's files: tables (CSV and Markdown), plots, its record and contact sheets.

File and column names are colorizer.report's, which the app reads them with.
"""
from __future__ import annotations

import csv
import datetime
import json
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from colorizer.report import (BENCHMARK_CSV, HINT_AUC_CSV, HINT_AUC_PLOT, HINT_AUC_SUMMARY_CSV, HEADLINE_STROKES,
                              METRICS, ONE_STROKE, RECORD_JSON, SET_NAMES, STROKE_PLOT, SUMMARY_MD, file_sha256)

from . import hint_auc

MEDIANS = ("streak", "coverage")  # summarised by the median over pictures; every other metric by the mean
CONTACT_PICTURES, THUMB = 12, 160
HINT_AUC_PER_IMAGE_CSV = "hintauc_per_image.csv"  # per picture and ratio, for paired comparisons (training.compare)


def summarise(rows: list[dict]) -> list[dict]:
    """One row per (set, path, method, strokes): the number of pictures and each metric's mean
    (median for MEDIANS), nan where no picture has the metric."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault((row["set"], row["path"], row["method"], row["strokes"]), []).append(row)
    summary = []
    for (set_name, path, method, strokes), chosen in groups.items():
        values = {m: np.array([r.get(m, np.nan) for r in chosen], float) for m in METRICS}
        stats = {m: float((np.nanmedian if m in MEDIANS else np.nanmean)(v)) if np.isfinite(v).any() else float("nan")
                 for m, v in values.items()}
        summary.append({"set": set_name, "path": path, "method": method, "strokes": strokes, "images": len(chosen),
                        **stats})
    return summary


def hint_auc_summary(auc_rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """(mean curve rows, Hint-AUC rows) per (set, path, method) from per-picture, per-ratio rows."""
    groups: dict[tuple, list[dict]] = {}
    for row in auc_rows:
        groups.setdefault((row["set"], row["path"]), []).append(row)
    curves, aucs = [], []
    for (set_name, path), chosen in groups.items():
        pictures = {}
        for row in chosen:
            pictures.setdefault(row["image"], {}).setdefault(row["method"], {})[row["alpha"]] = \
                {m: row[m] for m in hint_auc.METRICS}
        for method, result in hint_auc.summarise(list(pictures.values())).items():
            labels = {"set": set_name, "path": path, "method": method, "images": len(pictures)}
            curves += [{**labels, "alpha": alpha, **values} for alpha, values in result["curve"].items()]
            aucs.append({**labels, "auc_psnr": result["auc"]["psnr"], "auc_ssim": result["auc"]["ssim"],
                         "few_stroke_psnr": result["few_stroke_psnr"]})
    return curves, aucs


def write_csv(rows: list[dict], path: Path) -> None:
    if not rows:
        return
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(dict.fromkeys(k for row in rows for k in row)))
        writer.writeheader()
        writer.writerows(rows)


def write(out: Path, rows: list[dict], auc_rows: list[dict], command: str, checkpoints: dict[str, str]) -> dict:
    """Every table, plot and the record of one benchmark run into ``out``; returns the summaries."""
    out.mkdir(parents=True, exist_ok=True)
    summary = summarise(rows)
    curves, aucs = hint_auc_summary(auc_rows) if auc_rows else ([], [])
    write_csv(rows, out / "per_image.csv")
    write_csv(auc_rows, out / HINT_AUC_PER_IMAGE_CSV)
    write_csv(summary, out / BENCHMARK_CSV)
    write_csv(curves, out / HINT_AUC_CSV)
    write_csv(aucs, out / HINT_AUC_SUMMARY_CSV)
    record = {"command": command, "date": datetime.date.today().isoformat(),
              "checkpoints": {path: {"file": os.path.relpath(file), "sha256": file_sha256(file)}
                              for path, file in checkpoints.items()},
              **({"hint_auc_protocol": hint_auc.protocol()} if auc_rows else {})}
    (out / RECORD_JSON).write_text(json.dumps(record, indent=1) + "\n")
    (out / SUMMARY_MD).write_text(markdown(summary, aucs, command))
    plot_strokes(summary, out / STROKE_PLOT)
    if curves:
        plot_hint_auc(curves, out / HINT_AUC_PLOT)
    return {"benchmark": summary, "hint_auc": aucs}


def fmt(value) -> str:
    if isinstance(value, str):
        return value
    return "n/a" if not np.isfinite(value) else f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def headline_table(summary: list[dict]) -> list[str]:
    """Markdown: per set and path, the three methods at HEADLINE_STROKES strokes plus the one-stroke test."""
    lines = ["| set | path | method | PSNR ↑ | SSIM ↑ | CIEDE2000 ↓ | region CIEDE2000 ↓ | streak ↓ | "
             "one stroke: coverage ↑ | leakage ↓ | paper left white ↑ |", "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    index = {(s["set"], s["path"], s["method"], s["strokes"]): s for s in summary}
    for set_name, path, method in dict.fromkeys((s["set"], s["path"], s["method"]) for s in summary):
        row, one = index.get((set_name, path, method, HEADLINE_STROKES)), index.get((set_name, path, method, ONE_STROKE))
        if row is None:
            continue
        cells = [fmt(row[m]) for m in METRICS[:5]] + [fmt(one[m]) if one else "n/a" for m in ("coverage", "leakage", "paper")]
        lines.append(f"| {SET_NAMES.get(set_name, set_name)} ({row['images']}) | {path} | {method} | " + " | ".join(cells) + " |")
    return lines


def markdown(summary: list[dict], aucs: list[dict], command: str) -> str:
    lines = [f"Command: `{command}`", "", f"**{HEADLINE_STROKES} strokes, and the one-stroke test** (app = what the "
             "Colorize page shows; streak and coverage are medians over pictures, the rest means)", "",
             *headline_table(summary), "", "**PSNR (dB) by number of strokes**", "",
             "| set | path | method | " + " | ".join(str(n) for n in stroke_counts(summary)) + " |",
             "|---|---|---|" + "---:|" * len(stroke_counts(summary))]
    index = {(s["set"], s["path"], s["method"], s["strokes"]): s["psnr"] for s in summary}
    for key in dict.fromkeys((s["set"], s["path"], s["method"]) for s in summary):
        lines.append("| " + " | ".join(key) + " | " + " | ".join(fmt(index.get((*key, n), np.nan))
                                                                  for n in stroke_counts(summary)) + " |")
    if aucs:
        lines += ["", "**Hint-AUC** (hintauc 0.3.3, geodesic scribbles, 256 px metrics; few-stroke PSNR: mean over "
                  "ratios 0.01 / 0.03 / 0.05; the oracle reads the ground truth's regions: a reference, not a peer)", "",
                  "| set | path | method | Hint-AUC PSNR ↑ | Hint-AUC SSIM ↑ | few-stroke PSNR ↑ |", "|---|---|---|---:|---:|---:|"]
        lines += [f"| {a['set']} ({a['images']}) | {a['path']} | {a['method']} | {fmt(a['auc_psnr'])} | "
                  f"{fmt(a['auc_ssim'])} | {fmt(a['few_stroke_psnr'])} |" for a in aucs]
    return "\n".join(lines) + "\n"


def stroke_counts(summary: list[dict]) -> list:
    return sorted({s["strokes"] for s in summary if s["strokes"] != ONE_STROKE})


def plot_strokes(summary: list[dict], path: Path) -> None:
    """PSNR against the number of strokes, one panel per set, a line per path and method."""
    rows = [s for s in summary if s["strokes"] != ONE_STROKE]
    plot_panels(rows, "strokes", path, "strokes", "PSNR (dB)", "")


def plot_hint_auc(curves: list[dict], path: Path) -> None:
    """Hint-AUC curves: PSNR against the share of hinted regions, one panel per set."""
    rows = [{**c, "percent": 100 * c["alpha"]} for c in curves]
    plot_panels(rows, "percent", path, "hinted regions (%)", "PSNR (dB, 256 px)", ": Hint-AUC curve")


def plot_panels(rows: list[dict], x: str, path: Path, x_label: str, y_label: str, title: str) -> None:
    """PSNR against ``x`` (symmetric log axis, so 0 shows), one panel per set, a line per path and method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = list(dict.fromkeys(r["set"] for r in rows))
    figure, axes = plt.subplots(1, len(sets), figsize=(4.6 * len(sets), 3.8), squeeze=False)
    for axis, set_name in zip(axes[0], sets):
        chosen = [r for r in rows if r["set"] == set_name]
        for sketch, method in dict.fromkeys((r["path"], r["method"]) for r in chosen):
            line = sorted((r for r in chosen if (r["path"], r["method"]) == (sketch, method)), key=lambda r: r[x])
            axis.plot([r[x] for r in line], [r["psnr"] for r in line], marker="o", markersize=3,
                      linestyle="-" if sketch == "sobel" else "--", label=f"{method} ({sketch})")
        axis.set_xscale("symlog", linthresh=1)
        axis.set_title(SET_NAMES.get(set_name, set_name) + title)
        axis.set_xlabel(x_label)
        axis.grid(alpha=0.3)
    axes[0][0].set_ylabel(y_label)
    axes[0][-1].legend(fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def contact_sheets(out: Path, sets: list[str], paths: list[str], columns: list[str]) -> list[Path]:
    """One PNG per set and path: a row per picture (the first CONTACT_PICTURES), a column per saved
    output (sketch with strokes, methods) and the ground truth last, if the outputs folder has them."""
    written = []
    for set_name in sets:
        for path in paths:
            folder = out / "outputs" / set_name / path
            names = sorted(p.stem for p in (folder / columns[0]).glob("*.png"))[:CONTACT_PICTURES]
            if names:
                rows = [[folder / column / f"{name}.png" for column in columns] for name in names]
                written.append(contact_sheet(rows, columns, out / f"contact_{set_name}_{path.replace(' ', '_')}.png"))
    return written


def before_after_sheets(out: Path, before: Path, sets: list[str], paths: list[str]) -> list[Path]:
    """One PNG per set and path comparing another benchmark's ``before`` outputs (same pictures, same
    strokes) with this one's: sketch with strokes, app before, app after, truth."""
    written = []
    for set_name in sets:
        for path in paths:
            old, new = before / "outputs" / set_name / path, out / "outputs" / set_name / path
            names = sorted(p.stem for p in (new / "app").glob("*.png") if (old / "app" / p.name).is_file())
            rows = [[new / "sketch" / f"{n}.png", old / "app" / f"{n}.png", new / "app" / f"{n}.png",
                     new / "truth" / f"{n}.png"] for n in names[:CONTACT_PICTURES]]
            if rows:
                target = out / f"before_after_{set_name}_{path.replace(' ', '_')}.png"
                written.append(contact_sheet(rows, ["sketch", "before", "after", "truth"], target))
    return written


def contact_sheet(rows: list[list[Path]], titles: list[str], path: Path) -> Path:
    """A grid of THUMB px thumbnails (rows x columns of image files) with a title row; missing files stay grey."""
    sheet = Image.new("RGB", (THUMB * len(titles), THUMB * len(rows) + 18), "white")
    draw = ImageDraw.Draw(sheet)
    for column, title in enumerate(titles):
        draw.text((column * THUMB + 4, 3), title, fill="black")
    for row, files in enumerate(rows):
        for column, file in enumerate(files):
            thumb = Image.open(file).convert("RGB") if Path(file).is_file() else Image.new("RGB", (THUMB, THUMB), "grey")
            thumb.thumbnail((THUMB, THUMB))
            sheet.paste(thumb, (column * THUMB, 18 + row * THUMB))
    sheet.save(path)
    return path


def write_side_run(out: Path, rows: list[dict], summary: str, sets: list[str], paths: list[str],
                   columns: list[str]) -> None:
    """A side benchmark's files (motion_eval, paper_eval) under ``out``: per_image.csv, summary.md
    (``summary``) and contact sheets of ``columns``; prints the summary."""
    out.mkdir(parents=True, exist_ok=True)
    write_csv(rows, out / "per_image.csv")
    (out / "summary.md").write_text(summary)
    contact_sheets(out, sets, paths, columns)
    print(summary)
