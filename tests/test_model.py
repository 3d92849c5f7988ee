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


def test_prototype_matches_the_described_baseline(tmp_path):
    from colorizer import load_model, save_checkpoint
    from colorizer.model import PrototypeUNet, build_model, count_parameters

    model = build_model(UNetConfig(arch="prototype")).eval()
    assert isinstance(model, PrototypeUNet)
    assert 30e6 < count_parameters(model) < 32e6
    with torch.no_grad():
        assert model(torch.randn(1, 4, 21, 35)).shape == (1, 3, 21, 35)
    loaded, _ = load_model(save_checkpoint(tmp_path / "proto.pt", model))
    assert isinstance(loaded, PrototypeUNet)


def test_unknown_arch_is_rejected():
    from colorizer.model import build_model

    with pytest.raises(ValueError, match="Unknown arch"):
        build_model(UNetConfig(arch="transformer"))


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


@pytest.mark.parametrize("height,width", [(1, 1), (17, 33), (64, 64), (75, 130)])
def test_lean_unet_keeps_size_and_never_convolves_at_full_resolution(height, width):
    from colorizer.model import LeanUNet, build_model

    model = build_model(UNetConfig(arch="lean", base_channels=8, depth=2)).eval()
    assert isinstance(model, LeanUNet)
    seen = []
    for conv in (m for m in model.modules() if isinstance(m, torch.nn.Conv2d)):
        conv.register_forward_hook(lambda m, i, o: seen.append(o.shape[-2:]))
    with torch.no_grad():
        out = model(torch.randn(2, 4, height, width))
    assert out.shape == (2, 3, height, width) and out.abs().max() <= 1.0
    padded_height = height + (-height) % 8
    assert max(size[0] for size in seen) == padded_height // 2


def test_lean_unet_fuses_and_round_trips_through_a_checkpoint(tmp_path):
    from colorizer import load_model, save_checkpoint
    from colorizer.model import LeanUNet, build_model, fuse_for_inference

    torch.manual_seed(0)
    model = build_model(UNetConfig(arch="lean", base_channels=8, depth=2))
    with torch.no_grad():
        model(torch.randn(4, 4, 32, 32))  # non-trivial batch-norm statistics
    model.eval()
    x = torch.randn(1, 4, 30, 44)
    with torch.no_grad():
        expected = model(x)
        loaded, _ = load_model(save_checkpoint(tmp_path / "lean.pt", model))
        assert isinstance(loaded, LeanUNet) and torch.equal(loaded(x), expected)
        assert torch.allclose(fuse_for_inference(model)(x), expected, atol=1e-5)


def test_configs_saved_before_arch_existed_load_as_the_first_unet():
    from colorizer.model import build_model, describe

    config = UNetConfig.from_dict({"in_channels": 4, "out_channels": 3, "base_channels": 4, "depth": 2,
                                   "max_channels": 256, "blocks": 2})
    assert config.arch == "unet" and isinstance(build_model(config), UNet)
    assert UNet(UNetConfig()).config.arch == "unet"  # a network's config always names its own arch
    assert UNetConfig().arch == "unet"
    lean = UNetConfig(arch="lean", base_channels=24, depth=4)
    assert describe(lean).startswith("lean U-Net: 2x space-to-depth stem, 24/48/96/192/256")


def test_lean_refine_head_runs_at_full_size_fuses_and_round_trips(tmp_path):
    from colorizer import load_model, save_checkpoint
    from colorizer.model import build_model, describe, fuse_for_inference

    torch.manual_seed(0)
    config = UNetConfig(arch="lean", base_channels=8, depth=2, refine=4)
    model = build_model(config)
    torch.nn.init.normal_(model.refine[-1].weight, std=0.1)  # as after training (it starts at zero)
    with torch.no_grad():
        model(torch.randn(4, 4, 32, 32))
    model.eval()
    full_size = []
    for conv in (m for m in model.modules() if isinstance(m, torch.nn.Conv2d)):
        conv.register_forward_hook(lambda m, i, o: full_size.append(o.shape[-2:] == (32, 48)))
    x = torch.randn(1, 4, 30, 44)
    with torch.no_grad():
        expected = model(x)
        assert expected.shape == (1, 3, 30, 44) and expected.abs().max() <= 1.0
        assert sum(full_size) == 2  # only the refine head's two convs see every pixel
        loaded, _ = load_model(save_checkpoint(tmp_path / "refine.pt", model))
        assert loaded.config.refine == 4 and torch.equal(loaded(x), expected)
        assert torch.allclose(fuse_for_inference(model)(x), expected, atol=1e-5)
    assert describe(config).endswith("4-channel full-size refine head")
    assert UNetConfig.from_dict({"arch": "lean"}).refine == 0  # lean checkpoints from before refine load


