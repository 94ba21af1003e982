"""Which lines of a batch hold which needles, in one compiled pass over their UTF-8 bytes.

Most rules can only match a line that holds one of a few literal strings, their *needles*
(:func:`dedupe.clean.rules.needles` reads them off a pattern; :class:`~dedupe.clean.rules.PhraseRules`
names them). Testing each needle with ``in`` costs a Python call per needle per line; one pass of
a compiled kernel tells every line's needle sets at once, and the regex runs only where one is
present. A byte substring of UTF-8 text is a character substring (the encoding is
self-synchronising), so the answer is the same as ``any(needle in line for needle in group)``.

>>> groups = NeedleGroups([("cookie",), ("by ", "via"), None])
>>> groups.masks(["we use cookies", "photo via ap", "plain text"])
[5, 6, 4]
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Final

import numpy as np
from numba import njit

#: Bits of a line's mask: a group per bit of an int64.
MAX_GROUPS: Final = 63


class NeedleGroups:
    """Groups of needles, group ``k`` being bit ``k`` of each line's mask; a group None (a rule
    without needles) is present in every line."""

    def __init__(self, groups: Sequence[Collection[str] | None]) -> None:
        if len(groups) > MAX_GROUPS:
            raise ValueError(f"at most {MAX_GROUPS} needle groups")
        needles = sorted({(n.encode("utf-8"), k) for k, group in enumerate(groups) for n in group or ()})
        if any(not n or b"\n" in n for n, _ in needles):
            raise ValueError("needles are non-empty and hold no newline")
        self.groups = [None if group is None else tuple(group) for group in groups]
        self._always = sum(1 << k for k, group in enumerate(groups) if group is None)
        #: Per byte, the groups of one-byte needles.
        self._single = np.zeros(256, np.int64)
        for n, k in needles:
            if len(n) == 1:
                self._single[n[0]] |= 1 << k
        longer = [(n, k) for n, k in needles if len(n) > 1]
        self._bytes = np.frombuffer(b"".join(n for n, _ in longer), np.uint8).copy()
        self._starts = np.zeros(len(longer) + 1, np.int64)
        np.cumsum([len(n) for n, _ in longer], out=self._starts[1:])
        self._bits = np.array([1 << k for _, k in longer], np.int64)
        # The longer needles by their first two bytes (sorted by bytes, each pair's are contiguous):
        # most positions of a line start no needle's pair, and are passed over at one look-up.
        pairs = np.array([n[0] << 8 | n[1] for n, _ in longer], np.int64)
        self._by_pair = np.searchsorted(pairs, np.arange((1 << 16) + 1), "left").astype(np.int32)

    def masks(self, lines: Sequence[str], buf: np.ndarray | None = None) -> list[int]:
        """Per line, the bits of the groups it holds a needle of; ``buf``: the lines joined by
        newlines and encoded (UTF-8, ``surrogatepass``), when the caller has it."""
        if not lines:
            return []
        if buf is None:
            buf = np.frombuffer("\n".join(lines).encode("utf-8", "surrogatepass"), np.uint8)
        out = np.zeros(len(lines), np.int64)
        if int(np.count_nonzero(buf == 10)) != len(lines) - 1:  # a line holds a newline: no filter
            out[:] = (1 << len(self.groups)) - 1
        else:
            _needle_kernel(buf, self._bytes, self._starts, self._bits, self._by_pair, self._single, out)
            out |= self._always
        masks: list[int] = out.tolist()
        return masks


@njit(cache=True, nogil=True)
def _needle_kernel(buf: Any, needle_bytes: Any, starts: Any, bits: Any, by_pair: Any, single: Any,
                   out: Any) -> None:
    """``out[line]``: the OR of the ``bits`` of the needles found in each newline-separated line
    (``single``: the bits of the one-byte needles, per byte)."""
    n = buf.shape[0]
    line = 0
    mask = np.int64(0)
    following = np.int64(buf[0]) if n else np.int64(10)
    for i in range(n):
        b = following
        following = np.int64(buf[i + 1]) if i + 1 < n else np.int64(10)
        if b == 10:
            out[line] = mask
            mask = np.int64(0)
            line += 1
            continue
        mask |= single[b]
        key = b << 8 | following
        for k in range(by_pair[key], by_pair[key + 1]):
            lo, size = starts[k], starts[k + 1] - starts[k]
            if i + size > n:
                continue
            same = True
            for m in range(2, size):
                if buf[i + m] != needle_bytes[lo + m]:
                    same = False
                    break
            if same:
                mask |= bits[k]
    out[line] = mask
