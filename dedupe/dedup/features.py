"""What the deduplicator needs of each content block, computed where the text is (in parallel).

Everything that depends on one block or one document alone - word count, exact key, shingle
hashes, MinHash signature, band keys, anchors, and the candidate pairs within a document - is
computed here, a batch of blocks at a time, into an Arrow table (:data:`FEATURES`). The global
pass in keep-order (:class:`~dedupe.dedup.deduplicator.Deduplicator`) then reads these tables and
never the text: it only looks blocks up and verifies candidates.

>>> from dedupe.settings import Settings
>>> computer = FeatureComputer(Settings())
>>> table, signatures = computer.compute(["a", "a"], [0, 1], ["A short line.", "The same paragraph. " * 5])
>>> table.column("n_words").to_pylist(), signatures.shape
([3, 15], (1, 128))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pyarrow as pa
from numba import njit

from dedupe.dedup.lsh import band_keys, choose_bands
from dedupe.dedup.minhash import MinHasher
from dedupe.dedup.text import EXACT_FORM_VERSION, exact_forms, exact_key_of_form, normalise_batch
from dedupe.settings import Settings

#: One shingle in this many (by hash) is an anchor; a 60-word block has about 7 of them.
ANCHOR_MODULUS = 8

UINT32: pa.DataType = pa.uint32()

#: One row per content block, in document order then block order.
FEATURES = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("block_idx", pa.int32(), nullable=False),
    pa.field("chars", pa.int32(), nullable=False),  # characters of the block's text
    pa.field("n_words", pa.int32(), nullable=False),
    pa.field("exact_key", pa.int64(), nullable=False),
    # Near tier only (``n_words >= near_min_words``), empty lists otherwise:
    pa.field("band_keys", pa.list_(pa.uint32())),
    pa.field("anchors", pa.list_(pa.uint32())),
    pa.field("shingles", pa.list_(pa.uint32())),  # sorted distinct shingle hashes
    pa.field("within", pa.list_(pa.int32())),  # block_idx of earlier blocks of the document it may repeat
])


def list_values(column: pa.Array | pa.ChunkedArray, dtype: type = np.uint32) -> tuple[np.ndarray, np.ndarray]:
    """``(values, offsets)`` of a list column as numpy: row ``i`` is ``values[offsets[i]:offsets[i+1]]``.

    >>> values, offsets = list_values(pa.array([[1], [2, 3], [4]], pa.list_(pa.uint32())).slice(1))
    >>> values.tolist(), offsets.tolist()
    ([2, 3, 4], [0, 2, 3])
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    offsets = column.offsets.to_numpy().astype(np.int64)
    values = column.flatten().to_numpy(zero_copy_only=False).astype(dtype, copy=False)  # sliced too
    return values, offsets - offsets[0]


class FeatureComputer:
    """Computes :data:`FEATURES` rows and signatures for batches of blocks (one instance per process).

    Args:
        settings: the run's settings (words per shingle, permutations, tiers, LSH layout).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.hasher = MinHasher(settings.num_perm, settings.shingle_words, settings.minhash_seed)
        if settings.lsh_bands and settings.lsh_rows:
            self.bands, self.rows = settings.lsh_bands, settings.lsh_rows
        else:
            self.bands, self.rows = choose_bands(settings.jaccard_threshold, settings.num_perm)

    @property
    def layout(self) -> dict[str, int]:
        """What makes stored exact keys, band keys, anchors and shingles comparable with this run's
        (a corpus whose index was written with another layout is refused, not mixed)."""
        return {"num_perm": self.settings.num_perm, "shingle_words": self.settings.shingle_words,
                "minhash_seed": self.settings.minhash_seed, "bands": self.bands, "rows": self.rows,
                "anchor_modulus": ANCHOR_MODULUS, "exact_form": EXACT_FORM_VERSION}

    def compute(self, doc_ids: Sequence[str], block_idxs: Sequence[int],
                texts: Sequence[str]) -> tuple[pa.Table, np.ndarray]:
        """Features of blocks given in document order, and the signatures of the near-tier rows
        (``uint32[n_near, num_perm]``, in row order)."""
        # Normalised once for the batch (one lower-casing and translation, not one per block), and
        # the exact forms and word counts of all its blocks in one pass of array operations.
        joined = normalise_batch(list(texts)) if texts else ""
        normalised = joined.split("\n") if texts else []
        exact, n_words = exact_forms(joined) if texts else ([], np.zeros(0, np.int64))
        near_rows = np.flatnonzero(n_words >= self.settings.near_min_words).tolist()
        hashes, offsets = self.hasher.shingle_hashes_of_normalised(
            "\n".join([normalised[i] for i in near_rows]), len(near_rows))
        signatures = self.hasher.signatures_of(hashes, offsets)
        keys = band_keys(signatures, self.bands, self.rows)
        unique, unique_offsets, anchors, anchor_offsets = _distinct_and_anchors(
            hashes, offsets, ANCHOR_MODULUS)
        within = _same_document_overlaps([doc_ids[i] for i in near_rows], signatures, offsets,
                                         self.settings.containment_threshold)
        near = np.asarray(near_rows, np.int64)

        def per_row(values: np.ndarray, near_offsets: np.ndarray, type_: pa.DataType = UINT32) -> pa.Array:
            """A list column over all rows from the near rows' flat values (others: empty lists)."""
            lengths = np.zeros(len(texts), np.int64)
            lengths[near] = np.diff(near_offsets)
            row_offsets = np.zeros(len(texts) + 1, np.int32)
            np.cumsum(lengths, out=row_offsets[1:])
            return pa.ListArray.from_arrays(pa.array(row_offsets), pa.array(values, type_))

        within_rows, within_offsets = within
        within_values = np.asarray(block_idxs, np.int32)[near[within_rows]]
        table = pa.table({
            "doc_id": pa.array(doc_ids, pa.string()),
            "block_idx": pa.array(block_idxs, pa.int32()),
            "chars": pa.array([len(t) for t in texts], pa.int32()),
            "n_words": pa.array(n_words, pa.int32()),
            "exact_key": pa.array([exact_key_of_form(form) for form in exact], pa.int64()),
            "band_keys": per_row(keys.reshape(-1), np.arange(len(near_rows) + 1) * self.bands),
            "anchors": per_row(anchors, anchor_offsets), "shingles": per_row(unique, unique_offsets),
            "within": per_row(within_values, within_offsets, pa.int32()),
        }, schema=FEATURES)
        return table, signatures


