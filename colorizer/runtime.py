"""Process-wide settings that make CPU inference faster."""
from __future__ import annotations

import ctypes
import platform

# mallopt parameters from glibc's <malloc.h>.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
_MIB = 1 << 20


def keep_freed_memory() -> bool:
    """Make glibc's malloc keep freed memory for the next request instead of giving it back.

    By default glibc hands large freed blocks straight back to the kernel (blocks over its
    mmap threshold, and the free top of each heap), so every forward pass faults all of its
    activation memory in again, page by page: about 12,000 page faults per 512 px pass of the
    shipped model, a quarter of its time on the 2-core VM (``python -m colorizer.bench
    --default-malloc`` shows the difference). How much the defaults fault depends on the
    order the CPU's kernels allocate in, as glibc raises its threshold on the fly (the
    page-fault test's small model faulted none with them on one CI machine). With this,
    blocks up to 1 GiB come from the heap and stay there, so the process holds its peak
    memory between runs instead.

    Process-wide and idempotent; call it once at start-up (the app, the bench, the batch CLI,
    ``training.evaluate`` and ``training.train`` do). Returns False, changing nothing, where the C library is not
    glibc (macOS, Windows, musl).
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    mallopt = ctypes.CDLL(None).mallopt
    # Older glibc refuses mmap thresholds above 32 MiB; the 512 px activations fit under it.
    mapped = mallopt(M_MMAP_THRESHOLD, 1024 * _MIB) or mallopt(M_MMAP_THRESHOLD, 32 * _MIB)
    # A top pad of one whole heap also keeps threads' arenas (Streamlit runs pages in threads)
    # from unmapping heaps that have just emptied.
    return bool(mapped and mallopt(M_TRIM_THRESHOLD, 1024 * _MIB) and mallopt(M_TOP_PAD, 64 * _MIB))
