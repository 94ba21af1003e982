"""MinHash signatures of text blocks over word n-grams, compatible with datasketch.

A block's shingles are its word n-grams (``ngram`` consecutive words of the normalised text,
joined by single spaces), each hashed with xxh32. The permutations are datasketch's default
``affine32`` scheme: every hash is pre-mixed with the MurmurHash3 finalizer, then mapped by
``a_k * h + b_k (mod 2**32)`` with the same ``a_k, b_k`` that ``datasketch.MinHash(num_perm, seed)``
draws. So a signature computed here equals ``MinHash(hashfunc=xxhash.xxh32_intdigest)`` updated
with the same shingles, and can be queried with datasketch.

The work runs in one numba-compiled loop per batch (xxh32 of each shingle, then all permutations),
so a batch of paragraphs costs a few microseconds each instead of tens in Python.

>>> hasher = MinHasher()
>>> a = hasher.lean_minhash("The council voted on Thursday to open a second ferry route to the islands.")
>>> b = hasher.lean_minhash("The council voted on Thursday to open a second ferry route to the isles.")
>>> abs(a.jaccard(b) - 11 / 13) < 0.1  # 11 of 13 distinct word 3-grams shared
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit

from dedupe.dedup.text import normalise_batch

if TYPE_CHECKING:
    import datasketch

# xxh32 constants (https://github.com/Cyan4973/xxHash/blob/dev/doc/xxhash_spec.md).
_P1 = np.uint32(2654435761)
_P2 = np.uint32(2246822519)
_P3 = np.uint32(3266489917)
_P4 = np.uint32(668265263)
_P5 = np.uint32(374761393)


@njit(cache=True, nogil=True)
def _rotl(x: Any, r: int) -> Any:
    return np.uint32((x << np.uint32(r)) | (x >> np.uint32(32 - r)))


@njit(cache=True, nogil=True)
def _read32(buf: Any, i: int) -> Any:
    return (np.uint32(buf[i]) | (np.uint32(buf[i + 1]) << np.uint32(8))
            | (np.uint32(buf[i + 2]) << np.uint32(16)) | (np.uint32(buf[i + 3]) << np.uint32(24)))


@njit(cache=True, nogil=True)
def xxh32(buf: Any, start: int, end: int) -> Any:
    """xxh32 (seed 0) of ``buf[start:end]``; equals ``xxhash.xxh32_intdigest`` of those bytes."""
    n = end - start
    i = start
    if n >= 16:
        v1 = np.uint32(_P1 + _P2)
        v2 = _P2
        v3 = np.uint32(0)
        v4 = np.uint32(0) - _P1
        limit = end - 16
        while i <= limit:
            v1 = np.uint32(_rotl(np.uint32(v1 + _read32(buf, i) * _P2), 13) * _P1)
            v2 = np.uint32(_rotl(np.uint32(v2 + _read32(buf, i + 4) * _P2), 13) * _P1)
            v3 = np.uint32(_rotl(np.uint32(v3 + _read32(buf, i + 8) * _P2), 13) * _P1)
            v4 = np.uint32(_rotl(np.uint32(v4 + _read32(buf, i + 12) * _P2), 13) * _P1)
            i += 16
        h = np.uint32(_rotl(v1, 1) + _rotl(v2, 7) + _rotl(v3, 12) + _rotl(v4, 18))
    else:
        h = _P5
    h = np.uint32(h + np.uint32(n))
    while i + 4 <= end:
        h = np.uint32(_rotl(np.uint32(h + _read32(buf, i) * _P3), 17) * _P4)
        i += 4
    while i < end:
        h = np.uint32(_rotl(np.uint32(h + np.uint32(buf[i]) * _P5), 11) * _P1)
        i += 1
    h ^= h >> np.uint32(15)
    h = np.uint32(h * _P2)
    h ^= h >> np.uint32(13)
    h = np.uint32(h * _P3)
    h ^= h >> np.uint32(16)
    return h


@njit(cache=True, nogil=True)
def _fmix32(h: Any) -> Any:
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xC2B2AE35))
    h ^= h >> np.uint32(16)
    return h


@njit(cache=True, nogil=True)
def _shingle_hashes(buf: Any, ngram: int, out_hashes: Any, out_offsets: Any) -> None:
    """xxh32 of every word n-gram of every text. ``buf`` holds the texts separated by newlines,
    words separated by runs of spaces; a shingle is its words joined by single spaces, as
    :func:`dedupe.dedup.text.shingle_text` writes them. A text of fewer than ``ngram`` words is one
    shingle (its whole text); an empty text has none."""
    n = buf.shape[0]
    # Compact: single spaces between words, no space at either end of a text. Shingles are then
    # contiguous slices, hashed in place.
    text = np.empty(n, dtype=np.uint8)
    word_start = np.empty(n + 1, dtype=np.int64)
    k = 0
    t = 0
    i = 0
    while t < out_offsets.shape[0] - 1:
        out_offsets[t] = k
        size = 0
        n_words = 0
        while i < n and buf[i] != 10:
            if buf[i] == 32:
                i += 1
                continue
            if n_words:
                text[size] = 32
                size += 1
            word_start[n_words] = size
            n_words += 1
            while i < n and buf[i] != 32 and buf[i] != 10:
                text[size] = buf[i]
                size += 1
                i += 1
        i += 1  # the newline
        t += 1
        if n_words == 0:
            continue
        word_start[n_words] = size + 1  # where a word after the last would start
        width = min(ngram, n_words)
        for j in range(n_words - width + 1):
            out_hashes[k] = xxh32(text, word_start[j], word_start[j + width] - 1)
            k += 1
    out_offsets[out_offsets.shape[0] - 1] = k


@njit(cache=True, nogil=True)
def _signatures(hashes: Any, offsets: Any, a: Any, b: Any, out: Any) -> None:
    num_perm = a.shape[0]
    for t in range(offsets.shape[0] - 1):
        row = out[t]
        for p in range(num_perm):
            row[p] = np.uint32(0xFFFFFFFF)
        for k in range(offsets[t], offsets[t + 1]):
            h = _fmix32(hashes[k])
            for p in range(num_perm):
                v = np.uint32(a[p] * h + b[p])
                if v < row[p]:
                    row[p] = v


def affine32_permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` of datasketch's ``affine32`` scheme, drawn as ``MinHash._init_permutations`` draws
    them (a test compares the two); not imported from datasketch, whose import costs 0.3 s and
    ~40 MB in every worker process (scipy, redis clients)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.ascontiguousarray(a), np.ascontiguousarray(b)


class MinHasher:
    """Signatures of ``num_perm`` permutations over word ``ngram`` s, as datasketch draws them.

    Args:
        num_perm: permutations (signature length).
        ngram: words per shingle.
        seed: datasketch's seed for the permutation parameters.
    """

    def __init__(self, num_perm: int = 128, ngram: int = 3, seed: int = 1) -> None:
        self.num_perm = num_perm
        self.ngram = ngram
        self.seed = seed
        self._a, self._b = affine32_permutations(num_perm, seed)

    def shingle_hashes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """xxh32 of the shingles of each text: a flat ``uint32`` array and ``len(texts)+1`` offsets.

        Texts are normalised by :func:`~dedupe.dedup.text.normalise`; the compiled kernel splits
        words at spaces, so shingles are exactly :func:`~dedupe.dedup.text.shingle_text`'s.
        """
        return self.shingle_hashes_of_normalised(normalise_batch(list(texts)), len(texts))

    def shingle_hashes_of_normalised(self, joined: str, n_texts: int) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`shingle_hashes` of ``n_texts`` texts already through
        :func:`~dedupe.dedup.text.normalise_batch` (``joined``)."""
        buf = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
        capacity = int(np.count_nonzero(buf == 32)) + 2 * n_texts + 1  # >= words
        hashes = np.empty(capacity, dtype=np.uint32)
        offsets = np.empty(n_texts + 1, dtype=np.int64)
        _shingle_hashes(buf, self.ngram, hashes, offsets)
        return hashes[: offsets[-1]], offsets

    def signatures(self, texts: Sequence[str]) -> np.ndarray:
        """``uint32[len(texts), num_perm]`` MinHash signatures (an empty text: all ``2**32-1``)."""
        hashes, offsets = self.shingle_hashes(texts)
        return self.signatures_of(hashes, offsets)

    def signatures_of(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        out = np.empty((len(offsets) - 1, self.num_perm), dtype=np.uint32)
        _signatures(hashes, offsets, self._a, self._b, out)
        return out

    def lean_minhash(self, text: str) -> datasketch.LeanMinHash:
        """A datasketch ``LeanMinHash`` of ``text``, for ad-hoc queries against the corpus."""
        import datasketch  # imports scipy and redis clients: only for this
        signature = self.signatures([text])[0]
        return datasketch.LeanMinHash(seed=self.seed, hashvalues=signature, scheme="affine32")