@njit(cache=True, nogil=True)
def _distinct_and_anchors_kernel(hashes: Any, offsets: Any, modulus: int, unique: Any, unique_offsets: Any,
                                 anchors: Any, anchor_offsets: Any) -> None:
    n_unique = n_anchors = 0
    for row in range(offsets.shape[0] - 1):
        unique_offsets[row] = n_unique
        anchor_offsets[row] = n_anchors
        segment = np.sort(hashes[offsets[row]:offsets[row + 1]])
        for k in range(segment.shape[0]):
            value = segment[k]
            if k and value == segment[k - 1]:
                continue
            unique[n_unique] = value
            n_unique += 1
            if value % modulus == 0:
                anchors[n_anchors] = value
                n_anchors += 1
    unique_offsets[offsets.shape[0] - 1] = n_unique
    anchor_offsets[offsets.shape[0] - 1] = n_anchors


def _distinct_and_anchors(hashes: np.ndarray, offsets: np.ndarray,
                          modulus: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per segment of ``hashes``: its sorted distinct values and, among them, the anchors (the
    multiples of ``modulus``), as flat arrays with offsets."""
    unique = np.empty(len(hashes), np.uint32)
    anchors = np.empty(len(hashes), np.uint32)
    unique_offsets = np.empty(len(offsets), np.int64)
    anchor_offsets = np.empty(len(offsets), np.int64)
    _distinct_and_anchors_kernel(hashes, offsets, modulus, unique, unique_offsets, anchors, anchor_offsets)
    return unique[:unique_offsets[-1]], unique_offsets, anchors[:anchor_offsets[-1]], anchor_offsets


#: Within one document a block is compared with at most this many blocks before it, and keeps
#: at most ``SAME_DOCUMENT_CANDIDATES`` of them: an article has a few hundred blocks; a 50 MB
#: one-line "article" has a hundred thousand, and all its pairs would take hours and gigabytes.
SAME_DOCUMENT_WINDOW: Final = 512
SAME_DOCUMENT_CANDIDATES: Final = 16


@njit(cache=True, nogil=True)
def _same_document_overlaps_kernel(doc_start: Any, signatures: Any, sizes: Any, threshold: float,
                                   window: int, most: int, earlier: Any, offsets: Any) -> None:
    n_perm = signatures.shape[1]
    found = 0
    for b in range(signatures.shape[0]):
        offsets[b] = found
        n_b = sizes[b]
        kept = 0
        for a in range(max(doc_start[b], b - window), b):
            if kept == most:
                break
            equal = 0
            for p in range(n_perm):
                if signatures[a, p] == signatures[b, p]:
                    equal += 1
            jaccard = equal / n_perm
            # |A and B| = J (|A| + |B|) / (1 + J); containment of the later block B = that / |B|
            shared = jaccard * (sizes[a] + n_b) / (1.0 + jaccard)
            if shared / max(n_b, 1.0) >= threshold:
                earlier[found] = a
                found += 1
                kept += 1
    offsets[signatures.shape[0]] = found


def _same_document_overlaps(doc_of: Sequence[str], signatures: np.ndarray, offsets: np.ndarray,
                            containment: float) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs within each document, by estimated containment (every pair of blocks at most
    :data:`SAME_DOCUMENT_WINDOW` apart compared).

    An article that repeats a paragraph with a sentence reworded shares too little with its first
    copy for LSH at the Jaccard threshold; within one document every pair is cheap to estimate
    from the signatures, and the likely ones are verified exactly like any candidate.
    ``doc_of`` holds each document's rows together (document order). Returns, per near row, the
    earlier near rows of its document it may repeat, ascending: ``(values, offsets)``.

    >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 9], [1, 2, 3, 4]], np.uint32)
    >>> values, offsets = _same_document_overlaps(["a", "a", "b"], sig, np.array([0, 10, 20, 30]), 0.5)
    >>> values.tolist(), offsets.tolist()
    ([0], [0, 0, 1, 1])
    """
    n = len(doc_of)
    doc_start = np.zeros(n, np.int64)
    for k in range(1, n):
        doc_start[k] = doc_start[k - 1] if doc_of[k] == doc_of[k - 1] else k
    sizes = np.diff(offsets).astype(np.float64)  # shingles per block (with repeats: an estimate)
    before = np.minimum(np.arange(n) - doc_start, min(SAME_DOCUMENT_WINDOW, SAME_DOCUMENT_CANDIDATES))
    earlier = np.empty(int(before.sum()), np.int64)
    pair_offsets = np.empty(n + 1, np.int64)
    _same_document_overlaps_kernel(doc_start, signatures, sizes, containment * 0.7, SAME_DOCUMENT_WINDOW,
                                   SAME_DOCUMENT_CANDIDATES, earlier, pair_offsets)
    return earlier[:pair_offsets[-1]], pair_offsets
