"""Classes of code points that compiled kernels test one by one, as sorted arrays, with their
membership test. Each is what Python says (``str.isspace``), so a kernel agrees with ``str.split``.

>>> hex(SPACES_ABOVE_ASCII[0]), in_sorted(SPACES_ABOVE_ASCII, 0x3000), in_sorted(SPACES_ABOVE_ASCII, 0x41)
('0x85', True, False)
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numba import njit

#: Whitespace outside ASCII (every code point ``str.isspace`` accepts is below U+3001).
SPACES_ABOVE_ASCII: Final = np.array([c for c in range(0x80, 0x3001) if chr(c).isspace()], np.uint32)


@njit(cache=True, nogil=True)
def in_sorted(sorted_values: Any, value: Any) -> bool:
    """Whether ``value`` is in ``sorted_values`` (a binary search)."""
    i = np.searchsorted(sorted_values, value)
    return bool(i < sorted_values.shape[0] and sorted_values[i] == value)
