"""Pack the training pictures for a lent GPU machine, and check what the call would carry.

    python -m training.gpu_pack --out gpu          # then the device call with carry=["gpu"]

A device call copies the working tree (tracked files and untracked ones git does not ignore) plus
the folders named in ``carry``, 64 MiB in all. The face frames (about 90 MB of JPEG) do not fit, so
they are re-encoded as WebP (quality 85 by default: 43 MB for 3,400 frames) under
``OUT/data/faces``, keeping their names so the last ``val_count`` frames in sorted order are still
the held-out ones. The stickers (transparent PNGs) are copied as they are to ``OUT/data/stickers``.
Training reads both: ``--data=OUT/data/faces --stickers=OUT/data/stickers``. The report says how
many bytes the call would carry and, when that is over the limit, the largest files it would copy.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
from pathlib import Path

from PIL import Image

from .data import image_files

CARRY_LIMIT = 64 * 2**20  # bytes a device call carries: the working tree plus its carry folders
FACES = "../shared/data/anime-faces-256/train"
STICKERS = "../shared/data/stickers/train"


def pack_faces(source: Path, target: Path, quality: int = 85) -> int:
    """Re-encode every picture of ``source`` as ``target/<stem>.webp`` (RGB, lossy at ``quality``
    0-100); pictures already packed are kept. Returns how many pictures ``target`` now holds."""
    target.mkdir(parents=True, exist_ok=True)
    pictures = image_files(source)
    if not pictures:
        raise SystemExit(f"No pictures in {source}: pass --faces=FOLDER of training frames.")
    for picture in pictures:
        packed = target / f"{picture.stem}.webp"
        if not packed.exists():
            with Image.open(picture) as image:
                image.convert("RGB").save(packed, "WEBP", quality=quality, method=4)
    return len(pictures)


def copy_stickers(source: Path, target: Path) -> int:
    """Copy the transparent PNG stickers of ``source`` into ``target``; returns how many."""
    target.mkdir(parents=True, exist_ok=True)
    stickers = image_files(source, {".png"})
    if not stickers:
        raise SystemExit(f"No PNG stickers in {source}: pass --stickers=FOLDER of transparent PNGs.")
    for sticker in stickers:
        shutil.copy2(sticker, target / sticker.name)
    return len(stickers)


def travelling_files(root: Path, carry: list[Path]) -> dict[Path, int]:
    """{file: bytes} that a device call from ``root`` copies: what git tracks or does not ignore,
    and every file under the ``carry`` folders (relative to ``root``)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            check=True, capture_output=True).stdout.decode().split("\0")
    files = {root / name for name in listed if name and (root / name).is_file()}
    files |= {p for folder in carry for p in (root / folder).rglob("*") if p.is_file()}
    return {p: p.stat().st_size for p in files}


def carry_report(root: Path, carry: list[Path], limit: int = CARRY_LIMIT, largest: int = 5) -> tuple[int, str]:
    """(bytes the call carries, a few lines saying whether that fits in ``limit`` and, if not, the
    ``largest`` files it carries)."""
    sizes = travelling_files(root, carry)
    total = sum(sizes.values())
    lines = [f"A device call would carry {total / 2**20:.1f} MiB (limit {limit / 2**20:.0f} MiB)."]
    if total > limit:
        lines.append("Over the limit. Largest files (leave out of the call those the run does not need, "
                     "e.g. move the shipped models aside and restore them after it):")
        lines += [f"  {size / 2**20:6.1f} MiB  {path.relative_to(root)}"
                  for path, size in sorted(sizes.items(), key=lambda item: -item[1])[:largest]]
    return total, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("gpu"), help="git-ignored folder to fill (carry it)")
    parser.add_argument("--faces", type=Path, default=Path(FACES), help="training frames to re-encode")
    parser.add_argument("--stickers", type=Path, default=Path(STICKERS), help="transparent PNG stickers to copy")
    parser.add_argument("--quality", type=int, default=85, help="WebP quality of the frames (0-100)")
    args = parser.parse_args(argv)
    faces = pack_faces(args.faces, args.out / "data" / "faces", args.quality)
    stickers = copy_stickers(args.stickers, args.out / "data" / "stickers")
    print(f"{faces} frames and {stickers} stickers in {args.out / 'data'}; train with "
          f"--data={args.out}/data/faces --stickers={args.out}/data/stickers")
    total, report = carry_report(Path.cwd(), [args.out])
    print(report)
    return 0 if total <= CARRY_LIMIT else 1


if __name__ == "__main__":
    raise SystemExit(main())
