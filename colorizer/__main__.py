"""Command line: ``python -m colorizer batch --input DIR --hints FILE_OR_DIR --out DIR``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from .batch import colorize_folder
from .checkpoint import CheckpointError
from .pipeline import Colorizer
from .regions import RegionFill
from .runtime import keep_freed_memory


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m colorizer")
    commands = parser.add_subparsers(dest="command", required=True)
    batch = commands.add_parser("batch", help="colour a folder of frames or sketches")
    batch.add_argument("--input", type=Path, required=True, help="folder of pictures or line art")
    batch.add_argument("--hints", type=Path, default=None,
                       help="one scribble PNG for every frame, or a folder with <frame name>.png per frame")
    batch.add_argument("--out", type=Path, required=True, help="folder for <name>_colorized.png")
    batch.add_argument("--line-art", action="store_true",
                       help="the inputs already are line art (used as sketches, coloured by the line-art model)")
    batch.add_argument("--checkpoint", type=Path, default=None, help="model (default: the shipped one for the kind of input, see --line-art)")
    batch.add_argument("--no-region-fill", action="store_true",
                       help="keep the model's output as it is instead of filling hinted regions with their colour")
    batch.add_argument("--fill-flatness", type=float, default=RegionFill.flatness,
                       help="region fill: 0 keeps the model's shading, 1 paints hinted regions flat")
    batch.add_argument("--fill-gap", type=int, default=RegionFill.gap, help="region fill: line gaps closed (px)")
    batch.add_argument("--fill-spread", type=float, default=RegionFill.spread,
                       help="region fill: also recolour unhinted neighbouring regions the model coloured this alike "
                            "(Lab distance 0-30, 0 = off)")
    batch.add_argument("--fill-line-level", type=int, default=RegionFill.line_level,
                       help="region fill: sketch pixels darker than this (1-255) are lines that stop a colour")
    args = parser.parse_args(argv)
    if not args.input.is_dir():
        parser.error(f"--input {args.input} is not a folder")
    if args.hints is not None and not args.hints.exists():
        parser.error(f"--hints {args.hints} does not exist")
    try:
        region_fill = (None if args.no_region_fill
                       else RegionFill(args.fill_gap, args.fill_flatness, spread=args.fill_spread,
                                  line_level=args.fill_line_level))
    except ValueError as error:
        parser.error(str(error))
    keep_freed_memory()
    try:
        colorizer = Colorizer.load(args.checkpoint, line_art=args.line_art)
    except CheckpointError as error:
        print(error, file=sys.stderr)
        return 2
    report = colorize_folder(colorizer, args.input, args.hints, args.out, args.line_art,
                             progress=lambda items: tqdm(items, desc="colouring", unit="frame"), region_fill=region_fill)
    print(report.summary())
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
