"""Decide which blocks repeat an earlier one, in a fixed order, with verified evidence.

Blocks arrive in the order that decides which copy is kept (see
:func:`dedupe.dedup.order.document_order`), as rows of :data:`~dedupe.dedup.features.FEATURES`
computed beforehand in parallel. Each block is compared with the blocks *kept* before it:

1. **exact**: the same :func:`~dedupe.dedup.text.exact_key` (case, spacing, punctuation and
   digits folded) - a copy;
2. **near** (blocks of ``near_min_words`` words or more): LSH candidates from the band index,
   each verified by the exact Jaccard similarity of the two shingle sets, kept at
   ``jaccard_threshold`` or above - a lightly edited copy, or one with typos;
3. **containment**: ``containment_threshold`` of the block's shingles are in one kept block - a
   repeat with a sentence reworded, or a trimmed copy. Candidates come from *anchors*: the
   shingles whose hash is a multiple of :data:`~dedupe.dedup.features.ANCHOR_MODULUS`. The
   choice depends on the shingle alone, so a block contained in another has its anchors among the
   other's anchors; and within one document every pair is estimated from the signatures.

A block that repeats nothing is kept and indexed; a duplicate is not, so every duplicate points
to a kept block it was verified against (no chains: A~B and B~C never make C a copy of A
unverified). Blocks are processed in chunks: index look-ups run on numpy arrays per chunk, and
only the decisions walk the blocks one by one. Memory holds the kept blocks' keys and shingle
sets in flat arrays (no text); decisions and the new index rows leave through callbacks.

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

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dedupe.dedup.features import FeatureComputer, list_values
from dedupe.dedup.lsh import BandIndex
from dedupe.settings import Settings

#: An anchor shared by more kept blocks than this is a common phrase, not evidence: ignored.
ANCHOR_MAX_POSTINGS = 64
#: Columns of a feature chunk carried into the decision and index tables when present.
PASSTHROUGH = ("part", "row")
#: Columns of the index table (:data:`~dedupe.schema.INDEX` without the run id).
INDEX_COLUMNS = ("doc_id", "block_idx", "exact_key", "band_keys", "anchors", "shingles")


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


#: Receives each chunk's decisions (or new index rows) as an Arrow table.
TableSink = Callable[[pa.Table], None]


class Deduplicator:
    """Feed documents in keep-order with :meth:`add_features` (or :meth:`add` for raw text);
    :meth:`finish` returns the decisions when no ``on_decisions`` sink takes them.

    Args:
        settings: thresholds and the MinHash/LSH layout.
        on_decisions: receives each chunk's decisions: columns ``doc_id, block_idx, dup_doc,
            dup_block, similarity, reason`` (plus ``part, row`` when the features carry them).
        on_kept: receives each chunk's newly kept blocks as index rows; without it they are
            collected for :meth:`kept_index`.
        chunk_blocks: blocks per chunk of vectorised look-ups.
    """

    def __init__(self, settings: Settings, on_decisions: TableSink | None = None,
                 on_kept: TableSink | None = None, chunk_blocks: int = 8192) -> None:
        self.s = settings
        self.computer = FeatureComputer(settings)
        self.bands = self.computer.bands
        self.index = BandIndex(self.bands)
        self.anchors = BandIndex(1)  # anchor shingle hash -> kept block id
        self.on_decisions = on_decisions
        self.on_kept = on_kept
        self.chunk_blocks = chunk_blocks
        self._exact: dict[int, int] = {}  # exact key -> kept block id
        # Kept block id -> (document number, block_idx) and where its shingle set is stored.
        self._ref_doc = array("i")
        self._ref_block = array("i")
        self._sh_store: list[np.ndarray] = []
        self._sh_chunk = array("i")
        self._sh_start = array("q")
        self._sh_end = array("q")
        self._doc_ids: list[str] = []
        self._content_chars = array("q")
        self._copied: dict[int, dict[int, int]] = {}  # document -> other document -> characters
        self._current_doc: str | None = None
        self._kept_in_doc: dict[int, int] = {}  # block_idx -> kept id, in the current document
        self._pending: list[pa.Table] = []
        self._pending_rows = 0
        self._decisions: list[Decision] = []
        self._kept_tables: list[pa.Table] = []

    @property
    def layout(self) -> dict[str, int]:
        return self.computer.layout

    # --- feeding -----------------------------------------------------------------------------------
    def add(self, doc_id: str, blocks: Iterable[tuple[int, str]]) -> None:
        """The content blocks ``(block_idx, text)`` of the next document, in block order."""
        pairs = list(blocks)
        table, _ = self.computer.compute([doc_id] * len(pairs), [i for i, _ in pairs], [t for _, t in pairs])
        if not pairs:  # a document without content still counts (its share is 0)
            self._start_doc(doc_id)
            return
        self.add_features(table)

    def add_features(self, features: pa.Table) -> None:
        """Rows of :data:`~dedupe.dedup.features.FEATURES` (documents in keep-order, whole or split)."""
        if not features.num_rows:
            return
        self._pending.append(features)
        self._pending_rows += features.num_rows
        if self._pending_rows >= self.chunk_blocks:
            self._process()

    def finish(self) -> list[Decision]:
        self._process()
        return self._decisions

    def _start_doc(self, doc_id: str) -> int:
        self._current_doc = doc_id
        self._kept_in_doc = {}
        self._doc_ids.append(doc_id)
        self._content_chars.append(0)
        return len(self._doc_ids) - 1

    def _shingles_of(self, block_id: int) -> np.ndarray:
        return self._sh_store[self._sh_chunk[block_id]][self._sh_start[block_id]:self._sh_end[block_id]]

    # --- one chunk ---------------------------------------------------------------------------------
    def _process(self) -> None:
        if not self._pending:
            return
        chunk = pa.concat_tables(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending, self._pending_rows = [], 0
        s = self.s
        doc_ids = chunk["doc_id"].to_pylist()
        block_idxs = chunk["block_idx"].to_pylist()
        chars = chunk["chars"].to_pylist()
        n_words = chunk["n_words"].to_pylist()
        exact_keys = chunk["exact_key"].to_pylist()
        band_v, band_o = list_values(chunk["band_keys"])
        anchor_v, anchor_o = list_values(chunk["anchors"])
        sh_v, sh_o = list_values(chunk["shingles"])
        within_v, within_o = list_values(chunk["within"], np.int32)
        n = chunk.num_rows
        is_near = (np.diff(band_o) > 0).tolist()
        near_rows = np.flatnonzero(np.diff(band_o) > 0)
        keys = band_v.reshape(-1, self.bands)  # one row per near row, in chunk order
        band_row = np.full(n, -1, np.int64)
        band_row[near_rows] = np.arange(len(near_rows))
        # Candidates among blocks kept in earlier chunks (vectorised), by band and by anchor.
        earlier: dict[int, list[int]] = defaultdict(list)
        q_rows, q_ids = self.index.query(keys)
        for r, block_id in zip(near_rows[q_rows].tolist(), q_ids.tolist(), strict=True):
            earlier[r].append(block_id)
        if self.anchors.size and len(anchor_v):
            owner = np.repeat(np.arange(n), np.diff(anchor_o))
            a_rows, a_ids = self.anchors.query(anchor_v.reshape(-1, 1))
            counts = np.bincount(a_rows, minlength=len(anchor_v))
            common = counts[a_rows] > ANCHOR_MAX_POSTINGS  # a common phrase is not evidence
            for r, block_id in zip(owner[a_rows[~common]].tolist(), a_ids[~common].tolist(), strict=True):
                earlier[r].append(block_id)
        store = len(self._sh_store)
        self._sh_store.append(sh_v)  # compacted to the kept rows' shingles after the loop
        # Blocks kept earlier in this chunk, by band key and by anchor: only kept blocks are
        # candidates, so a key shared by hundreds of copies still costs one look-up per row.
        kept_by_band: list[dict[int, list[int]]] = [defaultdict(list) for _ in range(self.bands)]
        kept_by_anchor: dict[int, list[int]] = defaultdict(list)
        kept_rows: list[int] = []
        kept_near: list[int] = []
        dec_rows: list[int] = []
        dec_target: list[int] = []
        dec_similarity: list[float] = []
        dec_reason: list[str] = []
        number = len(self._doc_ids) - 1
        for i in range(n):
            doc_id = doc_ids[i]
            if doc_id != self._current_doc:
                number = self._start_doc(doc_id)
            self._content_chars[number] += chars[i]
            if n_words[i] < s.exact_min_words:
                continue
            key = exact_keys[i]
            decision: tuple[int, float, str] | None = None
            target = self._exact.get(key)
            if target is not None:
                decision = (target, 1.0, "exact")
            elif is_near[i]:
                candidates: set[int] = set(earlier.get(i, ()))
                for b in within_v[within_o[i]:within_o[i + 1]].tolist():
                    if (kept := self._kept_in_doc.get(b)) is not None:
                        candidates.add(kept)
                row_keys = keys[band_row[i]].tolist()
                for band, band_key in enumerate(row_keys):
                    candidates.update(kept_by_band[band].get(band_key, ()))
                row_anchors = anchor_v[anchor_o[i]:anchor_o[i + 1]].tolist()
                for anchor in row_anchors:
                    sharing = kept_by_anchor.get(anchor, ())
                    if len(sharing) <= ANCHOR_MAX_POSTINGS:
                        candidates.update(sharing)
                if candidates:
                    decision = self._verify(sh_v[sh_o[i]:sh_o[i + 1]], candidates)
            if decision is not None:
                target, similarity, reason = decision
                dup_number = self._ref_doc[target]
                dec_rows.append(i)
                dec_target.append(target)
                dec_similarity.append(similarity)
                dec_reason.append(reason)
                if dup_number != number:
                    copied = self._copied.setdefault(number, {})
                    copied[dup_number] = copied.get(dup_number, 0) + chars[i]
                continue
            block_id = len(self._ref_doc)
            self._ref_doc.append(number)
            self._ref_block.append(block_idxs[i])
            self._exact.setdefault(key, block_id)
            self._sh_chunk.append(store)
            self._sh_start.append(int(sh_o[i]))
            self._sh_end.append(int(sh_o[i + 1]))
            self._kept_in_doc[block_idxs[i]] = block_id
            kept_rows.append(i)
            if is_near[i]:
                for band, band_key in enumerate(row_keys):
                    kept_by_band[band][band_key].append(block_id)
                for anchor in row_anchors:
                    kept_by_anchor[anchor].append(block_id)
                kept_near.append(i)
        first_id = len(self._ref_doc) - len(kept_rows)
        self._compact_store(store, first_id, kept_rows, sh_o)
        if kept_near:
            ids = np.array([first_id + kept_rows.index(i) for i in kept_near], np.uint32) \
                if len(kept_near) != len(kept_rows) else np.arange(first_id, first_id + len(kept_rows),
                                                                   dtype=np.uint32)
            self.index.insert(keys[band_row[kept_near]], ids)
            lengths = np.diff(anchor_o)[kept_near]
            flat = np.concatenate([anchor_v[anchor_o[i]:anchor_o[i + 1]] for i in kept_near])
            self.anchors.insert(flat.reshape(-1, 1), np.repeat(ids, lengths))
        self._emit(chunk, kept_rows, dec_rows, dec_target, dec_similarity, dec_reason)

    def _compact_store(self, store: int, first_id: int, kept_rows: list[int], sh_o: np.ndarray) -> None:
        """Keep only the kept rows' shingles of this chunk (the duplicates' are not needed)."""
        values = self._sh_store[store]
        starts = sh_o[kept_rows]
        lengths = sh_o[np.asarray(kept_rows, np.int64) + 1] - starts if kept_rows else starts
        new_starts = np.zeros(len(kept_rows), np.int64)
        if kept_rows:
            np.cumsum(lengths[:-1], out=new_starts[1:])
            take = np.repeat(starts - new_starts, lengths) + np.arange(int(lengths.sum()))
            self._sh_store[store] = values[take].copy()
        else:
            self._sh_store[store] = np.empty(0, np.uint32)
        for k, start in enumerate(new_starts.tolist()):
            self._sh_start[first_id + k] = start
            self._sh_end[first_id + k] = start + int(lengths[k])

    def _verify(self, shingles: np.ndarray, candidates: set[int]) -> tuple[int, float, str] | None:
        """The kept block this one repeats, with the similarity and the test that showed it."""
        if not len(shingles):
            return None
        near: tuple[float, int] | None = None
        contained: tuple[float, int] | None = None
        for c in sorted(candidates):
            other = self._shingles_of(c)
            if not len(other):
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

    def _emit(self, chunk: pa.Table, kept_rows: list[int], dec_rows: list[int], dec_target: list[int],
              dec_similarity: list[float], dec_reason: list[str]) -> None:
        """Hand the chunk's decisions and newly kept index rows to the sinks (or keep them)."""
        kept = chunk.select(list(INDEX_COLUMNS)).take(pa.array(kept_rows, pa.int64()))
        if self.on_kept is not None:
            self.on_kept(kept)
        else:
            self._kept_tables.append(kept)
        passthrough = [c for c in PASSTHROUGH if c in chunk.column_names]
        decided = chunk.select(["doc_id", "block_idx", *passthrough]).take(pa.array(dec_rows, pa.int64()))
        decided = (decided
                   .append_column("dup_doc", pa.array([self._doc_ids[self._ref_doc[t]] for t in dec_target],
                                                      pa.string()))
                   .append_column("dup_block", pa.array([self._ref_block[t] for t in dec_target], pa.int32()))
                   .append_column("similarity", pa.array(dec_similarity, pa.float32()))
                   .append_column("reason", pa.array(dec_reason, pa.string())))
        if self.on_decisions is not None:
            self.on_decisions(decided)
        else:
            self._decisions.extend(
                Decision(row["doc_id"], row["block_idx"], row["dup_doc"], row["dup_block"],
                         round(row["similarity"], 4), row["reason"]) for row in decided.to_pylist())

    # --- the index across runs ---------------------------------------------------------------------
    def kept_index(self) -> pa.Table:
        """The blocks kept in this session as index rows (when no ``on_kept`` sink took them)."""
        if not self._kept_tables:
            from dedupe.dedup.features import FEATURES
            return FEATURES.empty_table().select(list(INDEX_COLUMNS))
        return pa.concat_tables(self._kept_tables)

    def preload(self, index: pa.Table) -> None:
        """Take the blocks kept by earlier runs (rows of :data:`~dedupe.schema.INDEX`) as kept here:
        new blocks are compared with them, and they are never relabelled (the corpus only grows)."""
        if not index.num_rows:
            return
        self._process()
        first = len(self._ref_doc)
        numbers: dict[str, int] = {}
        for doc_id, block_idx, key in zip(index["doc_id"].to_pylist(), index["block_idx"].to_pylist(),
                                          index["exact_key"].to_pylist(), strict=True):
            if doc_id not in numbers:
                numbers[doc_id] = len(self._doc_ids)
                self._doc_ids.append(doc_id)
                self._content_chars.append(0)
            self._exact.setdefault(key, len(self._ref_doc))
            self._ref_doc.append(numbers[doc_id])
            self._ref_block.append(block_idx)
        self._current_doc = None
        sh_v, sh_o = list_values(index["shingles"])
        store = len(self._sh_store)
        self._sh_store.append(sh_v.copy())
        self._sh_chunk.extend([store] * index.num_rows)
        self._sh_start.extend(sh_o[:-1].tolist())
        self._sh_end.extend(sh_o[1:].tolist())
        band_v, band_o = list_values(index["band_keys"])
        near = np.flatnonzero(np.diff(band_o) > 0)
        if len(near):
            ids = (first + near).astype(np.uint32)
            self.index.insert(band_v.reshape(-1, self.bands), ids)
            anchor_v, anchor_o = list_values(index["anchors"])
            owners = np.repeat(np.arange(first, first + index.num_rows, dtype=np.uint32), np.diff(anchor_o))
            self.anchors.insert(anchor_v.reshape(-1, 1), owners)

    # --- documents ---------------------------------------------------------------------------------
    def document_stats(self) -> dict[str, DocumentStats]:
        """Per document with duplicates of *other* documents: the share and the main source."""
        out = {}
        for number, by_source in self._copied.items():
            ratio = min(1.0, sum(by_source.values()) / max(1, self._content_chars[number]))
            source = min(by_source.items(), key=lambda kv: (-kv[1], self._doc_ids[kv[0]]))[0]
            out[self._doc_ids[number]] = DocumentStats(
                round(ratio, 4), self._doc_ids[source] if ratio >= self.s.near_duplicate_ratio else None)
        return out
