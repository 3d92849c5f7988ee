"""The fused oneDNN runner computes what the eager U-Net computes."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from colorizer import Colorizer, UNet, UNetConfig, save_checkpoint
from colorizer.hints import pack_arrays
from colorizer.model import fine_labels, fuse_for_inference
from colorizer.onednn import OneDNNUNet, available, upsample_conv_as_transposed
from colorizer.regions import RegionFill, fill_labels

pytestmark = pytest.mark.skipif(not available(), reason="this PyTorch build has no oneDNN")


def seeded_unet(seed: int = 0, **config) -> UNet:
    """A small seeded U-Net in eval mode with non-trivial batch-norm statistics."""
    torch.manual_seed(seed)
    model = UNet(UNetConfig(**({"base_channels": 4, "depth": 3} | config)))
    with torch.no_grad():
        model.train()(torch.randn(4, 4, 32, 32) * 2)
    return model.eval()


def folded_unet(seed: int = 0, **config) -> UNet:
    return fuse_for_inference(seeded_unet(seed, **config))


def test_transposed_conv_equals_upsampling_then_conv():
    torch.manual_seed(0)
    weight, y = torch.randn(5, 3, 3, 3, dtype=torch.float64), torch.randn(2, 3, 7, 10, dtype=torch.float64)
    expected = F.conv2d(F.interpolate(y, scale_factor=2.0, mode="nearest"), weight, padding=1)
    transposed = F.conv_transpose2d(y, upsample_conv_as_transposed(weight), stride=2, padding=1)
    assert transposed.shape == expected.shape == (2, 5, 14, 20)
    assert torch.allclose(transposed, expected, atol=1e-12)


def test_transposed_weight_refuses_other_kernels():
    with pytest.raises(ValueError, match="3x3"):
        upsample_conv_as_transposed(torch.zeros(2, 2, 5, 5))


@pytest.mark.parametrize("shape", [(1, 4, 1, 1), (2, 4, 30, 44), (1, 4, 64, 64), (1, 4, 75, 130)])
def test_float32_runner_matches_the_eager_network(shape):
    model = folded_unet()
    x = torch.rand(shape) * 2 - 1
    with torch.inference_mode():
        expected, fused = model(x), OneDNNUNet(model, torch.float32)(x)
    assert fused.shape == expected.shape and fused.dtype == torch.float32
    assert torch.allclose(fused, expected, atol=1e-5)


def test_runner_adds_the_region_hints():
    model = seeded_unet(region_hints=True)
    projection = model.region_hints.project
    torch.nn.init.normal_(projection.weight, std=0.5)
    torch.nn.init.normal_(projection.bias, std=0.5)
    model = fuse_for_inference(model)
    x = torch.rand(2, 4, 30, 44) * 2 - 1
    x[:, 1:] *= torch.rand(2, 1, 30, 44) < 0.1  # hints painted on a tenth of the pixels
    with torch.inference_mode():
        expected, fused = model(x), OneDNNUNet(model, torch.float32)(x)
        plain = OneDNNUNet(fuse_for_inference(seeded_unet()), torch.float32)(x)
    assert torch.allclose(fused, expected, atol=1e-5)
    assert (fused - plain).abs().max() > 1e-2  # the region hints are not skipped


def onednn_bfloat16() -> bool:
    """oneDNN's bfloat16 convolutions need AVX512-BW/VL/DQ or AVX-NE-CONVERT (else the app runs eagerly)."""
    return getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)()


@pytest.mark.skipif(not onednn_bfloat16(), reason="this CPU has no oneDNN bfloat16 convolutions")
def test_bfloat16_runner_stays_within_rounding_of_float32():
    model = folded_unet(seed=1, base_channels=8)
    x = torch.rand(1, 4, 48, 40) * 2 - 1
    with torch.inference_mode():
        expected = model(x)
        eager = model.to(torch.bfloat16)(x.bfloat16()).float()
        fused = OneDNNUNet(folded_unet(seed=1, base_channels=8), torch.bfloat16)(x).float()
    assert fused.dtype == torch.float32
    # No worse than the eager network in bfloat16, and within a few 8-bit levels of float32.
    assert (fused - expected).abs().max() <= max(2 * (eager - expected).abs().max(), 4 / 127.5)


def test_runner_refuses_unfolded_batch_norm():
    with pytest.raises(ValueError, match="fuse_for_inference"):
        OneDNNUNet(UNet(UNetConfig(base_channels=4, depth=1)).eval(), torch.float32)


