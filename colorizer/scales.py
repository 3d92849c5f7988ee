"""The working size: the models run on inputs scaled down to a long side of at most WORK_SIDE
(below), in one pass; results are brought back to the sketch's size."""
from __future__ import annotations

WORK_SIDE = 512  # long side (px) at which the models run; results are brought back to the sketch's size


def working_size(size: tuple[int, int], work_side: int) -> tuple[int, int]:
    """(width, height) scaled down so the long side is at most ``work_side``; never up."""
    width, height = size
    scale = min(1.0, work_side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))
