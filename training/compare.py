"""Compare two benchmark runs picture by picture: what a shipping rule in the model card is read with.

    python -m training.compare runs/cand runs/bench-r3 --path sobel

Both folders are ``python -m training.evaluate`` outputs on the same sets and seeds. Per set, for the
app's default output: the change in PSNR at HEADLINE_STROKES strokes, Hint-AUC PSNR and the few-stroke
mean, each with a paired bootstrap 95 % interval over the pictures both runs scored (Hint-AUC without
an interval when a run predates ``hintauc_per_image.csv``); and each run's stroked-region ΔE (mean),
streak (median), one-stroke coverage (median; also its paired change per picture), leakage, its
harmful part (away from the truth; also its paired change), the harmful part within
training.metrics.NEAR px of the stroked region (the halo), the far shift, the leakage on the
background and the share of a sticker's white paper left white (means).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from colorizer.report import HEADLINE_STROKES, HINT_AUC_SUMMARY_CSV, ONE_STROKE, read_rows

from . import hint_auc
from .metrics import NEAR
from .results import HINT_AUC_PER_IMAGE_CSV
from .valsets import SETS

RESAMPLES = 2000
SIDE_BY_SIDE = {"region_ciede2000": np.mean, "streak": np.median}  # at HEADLINE_STROKES
ONE_STROKE_STATS = {"harmful_leakage": np.mean, "coverage": np.median, "leakage": np.mean,
                    "near_harmful_leakage": np.mean, "far_shift": np.mean, "background_leakage": np.mean, "paper": np.mean}
PAIRED_ONE_STROKE = ("harmful_leakage", "coverage")  # also changed per picture, in points (harmful first, as before)


def paired_interval(differences: np.ndarray, rng: np.random.Generator,
                    resamples: int = RESAMPLES) -> tuple[float, float, float]:
    """(mean, 2.5th, 97.5th percentile of bootstrap means) of per-picture differences (float (N,), N >= 1)."""
    picks = rng.integers(0, len(differences), (resamples, len(differences)))
    means = differences[picks].mean(axis=1)
    return float(differences.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def picture_values(rows: list[dict], set_name: str, path: str, strokes, metric: str,
                   method: str = "app") -> dict[str, float]:
    """{picture name: metric} of one set, path, method and stroke count from per_image.csv rows; pictures
    without a finite value (e.g. no stroke, or no character mask) are left out."""
    return {r["image"]: r[metric] for r in rows if (r["set"], r["path"], r["method"], r["strokes"])
            == (set_name, path, method, strokes) and np.isfinite(r.get(metric, np.nan))}


def picture_aucs(rows: list[dict], set_name: str, path: str, method: str = "app") -> dict[str, dict[str, float]]:
    """{picture: {"auc_psnr", "few_stroke_psnr"}} from hintauc_per_image.csv rows (per ratio)."""
    curves: dict[str, dict[float, float]] = {}
    for r in rows:
        if (r["set"], r["path"], r["method"]) == (set_name, path, method):
            curves.setdefault(r["image"], {})[r["alpha"]] = r["psnr"]
    auc = hint_auc.require_hintauc().hint_auc
    return {name: {"auc_psnr": auc(curve), "few_stroke_psnr": hint_auc.few_stroke_mean(curve)}
            for name, curve in curves.items()}


def paired(after: dict[str, float], before: dict[str, float], rng: np.random.Generator) -> tuple | None:
    """:func:`paired_interval` of after - before over the pictures in both; None if none."""
    names = sorted(set(after) & set(before))
    if not names:
        return None
    return paired_interval(np.array([after[n] - before[n] for n in names]), rng) + (len(names),)


class Run:
    """One benchmark folder's per-picture rows: ``rows`` (per_image.csv), ``auc_rows`` (per picture and
    ratio; [] for runs before they were written) and ``auc_means`` (hintauc_summary.csv)."""

    def __init__(self, folder: Path):
        folder = Path(folder)
        self.rows = read_rows(folder / "per_image.csv")
        if not self.rows:
            raise SystemExit(f"{folder} has no per_image.csv: give an output folder of python -m training.evaluate.")
        self.auc_rows = read_rows(folder / HINT_AUC_PER_IMAGE_CSV)
        self.auc_means = read_rows(folder / HINT_AUC_SUMMARY_CSV)

    def auc_mean(self, set_name: str, path: str, metric: str) -> float:
        """The set's mean Hint-AUC ``metric`` for the app's output; nan without one."""
        found = [r[metric] for r in self.auc_means if (r["set"], r["path"], r["method"]) == (set_name, path, "app")]
        return found[0] if found else float("nan")


def hint_auc_changes(after: Run, before: Run, set_name: str, path: str, rng: np.random.Generator) -> dict:
    """{metric: (mean change, low, high) or (change of set means, nan, nan)} for auc_psnr and few_stroke_psnr."""
    changes = {}
    both = after.auc_rows and before.auc_rows
    pictures = [picture_aucs(run.auc_rows, set_name, path) for run in (after, before)] if both else [{}, {}]
    for metric in ("auc_psnr", "few_stroke_psnr"):
        result = paired(*({n: v[metric] for n, v in p.items()} for p in pictures), rng)
        mean_change = after.auc_mean(set_name, path, metric) - before.auc_mean(set_name, path, metric)
        changes[metric] = result[:3] if result else (mean_change, float("nan"), float("nan"))
    return changes


def compare_set(after: Run, before: Run, set_name: str, path: str, rng: np.random.Generator) -> dict | None:
    """One set's comparison row (see the module docstring); None when the runs share no picture of it."""
    psnr = paired(*(picture_values(run.rows, set_name, path, HEADLINE_STROKES, "psnr") for run in (after, before)), rng)
    if psnr is None:
        return None
    row = {"set": set_name, "pictures": psnr[3], "psnr": psnr[:3], **hint_auc_changes(after, before, set_name, path, rng)}
    for metric, stat in {**SIDE_BY_SIDE, **ONE_STROKE_STATS}.items():
        strokes = ONE_STROKE if metric in ONE_STROKE_STATS else HEADLINE_STROKES
        values = [picture_values(run.rows, set_name, path, strokes, metric) for run in (after, before)]
        row[metric] = tuple(float(stat(list(v.values()))) if v else float("nan") for v in values)
        if metric in PAIRED_ONE_STROKE:
            change = paired(*values, rng)
            row[f"{metric}_change"] = tuple(100 * v for v in change[:3]) if change else (float("nan"),) * 3
    return row


