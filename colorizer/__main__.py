"""Command line of the library (argparse lives here, not in the library's modules).

    python -m colorizer batch --input DIR --hints FILE_OR_DIR --out DIR   # colour a folder of frames
    python -m colorizer batch --input DIR --hints FILE --follow-motion FRAME --out DIR   # scribbles follow the cut
    python -m colorizer batch --input DIR --hints DIR --follow-motion --out DIR   # scribbles painted on key frames
    python -m colorizer sketch --input DIR --out DIR [--line-art] [--sketch-...]   # sketches, as the Sketch page
    python -m colorizer bench --sizes 256 512 --repeats 10                # speed on this CPU

``add_fill_arguments`` gives other command lines (training.evaluate) the same region fill options.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import torch
from tqdm import tqdm

from .batch import colorize_folder, sketch_folder
from .bench import run
from .checkpoint import CheckpointError
from .images import ImageLoadError, load_image
from .pipeline import FLIP_AVERAGE, PRECISIONS, Colorizer
from .regions import RegionFill
from .runtime import keep_freed_memory
from .shipped import DEFAULT_CHECKPOINT
from .sketch import SketchKind, SketchSettings

WHITE_PAPER = {"auto": None, "on": True, "off": False}  # --white-paper: colorize_folder's white_paper
KEY_FRAMES = Path("<key frames>")  # --follow-motion without FRAME: the --hints folder names its files for their frames
FILL_OPTIONS = {  # RegionFill field: (type, help) of its command-line option
    "gap": (int, "line gaps closed (px, 0-8)"),
    "flatness": (float, "0 keeps the model's shading in hinted regions, 1 paints them flat"),
    "line_level": (int, "sketch pixels darker than this (1-255) are lines that stop a colour"),
    "leak_guard": (float, "on blank paper, CIE L* distance from the model's lightness near a stroke beyond which "
                          "its fill fades out in a region reaching the border (0: off)"),
}


def add_fill_arguments(parser: argparse.ArgumentParser) -> None:
    """Give a command line the region fill settings, defaulting to the app's; each is accepted as
    --fill-line-level or --fill_line_level, so every tool takes both spellings."""
    for name, (kind, text) in FILL_OPTIONS.items():
        parser.add_argument(f"--fill-{name.replace('_', '-')}", f"--fill_{name}", dest=f"fill_{name}", type=kind,
                            default=getattr(RegionFill, name), help=f"region fill: {text}")
    parser.add_argument("--fill-unhinted", "--fill_unhinted", dest="fill_unhinted",
                        action=argparse.BooleanOptionalAction, default=RegionFill.unhinted,
                        help="region fill: also even out regions without hints")


def add_flip_average_argument(parser: argparse.ArgumentParser) -> None:
    """Give a command line --flip-average / --no-flip-average, defaulting to the app's FLIP_AVERAGE."""
    parser.add_argument("--flip-average", action=argparse.BooleanOptionalAction, default=FLIP_AVERAGE,
                        help="average the network over the mirrored sketch as the app does (--no-flip-average: one pass)")


def fill_from_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> RegionFill:
    """The RegionFill that :func:`add_fill_arguments`' options ask for; a value out of range ends
    the program through ``parser.error`` with RegionFill's message."""
    try:
        return RegionFill(**{name: getattr(args, f"fill_{name}") for name in [*FILL_OPTIONS, "unhinted"]})
    except ValueError as error:
        parser.error(str(error))


SKETCH_OPTIONS = {  # SketchSettings field: help of its command-line option (--sketch-<field>)
    "kernel_size": "Sobel kernel size (1, 3, 5 or 7)", "blur": "Gaussian blur before the edges (px, 0-4)",
    "strength": "line strength (0.5-5)", "threshold": "edges weaker than this vanish (0-0.9)",
    "line_width": "lines thickened to this many px (1-7)", "binarize": "pure black lines",
    "invert": "line art: light lines on a dark ground", "even_lighting": "line art: even out the paper's lighting",
    "erase_faint": "line art: marks lighter than this share of black vanish (0-0.6)",
}