def packed_with_block(colour, box, size=(64, 96)) -> torch.Tensor:
    """(1, 4, H, W) packed input: a random sketch and one painted block of ``colour`` in [-1, 1]."""
    x = torch.zeros(1, 4, *size)
    x[0, 0] = torch.rand(size) * 2 - 1
    top, left, bottom, right = box
    x[0, 1:, top:bottom, left:right] = torch.tensor(colour)[:, None, None]
    return x


def test_spread_hints_carry_the_hint_colour_to_nearby_cells_only():
    from colorizer.model import SPREAD_MAPS, spread_hints

    colour = [0.8, -0.5, 0.3]
    x = packed_with_block(colour, (8, 8, 14, 20))
    maps = spread_hints(x, (4, 16), (16, 24))
    assert maps.shape == (1, 2 * SPREAD_MAPS, 16, 24) and maps.dtype == x.dtype
    fine_rgb, fine_amount, coarse_rgb, coarse_amount = maps[0, :3], maps[0, 3], maps[0, 4:7], maps[0, 7]
    reached = fine_amount > 0
    # Wherever the hint reached, it brings its own colour; away from it everything stays 0.
    assert torch.allclose(fine_rgb[:, reached], torch.tensor(colour)[:, None], atol=1e-5)
    # The hint covers cells (2..3, 2..4); with their neighbours it reaches cells (1..4, 1..5), no further.
    assert reached[1:5, 1:6].all() and reached.sum() == 4 * 5 and fine_rgb[:, 6:, 7:].abs().max() == 0
    assert fine_amount.max() == 1.0 and fine_amount.min() == 0.0
    # The 16 px cells spread the same colour further.
    coarse = coarse_amount > 0
    assert coarse[reached].all() and coarse.sum() > 2 * reached.sum() and not coarse.all()
    assert torch.allclose(coarse_rgb[:, coarse], torch.tensor(colour)[:, None], atol=1e-5)


def test_spread_hints_ignore_the_sketch_and_average_two_hints():
    from colorizer.model import spread_hints

    x = packed_with_block([0.6, 0.6, -0.6], (0, 0, 4, 4))
    x[0, 1:, 0:4, 4:8] = torch.tensor([-0.2, 0.2, 0.2])[:, None, None]  # a second hint beside the first
    maps = spread_hints(x, (8,), (8, 12))
    assert torch.allclose(maps[0, :3, 0, 0], torch.tensor([0.2, 0.4, -0.2]), atol=1e-5)  # equal areas: the mean
    x[0, 0] = torch.rand(64, 96)
    assert torch.equal(spread_hints(x, (8,), (8, 12)), maps)
    assert spread_hints(torch.zeros(1, 4, 32, 32), (4, 16), (8, 8)).abs().max() == 0  # no hints, nothing spread


@pytest.mark.parametrize("scales", [[3], [1], [64]])
def test_hint_scales_must_be_powers_of_two_the_network_reaches(scales):
    with pytest.raises(ValueError, match="powers of 2"):
        UNetConfig.from_dict({"depth": 5, "hint_scales": scales})


def test_only_the_unet_spreads_hints():
    with pytest.raises(ValueError, match="needs arch 'unet'"):
        UNetConfig.from_dict({"arch": "lean", "depth": 4, "hint_scales": [4]})


def test_unet_with_spread_hints_uses_them_and_round_trips(tmp_path):
    from colorizer import load_model, save_checkpoint
    from colorizer.model import describe, fuse_for_inference

    config = UNetConfig.from_dict({"base_channels": 4, "depth": 3, "hint_scales": [4, 16]})
    assert config.hint_scales == (4, 16) and describe(config).endswith("hints spread over 4/16 px cells")
    torch.manual_seed(0)
    model = UNet(config)
    assert model.down[1][0].in_channels == 8 + 8  # level 2 (1/4 size) reads the 2 x 4 spread maps
    with torch.no_grad():
        model(torch.randn(4, 4, 32, 32))
    model.eval()
    near, far = packed_with_block([0.8, -0.5, 0.3], (0, 0, 4, 4)), packed_with_block([0.8, -0.5, 0.3], (0, 0, 4, 4))
    far[0, 1:, 0:4, 0:4], far[0, 1:, 40:44, 80:84] = 0, torch.tensor([0.8, -0.5, 0.3])[:, None, None]
    far[0, 0] = near[0, 0]
    with torch.no_grad():
        expected = model(near)
        assert not torch.allclose(model(far)[..., 30:, 60:], expected[..., 30:, 60:])
        loaded, _ = load_model(save_checkpoint(tmp_path / "spread.pt", model))
        assert loaded.config.hint_scales == (4, 16) and torch.equal(loaded(near), expected)
        assert torch.allclose(fuse_for_inference(model)(near), expected, atol=1e-5)
