"""Decide which blocks repeat an earlier one, in a fixed order, with verified evidence.

Blocks arrive in the order that decides which copy is kept (see
:func:`dedupe.dedup.order.document_order`). Each block is compared with the blocks *kept* before it:

1. **exact**: the same :func:`~dedupe.dedup.text.exact_key` (case, spacing, punctuation and
   digits folded) - a copy;
2. **near** (blocks of ``near_min_words`` words or more): LSH candidates from the band index,
   each verified by the exact Jaccard similarity of the two shingle sets, kept at
   ``jaccard_threshold`` or above - a lightly edited copy, or one with typos;
3. **containment**: ``containment_threshold`` of the block's shingles are in one kept block - a
   repeat with a sentence reworded, or a trimmed copy. Candidates come from *anchors*: the
   shingles whose hash is a multiple of :data:`ANCHOR_MODULUS`. The choice depends on the shingle
   alone, so a block contained in another has its anchors among the other's anchors; and within
   one document every pair is estimated from the signatures.

A block that repeats nothing is kept and indexed; a duplicate is not, so every duplicate points
to a kept block it was verified against (no chains: A~B and B~C never make C a copy of A
unverified). Blocks are processed in chunks: banding, signatures and index look-ups run on
numpy arrays per chunk, and only the decisions walk the blocks one by one.

>>> from dedupe.settings import Settings
>>> d = Deduplicator(Settings())
>>> para = ("The harbour council voted on Thursday to open a second ferry route between the old town "
...         "pier and the northern islands, ending two years of debate over cost and noise, and the "
...         "operator says the first boats will sail in the spring of next year.")
>>> d.add("a", [(0, para), (1, "Opponents may appeal to the regional board before the end of the month.")])
>>> d.add("b", [(0, para.replace("Thursday", "Friday")), (1, "A closing paragraph about the fares.")])
>>> [(x.doc_id, x.block_idx, x.dup_doc, x.dup_block, x.reason, x.similarity) for x in d.finish()]
[('b', 0, 'a', 0, 'near', 0.8696)]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dedupe.dedup.lsh import BandIndex, band_keys, choose_bands
from dedupe.dedup.minhash import MinHasher
from dedupe.dedup.text import exact_key, words
from dedupe.settings import Settings

#: One shingle in this many (by hash) is an anchor; a 60-word block has about 7 of them.
ANCHOR_MODULUS = 8
#: An anchor shared by more kept blocks than this is a common phrase, not evidence: ignored.
ANCHOR_MAX_POSTINGS = 64


@dataclass(frozen=True)
class Decision:
    """Block ``(doc_id, block_idx)`` duplicates the kept block ``(dup_doc, dup_block)``."""

    doc_id: str
    block_idx: int
    dup_doc: str
    dup_block: int
    similarity: float
    reason: str  #: ``exact``, ``near`` or ``containment``


@dataclass(frozen=True)
class DocumentStats:
    duplicate_ratio: float  #: share of content characters that duplicate other documents
    near_duplicate_of: str | None  #: the document most of them copy, when the ratio is high


#: Called with each chunk's near-tier signatures: ``(doc_ids, block_idxs, signatures)``.
SignatureSink = Callable[[list[str], list[int], np.ndarray], None]


class Deduplicator:
    """Feed documents in keep-order with :meth:`add`; :meth:`finish` returns the decisions."""

    def __init__(self, settings: Settings, on_signatures: SignatureSink | None = None,
                 chunk_blocks: int = 4096) -> None:
        self.s = settings
        self.hasher = MinHasher(settings.num_perm, settings.shingle_words, settings.minhash_seed)
        if settings.lsh_bands and settings.lsh_rows:
            self.bands, self.rows = settings.lsh_bands, settings.lsh_rows
        else:
            self.bands, self.rows = choose_bands(settings.jaccard_threshold, settings.num_perm)
        self.index = BandIndex(self.bands)
        self.on_signatures = on_signatures
        self.chunk_blocks = chunk_blocks
        self._exact: dict[int, int] = {}  # exact key -> kept block id
        self.anchors = BandIndex(1)  # anchor shingle hash -> kept block id
        self._shingles: dict[int, np.ndarray] = {}  # kept near-tier block id -> sorted shingle set
        self._refs: list[tuple[int, int]] = []  # kept block id -> (document number, block_idx)
        self._doc_ids: list[str] = []
        self._pending: list[tuple[int, int, str]] = []
        self._decisions: list[Decision] = []
        self._content_chars: list[int] = []
        self._dup_chars: dict[tuple[str, int], int] = {}
        # Blocks kept in this session, for :meth:`kept_index` (what a later run loads).
        self._kept: list[tuple[str, int, int, np.ndarray, np.ndarray, np.ndarray]] = []

    # --- feeding -----------------------------------------------------------------------------------
    def add(self, doc_id: str, blocks: Iterable[tuple[int, str]]) -> None:
        """The content blocks ``(block_idx, text)`` of the next document, in block order."""
        number = len(self._doc_ids)
        self._doc_ids.append(doc_id)
        chars = 0
        for block_idx, text in blocks:
            self._pending.append((number, block_idx, text))
            chars += len(text)
        self._content_chars.append(chars)
        if len(self._pending) >= self.chunk_blocks:
            self._process()

    def finish(self) -> list[Decision]:
        self._process()
        return self._decisions

    # --- one chunk ---------------------------------------------------------------------------------
    def _process(self) -> None:
        chunk, self._pending = self._pending, []
        if not chunk:
            return
        n_words = [len(words(text)) for _, _, text in chunk]
        near_rows = [i for i, n in enumerate(n_words) if n >= self.s.near_min_words]
        hashes, offsets = self.hasher.shingle_hashes([chunk[i][2] for i in near_rows])
        signatures = self.hasher.signatures_of(hashes, offsets)
        if self.on_signatures is not None and near_rows:
            self.on_signatures([self._doc_ids[chunk[i][0]] for i in near_rows],
                               [chunk[i][1] for i in near_rows], signatures)
        keys = band_keys(signatures, self.bands, self.rows)
        # Candidates among blocks kept in earlier chunks, and among earlier rows of this chunk.
        earlier: dict[int, list[int]] = defaultdict(list)
        q_rows, q_ids = self.index.query(keys)
        for r, block_id in zip(q_rows.tolist(), q_ids.tolist(), strict=True):
            earlier[r].append(block_id)
        unique = [np.unique(hashes[offsets[r]:offsets[r + 1]]) for r in range(len(near_rows))]
        anchors = [u[u % ANCHOR_MODULUS == 0] for u in unique]
        for row, ids in self._anchor_candidates(anchors).items():
            earlier[row].extend(ids)
        within = _same_document_overlaps(chunk, near_rows, signatures, offsets, self.s.containment_threshold)
        # Blocks kept earlier in this chunk, by band key and by anchor: only kept blocks are
        # candidates, so a key shared by hundreds of copies still costs one look-up per row.
        kept_by_band: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(self.bands)]
        kept_by_anchor: dict[int, list[int]] = defaultdict(list)
        near_of = {row: k for k, row in enumerate(near_rows)}
        kept_id_of_near: dict[int, int] = {}  # near position in chunk -> kept id
        new_ids: list[int] = []
        new_keys: list[int] = []
        for i, (number, block_idx, text) in enumerate(chunk):
            if n_words[i] < self.s.exact_min_words:
                continue
            k = near_of.get(i)
            shingles = None
            candidates: set[int] = set()
            if k is not None:
                shingles = unique[k]
                candidates.update(earlier.get(k, ()))
                candidates.update(kept_id_of_near[j] for j in within.get(k, ()) if j in kept_id_of_near)
                row_keys = keys[k].tolist()
                for band, band_key in enumerate(row_keys):
                    candidates.update(kept_by_band[band].get(band_key, ()))
                for anchor in anchors[k].tolist():
                    sharing = kept_by_anchor.get(anchor, ())
                    if len(sharing) <= ANCHOR_MAX_POSTINGS:  # a common phrase is not evidence
                        candidates.update(sharing)
            decision = self._decide(text, shingles, candidates)
            if decision is not None:
                target, similarity, reason = decision
                dup_number, dup_block = self._refs[target]
                doc_id = self._doc_ids[number]
                self._decisions.append(Decision(doc_id, block_idx, self._doc_ids[dup_number], dup_block,
                                                similarity, reason))
                self._dup_chars[(doc_id, block_idx)] = len(text)
                continue
            block_id = len(self._refs)
            self._refs.append((number, block_idx))
            key = exact_key(text)
            self._exact.setdefault(key, block_id)
            empty = np.empty(0, np.uint32)
            if k is not None and shingles is not None:
                self._shingles[block_id] = shingles
                kept_id_of_near[k] = block_id
                for band, band_key in enumerate(row_keys):
                    kept_by_band[band][band_key].append(block_id)
                for anchor in anchors[k].tolist():
                    kept_by_anchor[anchor].append(block_id)
                new_ids.append(block_id)
                new_keys.append(k)
                self._kept.append((self._doc_ids[number], block_idx, key, keys[k], anchors[k], shingles))
            else:
                self._kept.append((self._doc_ids[number], block_idx, key, empty, empty, empty))
        if new_ids:
            self.index.insert(keys[new_keys], np.array(new_ids, dtype=np.uint32))
            anchor_keys = np.concatenate([anchors[k] for k in new_keys])
            anchor_ids = np.concatenate([np.full(len(anchors[k]), i, np.uint32)
                                         for k, i in zip(new_keys, new_ids, strict=True)])
            self.anchors.insert(anchor_keys.reshape(-1, 1), anchor_ids)

    def _anchor_candidates(self, anchors: list[np.ndarray]) -> dict[int, list[int]]:
        """Kept blocks sharing an anchor with each near row (common phrases left out)."""
        if not self.anchors.size or not anchors:
            return {}
        flat = np.concatenate(anchors)
        owner = np.repeat(np.arange(len(anchors)), [len(a) for a in anchors])
        rows, ids = self.anchors.query(flat.reshape(-1, 1))
        counts = np.bincount(rows, minlength=len(flat))
        out: dict[int, list[int]] = defaultdict(list)
        for r, block_id in zip(rows.tolist(), ids.tolist(), strict=True):
            if counts[r] <= ANCHOR_MAX_POSTINGS:
                out[int(owner[r])].append(block_id)
        return out

    def _decide(self, text: str, shingles: np.ndarray | None,
                candidates: set[int]) -> tuple[int, float, str] | None:
        """The kept block ``text`` repeats, with the similarity and the test that showed it."""
        target = self._exact.get(exact_key(text))
        if target is not None:
            return target, 1.0, "exact"
        if shingles is None or not len(shingles):
            return None
        near: tuple[float, int] | None = None
        contained: tuple[float, int] | None = None
        for c in sorted(candidates):
            other = self._shingles.get(c)
            if other is None:
                continue
            inter = len(np.intersect1d(shingles, other, assume_unique=True))
            jaccard = inter / (len(shingles) + len(other) - inter)
            containment = inter / len(shingles)  # of this block in the kept one
            if jaccard >= self.s.jaccard_threshold and (near is None or jaccard > near[0]):
                near = (jaccard, c)
            if containment >= self.s.containment_threshold and (
                    contained is None or containment > contained[0]):
                contained = (containment, c)
        if near is not None:
            return near[1], round(near[0], 4), "near"
        if contained is not None:
            return contained[1], round(contained[0], 4), "containment"
        return None

    # --- the index across runs ---------------------------------------------------------------------
    @property
    def layout(self) -> dict[str, int]:
        """What makes stored band keys, anchors and shingles comparable with this run's."""
        return {"num_perm": self.s.num_perm, "shingle_words": self.s.shingle_words,
                "minhash_seed": self.s.minhash_seed, "bands": self.bands, "rows": self.rows,
                "anchor_modulus": ANCHOR_MODULUS}

    def kept_index(self) -> pa.Table:
        """The blocks kept in this session, as rows of :data:`~dedupe.schema.INDEX` (no run id)."""
        columns = [list(c) for c in zip(*self._kept, strict=True)] if self._kept else [[]] * 6
        doc_ids, block_idxs, keys, bands, anchors, shingles = columns
        return pa.table({
            "doc_id": pa.array(doc_ids, pa.string()), "block_idx": pa.array(block_idxs, pa.int32()),
            "exact_key": pa.array(keys, pa.int64()),
            "band_keys": _list_array(bands), "anchors": _list_array(anchors),
            "shingles": _list_array(shingles)})

    def preload(self, index: pa.Table) -> None:
        """Take the blocks kept by earlier runs (rows of :data:`~dedupe.schema.INDEX`) as kept here:
        new blocks are compared with them, and they are never relabelled (the corpus only grows)."""
        if not index.num_rows:
            return
        first = len(self._refs)
        numbers: dict[str, int] = {}
        for doc_id in index["doc_id"].to_pylist():
            if doc_id not in numbers:
                numbers[doc_id] = len(self._doc_ids)
                self._doc_ids.append(doc_id)
                self._content_chars.append(0)
        for row, (doc_id, block_idx, key) in enumerate(zip(
                index["doc_id"].to_pylist(), index["block_idx"].to_pylist(), index["exact_key"].to_pylist(),
                strict=True)):
            self._refs.append((numbers[doc_id], block_idx))
            self._exact.setdefault(key, first + row)
        shingles = _lists(index["shingles"])
        bands = _lists(index["band_keys"])
        near = [row for row, sh in enumerate(shingles) if len(sh)]
        for row in near:
            self._shingles[first + row] = shingles[row]
        if near:
            ids = np.array([first + row for row in near], dtype=np.uint32)
            self.index.insert(np.stack([bands[row] for row in near]), ids)
            anchors = _lists(index["anchors"])
            flat = np.concatenate([anchors[row] for row in near])
            owners = np.concatenate([np.full(len(anchors[row]), first + row, np.uint32) for row in near])
            self.anchors.insert(flat.reshape(-1, 1), owners)

    # --- documents ---------------------------------------------------------------------------------
    def document_stats(self) -> dict[str, DocumentStats]:
        """Per document with duplicates of *other* documents: the share and the main source."""
        content = dict(zip(self._doc_ids, self._content_chars, strict=True))
        copied: dict[str, Counter[str]] = defaultdict(Counter)
        for d in self._decisions:
            if d.dup_doc != d.doc_id:
                copied[d.doc_id][d.dup_doc] += self._dup_chars[(d.doc_id, d.block_idx)]
        out = {}
        for doc, by_source in copied.items():
            ratio = min(1.0, sum(by_source.values()) / max(1, content[doc]))
            source = min(by_source.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            out[doc] = DocumentStats(round(ratio, 4),
                                     source if ratio >= self.s.near_duplicate_ratio else None)
        return out


def _list_array(arrays: list[np.ndarray]) -> pa.Array:
    offsets = np.zeros(len(arrays) + 1, dtype=np.int32)
    np.cumsum([len(a) for a in arrays], out=offsets[1:])
    values = np.concatenate(arrays).astype(np.uint32) if arrays else np.empty(0, np.uint32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, pa.uint32()))


