"""Read what the shipped models' files say about them: the benchmark and the loss curves.

The pages show these figures; nothing about a run is written into page code. The benchmark
files are what ``python -m training.evaluate`` writes (``models/eval/`` for the shipped models;
the column names below are shared with its writer, training.results); a loss curve is
``<checkpoint stem>_loss_curve.png`` beside its checkpoint.
"""
from __future__ import annotations

import csv
import functools
import hashlib
import json
from pathlib import Path

BENCHMARK_DIR = Path(__file__).resolve().parent.parent / "models" / "eval"
BENCHMARK_CSV, HINT_AUC_CSV, HINT_AUC_SUMMARY_CSV = "benchmark.csv", "hintauc.csv", "hintauc_summary.csv"
RECORD_JSON, SUMMARY_MD = "benchmark.json", "summary.md"
STROKE_PLOT, HINT_AUC_PLOT = "quality_vs_strokes.png", "hintauc_curves.png"
SET_NAMES = {"faces": "Held-out face frames", "stickers": "Stickers on white", "illustrations": "Illustrations"}
METRICS = ("psnr", "ssim", "ciede2000", "region_ciede2000", "streak", "coverage", "leakage", "harmful_leakage",
           "near_harmful_leakage", "far_shift", "background_leakage", "paper")
HEADLINE_STROKES = 10
ONE_STROKE = "one"  # the strokes label of the one-stroke test's rows


def loss_curve(checkpoint: Path) -> Path | None:
    """The training curve PNG beside a checkpoint, or None when it has none."""
    curve = checkpoint.with_name(f"{checkpoint.stem}_loss_curve.png")
    return curve if curve.is_file() else None


def read_rows(path: Path) -> list[dict]:
    """A benchmark CSV as dicts with numbers parsed (empty cells and "nan" become nan); [] if missing."""
    if not path.is_file():
        return []
    with path.open() as handle:
        return [{key: _number(value) for key, value in row.items()} for row in csv.DictReader(handle)]


def _number(value: str):
    """A CSV cell as a float where it is a number ("" is nan), else the text itself (e.g. ONE_STROKE)."""
    try:
        return float(value or "nan")
    except ValueError:
        return value


def headline(folder: Path, path: str) -> list[dict]:
    """The benchmark's headline for one path: per set and method, the row at HEADLINE_STROKES strokes with
    the one-stroke test's coverage and leakage; [] without benchmark files."""
    rows = [r for r in read_rows(folder / BENCHMARK_CSV) if r["path"] == path]
    one = {(r["set"], r["method"]): r for r in rows if r["strokes"] == ONE_STROKE}
    table = []
    for row in rows:
        if row["strokes"] == HEADLINE_STROKES:
            extra = one.get((row["set"], row["method"]), {})
            table.append({**row, "coverage": extra.get("coverage", float("nan")),
                          "leakage": extra.get("leakage", float("nan"))})
    return table


def record(folder: Path) -> dict:
    """The benchmark's record (command, checkpoints and their SHA-256, date); {} without one."""
    path = folder / RECORD_JSON
    return json.loads(path.read_text()) if path.is_file() else {}


def benchmarked(folder: Path, path: str, checkpoint_sha256: str) -> bool:
    """True when the benchmark in ``folder`` scored exactly this checkpoint on ``path``."""
    return record(folder).get("checkpoints", {}).get(path, {}).get("sha256") == checkpoint_sha256


def file_sha256(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, remembered per (path, size, modification time)."""
    stat = Path(path).stat()
    return _sha256(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def hint_auc_rows(folder: Path, path: str) -> list[dict]:
    """The Hint-AUC summary rows (set, method, auc_psnr, auc_ssim, few_stroke_psnr, images) of ``path``."""
    return [row for row in read_rows(folder / HINT_AUC_SUMMARY_CSV) if row["path"] == path]
