import csv

import numpy as np
import torch

from colorizer import read_checkpoint
from colorizer.hints import pack_arrays
from colorizer.model import UNet, UNetConfig
from training.data import make_sample
from training.leak import frozen_batch_norm_stats, leak_pair, leak_penalty
from training.train import train
from tests.test_training import image_folder, tiny_config  # noqa: F401 (fixture)

RED, BLUE, GREEN = (200, 40, 40), (40, 40, 200), (40, 200, 40)


def two_regions():
    """A 40x40 sketch split by a vertical line at x = 19-20; target red on the left, blue on the right
    with a green patch and a red one; one red stroke on the left, one blue stroke on the right."""
    sketch = np.full((40, 40), 255, np.uint8)
    sketch[:, 19:21] = 0
    target = np.zeros((40, 40, 3), np.uint8)
    target[:, :20], target[:, 20:] = RED, BLUE
    target[30:, 30:], target[:5, 30:] = GREEN, RED
    hint_rgb, hint_mask = np.zeros_like(target), np.zeros((40, 40), bool)
    hint_mask[10:13, 5:12], hint_mask[10:13, 26:33] = True, True
    hint_rgb[hint_mask] = target[hint_mask]
    return sketch, target, hint_rgb, hint_mask


def test_leak_pair_takes_one_stroke_out_and_guards_only_other_colours_elsewhere():
    sketch, target, hint_rgb, hint_mask = two_regions()
    removed_sides = set()
    for seed in range(8):
        pair = leak_pair(sketch, target, hint_rgb, hint_mask, np.random.default_rng(seed))
        full = torch.from_numpy(pack_arrays(sketch, hint_rgb, hint_mask))
        changed = (pair["input_without"] != full).any(0).numpy()
        assert changed.any() and not changed[:, 13:26].any()  # exactly one of the two strokes is gone
        left = bool(changed[:, :19].any())
        assert changed[:, :19].any() != changed[:, 21:].any()
        removed_sides.add(left)
        mask = pair["leak_mask"][0].numpy()
        own, other = (slice(0, 17), slice(23, 40)) if left else (slice(23, 40), slice(0, 17))
        assert not mask[:, own].any()  # the stroke's own region (and its line margin) is free
        assert mask[5:20, other].all()  # the other region, another colour, is guarded
        if left:  # a red stroke: the right region's green patch is guarded, its red patch may turn red
            assert mask[30:, 30:].all() and not mask[:5, 30:].any()
    assert removed_sides == {True, False}


def test_leak_pair_without_strokes_keeps_the_input_and_guards_nothing():
    sketch, target, hint_rgb, _ = two_regions()
    pair = leak_pair(sketch, target, hint_rgb, np.zeros((40, 40), bool), np.random.default_rng(0))
    assert pair["leak_mask"].sum() == 0 and pair["input_without"][1:].abs().sum() == 0


def test_leak_penalty_counts_only_masked_differences():
    output, reference = torch.zeros(1, 3, 4, 4), torch.zeros(1, 3, 4, 4)
    mask = torch.zeros(1, 1, 4, 4)
    mask[..., :2, :] = 1
    reference[..., 2:, :] = 5.0  # outside the mask: ignored
    assert leak_penalty(output, reference, mask) == 0
    reference[..., 0, :] = 0.5  # half the masked pixels differ by 0.5 in every channel
    assert torch.isclose(leak_penalty(output, reference, mask), torch.tensor(0.25))
    assert leak_penalty(output, reference, torch.zeros_like(mask)) == 0


def test_reference_pass_leaves_batch_norm_running_statistics_alone():
    model = UNet(UNetConfig(base_channels=4, depth=2, max_channels=8, blocks=1)).train()
    norm = next(m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))
    before, tracked = norm.running_mean.clone(), norm.num_batches_tracked.clone()
    x = torch.randn(2, 4, 16, 16)
    with torch.no_grad(), frozen_batch_norm_stats(model):
        model(x)
    assert torch.equal(norm.running_mean, before) and torch.equal(norm.num_batches_tracked, tracked)
    assert norm.momentum == 0.1
    model(x)
    assert not torch.equal(norm.running_mean, before)


def test_leak_pairs_leave_the_sample_itself_unchanged(frame):
    kwargs = dict(crop=48, palette_k=8, max_strokes=30, no_hint_fraction=0.0, hue_rotation=0.5)
    plain = make_sample(np.asarray(frame), np.random.default_rng(3), **kwargs)
    paired = make_sample(np.asarray(frame), np.random.default_rng(3), leak_pairs=True, **kwargs)
    assert all(torch.equal(plain[k], paired[k]) for k in plain)
    assert paired["input_without"].shape == (4, 48, 48) and paired["leak_mask"].shape == (1, 48, 48)


def test_training_with_the_leak_penalty_logs_it_and_names_it(image_folder, tmp_path):  # noqa: F811
    out_dir = tmp_path / "run"
    payload = read_checkpoint(train(tiny_config(image_folder, out_dir, leak_penalty=2.0)))
    assert payload["meta"]["loss"].endswith("+ 2.0 * leak") and payload["meta"]["samples"]["leak_penalty"] == 2.0
    rows = list(csv.DictReader((out_dir / "metrics.csv").open()))
    assert all(float(r["leak"]) >= 0 for r in rows) and any(float(r["leak"]) > 0 for r in rows)
    assert all(float(r["loss"]) >= float(r["l1"]) + 2.0 * float(r["leak"]) - 1e-5 for r in rows)
