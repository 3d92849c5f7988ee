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
