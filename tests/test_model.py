import numpy as np
import pytest
import torch

from colorizer import UNet, UNetConfig
from colorizer.model import pad_to_multiple


@pytest.mark.parametrize("height,width", [(1, 1), (17, 33), (64, 64), (75, 130)])
def test_unet_keeps_spatial_size_for_odd_shapes(height, width):
    model = UNet(UNetConfig(base_channels=4, depth=3, blocks=1)).eval()
    with torch.no_grad():
        out = model(torch.randn(2, 4, height, width))
    assert out.shape == (2, 3, height, width)
    assert out.abs().max() <= 1.0


def test_padding_reaches_multiple_and_replicates_border():
    x = torch.arange(6.0).reshape(1, 1, 2, 3)
    padded = pad_to_multiple(x, 4)
    assert padded.shape == (1, 1, 4, 4)
    assert torch.equal(padded[..., :2, :3], x) and padded[0, 0, 3, 3] == x[0, 0, 1, 2]


def test_config_sets_width_and_depth():
    small = UNet(UNetConfig(base_channels=4, depth=2))
    large = UNet(UNetConfig(base_channels=8, depth=3))
    assert len(small.down) == 2 and len(large.down) == 3
    assert sum(p.numel() for p in large.parameters()) > sum(p.numel() for p in small.parameters())


def test_unknown_config_key_is_rejected():
    with pytest.raises(ValueError, match="Unknown model config"):
        UNetConfig.from_dict({"base_channels": 4, "heads": 3})


def test_fusing_batchnorm_keeps_outputs():
    from colorizer.model import fuse_for_inference

    torch.manual_seed(0)
    model = UNet(UNetConfig(base_channels=4, depth=2))
    model.train()
    with torch.no_grad():
        model(torch.randn(4, 4, 32, 32))  # give batch norm non-trivial running statistics
    model.eval()
    x = torch.randn(1, 4, 30, 44)
    with torch.no_grad():
        expected = model(x)
        fused = fuse_for_inference(model)
        assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules())
        assert torch.allclose(fused(x), expected, atol=1e-5)


def test_fusing_refuses_a_training_model():
    from colorizer.model import fuse_for_inference

    with pytest.raises(ValueError, match="eval mode"):
        fuse_for_inference(UNet(UNetConfig(base_channels=4, depth=1)).train())


def packed_with_block(colour, box, size=(64, 96)) -> torch.Tensor:
    """(1, 4, H, W) packed input: a random sketch and one painted block of ``colour`` in [-1, 1]."""
    x = torch.zeros(1, 4, *size)
    x[0, 0] = torch.rand(size) * 2 - 1
    top, left, bottom, right = box
    x[0, 1:, top:bottom, left:right] = torch.tensor(colour)[:, None, None]
    return x


def test_configs_of_retired_networks_load_only_at_the_plain_unets_values():
    from colorizer.model import describe

    config = UNetConfig.from_dict({"arch": "unet", "base_channels": 4, "refine": 0, "hint_scales": []})
    assert config == UNetConfig(base_channels=4)
    assert describe(config).startswith("U-Net: 4/8/16/32/64/128 channels at full to 1/32 size")
    for retired in ({"arch": "lean"}, {"refine": 4}, {"hint_scales": [4, 16]}):
        with pytest.raises(ValueError, match="no longer has"):
            UNetConfig.from_dict(retired)


def boxed_sketch_with_stroke(size=64) -> torch.Tensor:
    """(1, 4, size, size) packed: a square outline from 8 to size - 8, a 2x4 px stroke inside it."""
    x = torch.zeros(1, 4, size, size)
    x[0, 0] = 1.0
    x[0, 0, 8, 8:-8] = x[0, 0, -9, 8:-8] = x[0, 0, 8:-8, 8] = x[0, 0, 8:-8, -9] = -1.0
    x[0, 1:, 20:22, 20:24] = torch.tensor([0.8, -0.4, 0.2])[:, None, None]
    return x


def test_region_spread_hints_fill_the_stroked_region_only():
    from colorizer.model import region_spread_hints

    x = boxed_sketch_with_stroke()
    spread = region_spread_hints(x)
    assert spread.shape == (1, 4, 64, 64) and spread.dtype == torch.float32
    inside = spread[0, :, 30, 40]
    assert torch.allclose(inside[:3], torch.tensor([0.8, -0.4, 0.2]))
    assert torch.isclose(inside[3], torch.tensor(8 / 46 ** 2))  # 8 painted px of the 46x46 inside
    assert spread[0, :, 2, 2].abs().max() == 0  # the paper outside the box has no hint
    assert spread[0, :, 8, 30].abs().max() == 0  # nor do the lines
    assert region_spread_hints(torch.cat([x, x.flip(-1)])).shape == (2, 4, 64, 64)


def test_region_hints_start_as_the_plain_network():
    torch.manual_seed(0)
    plain = UNet(UNetConfig(base_channels=4, depth=3)).eval()
    with_regions = UNet(UNetConfig(base_channels=4, depth=3, region_hints=True)).eval()
    missing, _ = with_regions.load_state_dict(plain.state_dict(), strict=False)
    assert missing and all(name.startswith("region_hints.") for name in missing)
    x = boxed_sketch_with_stroke()
    with torch.no_grad():
        assert torch.equal(with_regions(x), plain(x))
        torch.nn.init.normal_(with_regions.region_hints.project.weight, std=1.0)
        assert (with_regions(x) - plain(x))[..., 40:48, 40:48].abs().amax() > 1e-3  # the region's far corner


def test_region_spread_hints_use_the_callers_labels():
    from colorizer.model import fine_labels, region_spread_hints

    x = boxed_sketch_with_stroke()
    sketch = ((x[0, 0] + 1) * 127.5).round().to(torch.uint8).numpy()
    assert torch.equal(region_spread_hints(x, fine_labels(sketch)[None]), region_spread_hints(x))
    one_region = np.ones((1, 64, 64), np.int32)  # no lines: the stroke spreads over the whole picture
    assert region_spread_hints(x, one_region)[0, 3, 2, 2] > 0
    with pytest.raises(ValueError, match="one label map per sketch"):
        region_spread_hints(x, one_region[:, :32])


def test_unet_pads_the_callers_labels_as_it_pads_the_sketch():
    from colorizer.model import fine_labels

    torch.manual_seed(0)
    model = UNet(UNetConfig(base_channels=4, depth=3, region_hints=True)).eval()
    torch.nn.init.normal_(model.region_hints.project.weight, std=1.0)
    x = boxed_sketch_with_stroke(60)  # padded to 64 inside the network
    sketch = ((x[0, 0] + 1) * 127.5).round().to(torch.uint8).numpy()
    with torch.no_grad():
        assert torch.allclose(model(x, fine_labels(sketch)[None]), model(x), atol=1e-6)
