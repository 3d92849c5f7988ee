"""The field's Hint-AUC protocol (the ``hintauc`` package: Madono, Simo-Serra et al., TVCG 2026).

Hints are generated from the ground truth by hintauc itself (Felzenszwalb regions, one
longest-path scribble per region, ``path_method="geodesic"``), regions taken largest first at
the ratios 0, .01, .03, .05, .10, .25, .50, 1.0; PSNR and SSIM are measured at 256 px by its
Evaluator and integrated over the ratio by its Hint-AUC. hintauc is an evaluation extra:

    .venv/bin/pip install --no-deps -r requirements-eval.txt

(its declared dependencies would pull opencv-python beside opencv-python-headless, and an astropy
that fails with numpy 2; the geodesic path needs neither).
"""
from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

FEW_STROKE_RATIOS = (0.01, 0.03, 0.05)  # the few strokes an artist paints; Hint-AUC weighs dense ratios heavily
PATH_METHOD = "geodesic"
HINT_TYPE = "scribble"
METRICS = ("psnr", "ssim")
INSTALL = "pip install --no-deps -r requirements-eval.txt"

Methods = Callable[[np.ndarray, np.ndarray, np.ndarray], dict[str, np.ndarray]]  # (sketch, hint_rgb, hint_mask) -> RGBs


def require_hintauc():
    """The hintauc module, or SystemExit saying how to install it."""
    try:
        import hintauc
    except ImportError as error:
        raise SystemExit(f"Hint-AUC needs the evaluation extra: .venv/bin/{INSTALL} ({error}).") from error
    return hintauc


def ratio_hints(hints, alpha: float, height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """hintauc's hints at ratio ``alpha`` in the project's format: (uint8 RGB (H, W, 3), bool (H, W))."""
    hintauc = require_hintauc()
    bgr, mask = hintauc.hint_inputs(hints, alpha, HINT_TYPE, height, width)
    painted = mask > 0
    return np.where(painted[..., None], bgr[..., ::-1], 0).astype(np.uint8), painted


class OracleFill:
    """hintauc's ``hint_fill_colorizer`` for one picture, with its region ids decoded once for every
    ratio (decoding them is most of its cost): every hinted ground-truth region in its flat colour,
    the rest light grey, the line art multiplied on top. It reads the ground truth's regions: a
    reference row, not a peer."""

    def __init__(self, hints, target: np.ndarray):
        hintauc = require_hintauc()
        height, width = target.shape[:2]
        resize = lambda image: cv2.resize(image, (width, height), interpolation=cv2.INTER_NEAREST)
        self.ids = hintauc.region_ids(resize(hints.region))
        self.flat = resize(hints.flatten)[..., ::-1]  # hintauc works in BGR

    def __call__(self, sketch: np.ndarray, hint_mask: np.ndarray) -> np.ndarray:
        """uint8 RGB (H, W, 3) for a sketch (uint8 (H, W)) and the ratio's hint mask (bool (H, W))."""
        out = np.full(self.flat.shape, 235, np.uint8)
        hinted = np.isin(self.ids, np.unique(self.ids[hint_mask]))
        out[hinted] = self.flat[hinted]
        return np.clip(out.astype(np.float32) * (sketch.astype(np.float32) / 255.0)[..., None], 0, 255).astype(np.uint8)


def generate(target: np.ndarray):
    """hintauc's deterministic hints of a ground truth (uint8 RGB (H, W, 3)): its HintResult."""
    return require_hintauc().generate_hints(target[..., ::-1].copy(), path_method=PATH_METHOD)


def score_picture(target: np.ndarray, sketch: np.ndarray, methods: Methods, hints=None,
                  with_oracle: bool = True) -> dict[str, dict[float, dict[str, float]]]:
    """Per method, per ratio: PSNR and SSIM (hintauc's Evaluator, 256 px) of one picture.

    Args:
        target: uint8 RGB (H, W, 3) ground truth; sketch: uint8 (H, W) the sketch the methods see.
        methods: function of (sketch, hint_rgb, hint_mask) returning {method name: uint8 RGB (H, W, 3)}.
        hints: :func:`generate`'s result for ``target`` (made here when None).
    """
    hintauc = require_hintauc()
    evaluator = hintauc.Evaluator(metrics=METRICS)
    hints = generate(target) if hints is None else hints
    oracle = OracleFill(hints, target) if with_oracle else None
    height, width = sketch.shape
    scores: dict[str, dict[float, dict[str, float]]] = {}
    for alpha in hintauc.DEFAULT_ALPHAS:
        rgb, mask = ratio_hints(hints, alpha, height, width)
        outputs = methods(sketch, rgb, mask)
        if oracle is not None:
            outputs["hint fill (oracle)"] = oracle(sketch, mask)
        for name, output in outputs.items():
            scores.setdefault(name, {})[alpha] = {k: float(v) for k, v in evaluator(output, target).items()}
    return scores


def summarise(per_picture: list[dict[str, dict[float, dict[str, float]]]]) -> dict[str, dict]:
    """Per method: the mean curve over pictures, its Hint-AUC of each metric, and the few-stroke mean PSNR.

    Returns:
        {method: {"curve": {alpha: {metric: mean}}, "auc": {metric: value}, "few_stroke_psnr": float}}.
    """
    hintauc = require_hintauc()
    summary = {}
    for name in per_picture[0]:
        alphas = list(per_picture[0][name])
        curve = {a: {m: float(np.mean([p[name][a][m] for p in per_picture])) for m in METRICS} for a in alphas}
        summary[name] = {"curve": curve, "auc": hintauc.hint_auc_table(curve),
                         "few_stroke_psnr": few_stroke_mean({a: values["psnr"] for a, values in curve.items()})}
    return summary


def few_stroke_mean(psnr_by_alpha: dict[float, float]) -> float:
    """The few-stroke mean: PSNR averaged over FEW_STROKE_RATIOS of a {ratio: PSNR} curve."""
    return float(np.mean([psnr_by_alpha[a] for a in FEW_STROKE_RATIOS]))


def protocol() -> dict:
    """hintauc's record of the protocol and versions, for the benchmark's files."""
    hintauc = require_hintauc()
    return hintauc.protocol_record(hintauc.Evaluator(metrics=METRICS), hint_type=HINT_TYPE,
                                   hint_size=hintauc.DEFAULT_HINT_SIZE, path_method=PATH_METHOD, dot_method="medoid")