def _lists(column: pa.ChunkedArray) -> list[np.ndarray]:
    """The rows of a list<uint32> column as numpy views."""
    out: list[np.ndarray] = []
    for chunk in column.chunks:
        offsets = chunk.offsets.to_numpy()
        values = chunk.values.to_numpy(zero_copy_only=False).astype(np.uint32, copy=False)
        out.extend(values[offsets[i]:offsets[i + 1]] for i in range(len(chunk)))
    return out


def _same_document_overlaps(chunk: list[tuple[int, int, str]], near_rows: list[int],
                            signatures: np.ndarray, offsets: np.ndarray,
                            containment: float) -> dict[int, list[int]]:
    """Candidate pairs within each document, by estimated containment (all pairs compared).

    An article that repeats a paragraph with a sentence reworded shares too little with its first
    copy for LSH at the Jaccard threshold; within one document every pair is cheap to estimate
    from the signatures, and the likely ones are verified exactly like any candidate.
    """
    out: dict[int, list[int]] = defaultdict(list)
    by_doc: dict[int, list[int]] = defaultdict(list)
    for k, row in enumerate(near_rows):
        by_doc[chunk[row][0]].append(k)
    sizes = np.diff(offsets)  # shingles per block (with repeats: an estimate of the set size)
    for ks in by_doc.values():
        if len(ks) < 2:
            continue
        sig = signatures[ks]
        jaccard = (sig[:, None, :] == sig[None, :, :]).mean(axis=2)
        n = sizes[ks].astype(np.float64)
        # |A and B| = J (|A| + |B|) / (1 + J); containment of the later block B = that / |B|
        shared = jaccard * (n[:, None] + n[None, :]) / (1.0 + jaccard)
        estimate = shared / np.maximum(n[None, :], 1.0)
        first, later = np.nonzero(np.triu(estimate >= containment * 0.7, k=1))
        for a, b in zip(first.tolist(), later.tolist(), strict=True):
            out[ks[b]].append(ks[a])
    return out