def compare(after: Path, before: Path, path: str, seed: int = 0) -> list[dict]:
    """Per set that both runs scored, :func:`compare_set`'s row for the sketch ``path``."""
    runs, rng = (Run(after), Run(before)), np.random.default_rng(seed)
    return [row for set_name in SETS if (row := compare_set(*runs, set_name, path, rng)) is not None]


def change(values: tuple[float, float, float]) -> str:
    """"+0.50 [+0.21, +0.78]", "+0.50" without an interval, "n/a" without a value."""
    mean, low, high = values
    if np.isnan(mean):
        return "n/a"
    return f"{mean:+.2f}" if np.isnan(low) else f"{mean:+.2f} [{low:+.2f}, {high:+.2f}]"


def markdown(rows: list[dict], path: str) -> str:
    """The comparison as a Markdown table: changes with intervals, then "after (before)" figures."""
    figure = lambda value, scale, digits: "n/a" if np.isnan(value) else f"{value * scale:.{digits}f}"
    pair = lambda v, scale=1.0, digits=1: f"{figure(v[0], scale, digits)} ({figure(v[1], scale, digits)})"
    lines = [f"| set ({path}) | PSNR @{HEADLINE_STROKES} | Hint-AUC PSNR | few-stroke PSNR | stroked-region ΔE | "
             "streak ΔE | one stroke: coverage % | its change, points | leakage % | harmful leakage % | its change, points | "
             f"harmful within {NEAR} px % | far shift ΔE | on the background % | paper left white % |", "|---" * 15 + "|"]
    for r in rows:
        lines.append(f"| {r['set']} ({r['pictures']}) | {change(r['psnr'])} | {change(r['auc_psnr'])} | "
                     f"{change(r['few_stroke_psnr'])} | {pair(r['region_ciede2000'])} | {pair(r['streak'], digits=2)} | "
                     f"{pair(r['coverage'], 100)} | {change(r['coverage_change'])} | {pair(r['leakage'], 100)} | "
                     f"{pair(r['harmful_leakage'], 100)} | {change(r['harmful_leakage_change'])} | "
                     f"{pair(r['near_harmful_leakage'], 100, 2)} | "
                     f"{pair(r['far_shift'], digits=2)} | {pair(r['background_leakage'], 100)} | "
                     f"{pair(r['paper'], 100)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("after", type=Path, help="the candidate's benchmark folder")
    parser.add_argument("before", type=Path, help="the benchmark folder it is compared with")
    parser.add_argument("--path", default="sobel", choices=["sobel", "line art"])
    args = parser.parse_args(argv)
    rows = compare(args.after, args.before, args.path)
    print(markdown(rows, args.path), end="")
    return rows


if __name__ == "__main__":
    main()
