"""Command line: ``python -m colorizer batch --input DIR --hints FILE_OR_DIR --out DIR``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from .batch import colorize_folder
from .checkpoint import CheckpointError
from .pipeline import Colorizer
from .regions import add_fill_arguments, fill_from_args
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
    add_fill_arguments(batch)
    args = parser.parse_args(argv)
    if not args.input.is_dir():
        parser.error(f"--input {args.input} is not a folder")
    if args.hints is not None and not args.hints.exists():
        parser.error(f"--hints {args.hints} does not exist")
    region_fill = None if args.no_region_fill else fill_from_args(batch, args)
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