def save(model, path):
    save_checkpoint(path, model, {"steps": 0})
    return path


def test_colorizer_runs_the_unet_fused_or_eagerly_when_asked(tmp_path, rng):
    path = save(seeded_unet(), tmp_path / "unet.pt")
    fused, eager = Colorizer.load(path, precision="float32"), Colorizer.load(path, precision="float32", fused=False)
    assert (fused.kernels, eager.kernels) == ("oneDNN fused", "PyTorch eager")
    packed = rng.random((4, 40, 56), dtype=np.float32) * 2 - 1
    colours = fused.predict(packed)
    assert colours.std() > 5  # a seeded network with batch-norm statistics, not a flat grey
    assert np.abs(colours.astype(int) - eager.predict(packed).astype(int)).max() <= 1


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_colorizer_serves_the_region_hints_in_every_dtype(tmp_path, rng, precision):
    model = seeded_unet(region_hints=True)
    torch.nn.init.normal_(model.region_hints.project.weight, std=0.5)
    path = save(model, tmp_path / "branches.pt")
    fused, eager = Colorizer.load(path, precision=precision), Colorizer.load(path, precision=precision, fused=False)
    packed = rng.random((4, 40, 56), dtype=np.float32) * 2 - 1
    packed[0] = rng.integers(0, 256, (40, 56)) / 127.5 - 1  # a uint8 sketch, as pack_arrays gives
    packed[1:] *= rng.random((1, 40, 56)) < 0.1
    reference = Colorizer.load(path, precision="float32", fused=False).predict(packed).astype(int)
    tolerance = 1 if precision == "float32" else 4  # bfloat16 rounds to about 8 bits
    for runner in (fused, eager):
        assert np.abs(runner.predict(packed).astype(int) - reference).max() <= tolerance


def broken_conv(*args, **kwargs):
    raise RuntimeError("no such kernel")


def wrong_forward(self, x):
    return torch.zeros(x.shape[0], 3, *x.shape[-2:])


@pytest.mark.parametrize("target,replacement", [("_conv", broken_conv), ("OneDNNUNet.__call__", wrong_forward)])
def test_a_failing_or_wrong_fused_runner_falls_back_to_the_eager_network(tmp_path, monkeypatch, rng, target,
                                                                         replacement):
    path = save(seeded_unet(), tmp_path / "unet.pt")
    eager = Colorizer.load(path, precision="float32", fused=False)
    monkeypatch.setattr(f"colorizer.onednn.{target}", replacement)
    with pytest.warns(UserWarning, match="step by step"):
        colorizer = Colorizer.load(path, precision="float32")
    assert colorizer.kernels == "PyTorch eager"
    packed = rng.random((4, 40, 56), dtype=np.float32) * 2 - 1
    assert np.array_equal(colorizer.predict(packed), eager.predict(packed))


@pytest.mark.parametrize("fill,white_paper,labellings", [(None, False, 1), (RegionFill(), True, 1),
                                                         (RegionFill(gap=4), False, 2)])
def test_a_region_hint_colorizer_labels_each_sketch_once(tmp_path, monkeypatch, fill, white_paper, labellings):
    """The network's region hints, its mirror, White paper and a fill at the defaults share one labelling."""
    model = seeded_unet(region_hints=True)
    torch.nn.init.normal_(model.region_hints.project.weight, std=0.5)
    colorizer = Colorizer.load(save(model, tmp_path / "regions.pt"), precision="float32")
    sketch = np.full((48, 64), 255, np.uint8)
    sketch[8, 8:-8] = sketch[-9, 8:-8] = sketch[8:-8, 8] = sketch[8:-8, -9] = 0
    hints = np.zeros((48, 64, 4), np.uint8)
    hints[20:24, 20:26] = (200, 40, 40, 255)
    packed = pack_arrays(sketch, hints[..., :3], hints[..., 3] > 0)
    expected = colorizer.predict(packed)  # labels the picture and its mirror itself
    calls = []
    for module in ("colorizer.pipeline", "colorizer.model"):
        monkeypatch.setattr(f"{module}.fill_labels", lambda *args: calls.append(args) or fill_labels(*args))
    assert np.array_equal(colorizer.predict(packed, fine_labels(sketch)), expected)
    calls.clear()
    colorizer.colorize(Image.fromarray(sketch), Image.fromarray(hints, "RGBA"), region_fill=fill, white_paper=white_paper)
    assert len(calls) == labellings