def add_sketch_arguments(parser: argparse.ArgumentParser) -> None:
    """Give a command line the Sketch page's settings (SketchSettings), defaulting to the app's."""
    for name, text in SKETCH_OPTIONS.items():
        default = getattr(SketchSettings, name)
        kind = dict(action=argparse.BooleanOptionalAction) if isinstance(default, bool) else dict(type=type(default))
        parser.add_argument(f"--sketch-{name.replace('_', '-')}", dest=f"sketch_{name}", default=default,
                            help=f"sketch: {text} (default: %(default)s)", **kind)


def sketch_from_args(parser: argparse.ArgumentParser, args: argparse.Namespace) -> SketchSettings:
    """The SketchSettings that :func:`add_sketch_arguments`' options ask for; a value out of range ends the
    program through ``parser.error`` with SketchSettings' message."""
    try:
        return SketchSettings(**{name: getattr(args, f"sketch_{name}") for name in SKETCH_OPTIONS})
    except ValueError as error:
        parser.error(str(error))


def add_batch_command(commands) -> None:
    batch = commands.add_parser("batch", help="colour a folder of frames or sketches")
    batch.add_argument("--input", type=Path, required=True, help="folder of pictures or line art")
    batch.add_argument("--hints", type=Path, default=None,
                       help="one scribble PNG for every frame, or a folder with <frame name>.png per frame")
    batch.add_argument("--out", type=Path, required=True, help="folder for <name>_colorized.png")
    batch.add_argument("--line-art", action="store_true",
                       help="the inputs already are line art (used as sketches, coloured by the line-art model)")
    batch.add_argument("--checkpoint", type=Path, default=None,
                       help="model (default: the shipped one for the kind of input, see --line-art)")
    batch.add_argument("--no-region-fill", action="store_true",
                       help="keep the model's output as it is instead of filling hinted regions with their colour")
    batch.add_argument("--white-paper", choices=WHITE_PAPER, default="auto",
                       help="regions touching a picture's edge stay white unless painted: on, off, or auto (the app's "
                            "default: on for an edge sketch of a character on blank paper)")
    batch.add_argument("--follow-motion", type=Path, nargs="?", const=KEY_FRAMES, default=None, metavar="FRAME",
                       help="with one --hints file: the picture it was painted on (a frame of the same cut; given an "
                            "animation, its first frame), and its scribbles move onto each frame along the motion "
                            "between them. With a --hints folder, leave FRAME out: its files are named for the frames "
                            "they were painted on (key frames), and each frame takes the nearest one's, moved")
    batch.add_argument("--working-size", action="store_true",
                       help="write each result at the size it is coloured at (long side up to 2048 px) instead of the "
                            "picture's own size (up to 4096 px)")
    batch.add_argument("--layers", action="store_true",
                       help="also write each picture's layers (lines, flat colours, result, scribbles) as <name>.ora, "
                            "which Krita, GIMP and MyPaint open as a stack")
    batch.add_argument("--transparent-paper", action="store_true",
                       help="RGBA PNGs: the white paper around each picture is transparent (lines and what they "
                            "enclose stay; an animation's GIF stays on white)")
    add_fill_arguments(batch)
    add_sketch_arguments(batch)


def add_sketch_command(commands) -> None:
    sketch = commands.add_parser("sketch", help="write the sketch of every picture in a folder, as the Sketch page's "
                                               "download gives it")
    sketch.add_argument("--input", type=Path, required=True, help="folder of pictures or line art")
    sketch.add_argument("--out", type=Path, required=True, help="folder for <name>_sketch.png")
    sketch.add_argument("--line-art", action="store_true", help="the inputs already are line art (evened, erased)")
    sketch.add_argument("--straighten", action="store_true",
                        help="crop each photo of a sheet of paper on a table to the sheet and square it up first")
    add_sketch_arguments(sketch)


