from colorizer.bench import main, multiply_adds
from colorizer.model import UNet, UNetConfig


def test_multiply_adds_of_a_single_conv():
    model = UNet(UNetConfig(base_channels=4, depth=1, blocks=1))
    stem_conv = 3 * 3 * 4 * 4 * 16 * 16  # 4 -> 4 channels on a 16 x 16 input
    assert multiply_adds(model, 16, 16) > stem_conv


def test_bench_prints_figures_on_a_tiny_model(tiny_checkpoint, capsys):
    figures = main(["--checkpoint", str(tiny_checkpoint), "--sizes", "64", "--repeats", "2", "--no-prototype"])
    assert figures["colorize_64"] > 0 and figures["cold_start"] > 0 and figures["peak_rss_mb"] > 0
    assert "colorize 64x64: median" in capsys.readouterr().out


def test_prototype_comparison_times_as_shipped_and_like_for_like(tiny_checkpoint, monkeypatch, capsys):
    from colorizer import Colorizer, bench

    # the real prototype takes seconds: time a tiny stand-in built the same way
    monkeypatch.setattr(bench, "build_model", lambda config: UNet(UNetConfig(base_channels=4, depth=1, blocks=1)))
    figures = bench.compare_prototype(Colorizer.load(tiny_checkpoint), repeats=1)
    assert set(figures) >= {"network_512", "prototype_512", "speedup_512", "prototype_alike_512", "speedup_alike_512"}
    assert figures["speedup_256"] == figures["prototype_256"] / figures["network_256"]
    assert "like for like" in capsys.readouterr().out


def test_served_network_matches_the_plain_model(tiny_checkpoint):
    import numpy as np
    import torch

    from colorizer import Colorizer, load_model

    colorizer = Colorizer.load(tiny_checkpoint, precision="float32")
    plain, _ = load_model(tiny_checkpoint)
    x = torch.rand(1, 4, 40, 56) * 2 - 1
    with torch.inference_mode():
        assert torch.allclose(colorizer.network(x), plain.eval()(x), atol=1e-5)
    assert colorizer.model.stem[0].weight.is_contiguous(memory_format=torch.channels_last)
    packed = x[0].numpy()
    expected = np.round((plain(x)[0].detach().clamp(-1, 1).permute(1, 2, 0).numpy() + 1) * 127.5)
    assert np.abs(colorizer.predict(packed).astype(int) - expected).max() <= 1


def test_bfloat16_network_stays_within_a_few_levels_of_float32(tiny_checkpoint):
    import numpy as np
    import torch

    from colorizer import Colorizer

    exact = Colorizer.load(tiny_checkpoint, precision="float32")
    fast = Colorizer.load(tiny_checkpoint, precision="bfloat16")
    assert fast.dtype == torch.bfloat16 and next(fast.model.parameters()).dtype == torch.bfloat16
    assert (fast.dtype_name, exact.dtype_name) == ("bfloat16", "float32")
    packed = (torch.rand(4, 40, 56, generator=torch.Generator().manual_seed(0)) * 2 - 1).numpy()
    assert fast.network(torch.from_numpy(packed)[None]).dtype == torch.float32
    difference = np.abs(fast.predict(packed).astype(int) - exact.predict(packed).astype(int))
    assert difference.mean() < 2 and difference.max() <= 12


def test_auto_precision_follows_the_cpu_and_unknown_precision_is_refused(tiny_checkpoint, monkeypatch):
    import pytest
    import torch

    from colorizer import Colorizer, pipeline

    for native, dtype in ((True, torch.bfloat16), (False, torch.float32)):
        monkeypatch.setattr(pipeline, "native_bfloat16", lambda: native)
        assert Colorizer.load(tiny_checkpoint).dtype == dtype
    with pytest.raises(ValueError, match="float32"):
        Colorizer.load(tiny_checkpoint, precision="float16")