def add_bench_command(commands) -> None:
    bench = commands.add_parser("bench", help="time colouring on this machine's CPU")
    bench.add_argument("--checkpoint", default=str(DEFAULT_CHECKPOINT))
    bench.add_argument("--sizes", type=int, nargs="+", default=[256, 512, 1024, 2048])
    bench.add_argument("--repeats", type=int, default=20)
    bench.add_argument("--threads", type=int, default=os.cpu_count())
    bench.add_argument("--precision", choices=PRECISIONS, default="auto",
                       help="dtype the network runs in (auto: bfloat16 where the CPU has it natively)")
    bench.add_argument("--default-malloc", action="store_true",
                       help="skip colorizer.runtime.keep_freed_memory (the app calls it), to see what it buys")
    bench.add_argument("--eager", action="store_true",
                       help="run the U-Net eagerly instead of through fused oneDNN kernels, to see what they buy")
    add_flip_average_argument(bench)
    add_fill_arguments(bench)


def run_batch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.input.is_dir():
        parser.error(f"--input {args.input} is not a folder")
    if args.hints is not None and not args.hints.exists():
        parser.error(f"--hints {args.hints} does not exist")
    region_fill = None if args.no_region_fill else fill_from_args(parser, args)
    kind = SketchKind.LINE_ART if args.line_art else SketchKind.SOBEL
    settings = sketch_from_args(parser, args)
    painted_on = painted_on_sketch(parser, args, kind, settings)
    keep_freed_memory()
    try:
        colorizer = Colorizer.load(args.checkpoint, kind=kind)
    except CheckpointError as error:
        print(error, file=sys.stderr)
        return 2
    report = colorize_folder(colorizer, args.input, args.hints, args.out, kind, region_fill=region_fill,
                             white_paper=WHITE_PAPER[args.white_paper], painted_on=painted_on,
                             key_frames=args.follow_motion is KEY_FRAMES, own_size=not args.working_size,
                             settings=settings, transparent=args.transparent_paper, layers=args.layers,
                             progress=lambda items: tqdm(items, desc="colouring", unit="frame"))
    print(report.summary())
    return 1 if report.failed else 0


def painted_on_sketch(parser: argparse.ArgumentParser, args: argparse.Namespace, kind: SketchKind,
                      settings: SketchSettings):
    """The sketch (with ``settings``, "L") of --follow-motion's frame, or None without it (and for key frames in a
    --hints folder)."""
    if args.follow_motion is None:
        return None
    if args.hints is None:
        parser.error("--follow-motion needs --hints: one scribble file and the FRAME it was painted on, or a folder "
                     "of scribble files named for their frames")
    if args.hints.is_dir() != (args.follow_motion is KEY_FRAMES):
        parser.error("--follow-motion takes a FRAME with one --hints file (the frame it was painted on), and none with "
                     "a --hints folder (its files are named for the frames they were painted on)")
    if args.follow_motion is KEY_FRAMES:
        return None
    try:
        return kind.sketch(load_image(args.follow_motion), settings)
    except ImageLoadError as error:
        parser.error(f"--follow-motion {args.follow_motion}: {error}")


def run_sketch(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    if not args.input.is_dir():
        parser.error(f"--input {args.input} is not a folder")
    kind = SketchKind.LINE_ART if args.line_art else SketchKind.SOBEL
    report = sketch_folder(args.input, args.out, kind, sketch_from_args(parser, args),
                           progress=lambda items: tqdm(items, desc="sketching", unit="file"), straighten=args.straighten)
    print(report.summary())
    return 1 if report.failed else 0


def run_bench(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict:
    torch.set_num_threads(args.threads)
    return run(args.checkpoint, args.sizes, args.repeats, args.precision, fill_from_args(parser, args),
               tune_malloc=not args.default_malloc, fused=not args.eager, flip_average=args.flip_average)


def main(argv: list[str] | None = None):
    """Run one command; returns batch's or sketch's exit code, or bench's figures."""
    parser = argparse.ArgumentParser(prog="python -m colorizer")
    commands = parser.add_subparsers(dest="command", required=True)
    add_batch_command(commands)
    add_sketch_command(commands)
    add_bench_command(commands)
    args = parser.parse_args(argv)
    return {"batch": run_batch, "sketch": run_sketch, "bench": run_bench}[args.command](parser, args)


if __name__ == "__main__":
    result = main()
    sys.exit(result if isinstance(result, int) else 0)
