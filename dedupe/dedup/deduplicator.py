"""Decide which blocks repeat an earlier one, in a fixed order, with verified evidence.

Blocks arrive in the order that decides which copy is kept (see
:func:`dedupe.dedup.order.document_order`), as rows of :data:`~dedupe.dedup.features.FEATURES`
computed beforehand in parallel. Each block is compared with the blocks *kept* before it:

1. **exact**: the same :func:`~dedupe.dedup.text.exact_key` (case, spacing and punctuation
   folded; numbers kept, digit for digit) - a copy;
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
only the decisions walk the blocks one by one. A chunk's look-ups run in a thread while the chunk
before it is walked (numpy sorts and searches without the GIL, on the core the walk leaves idle);
the blocks that chunk keeps are looked up when the walk of the next one starts. Memory holds the
kept blocks' keys and shingle sets in flat arrays (no text); decisions and the new index rows leave
through callbacks.

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
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
from numba import njit

from dedupe.dedup.features import FEATURES, FeatureComputer, list_values
from dedupe.dedup.lsh import BandIndex
from dedupe.settings import Settings

#: An anchor shared by more kept blocks than this is a common phrase, not evidence: ignored.
ANCHOR_MAX_POSTINGS = 32
#: Share of a block's anchors a kept block must hold to be a candidate (at least one): a block
#: contained at 0.6 holds about 60 % of its anchors in the other, an unrelated one a stock phrase.
ANCHOR_SHARE = 0.3


def _anchors_needed(n_anchors: np.ndarray) -> np.ndarray:
    return np.maximum(1, np.ceil(n_anchors * ANCHOR_SHARE)).astype(np.int64)
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


@njit(cache=True, nogil=True)
def _intersection_size(a: np.ndarray, b: np.ndarray) -> int:
    """Size of the intersection of two sorted arrays of distinct values (a merge)."""
    i = j = n = 0
    while i < a.shape[0] and j < b.shape[0]:
        if a[i] == b[j]:
            n += 1
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return n


@njit(cache=True, nogil=True)
def _best_matches(rows: Any, ids: Any, sh_v: Any, sh_o: Any, store: Any, start: Any, end: Any,
                  jaccard_threshold: float, containment_threshold: float, near_id: Any, near_sim: Any,
                  cont_id: Any, cont_sim: Any) -> None:
    """For each pair (chunk row, kept id whose shingles are ``store[start[id]:end[id]]``): the exact
    Jaccard and containment of their shingle sets; per row, the highest over each threshold is
    kept (the lowest id among equals, whatever the order of the pairs)."""
    for k in range(rows.shape[0]):
        r = rows[k]
        c = ids[k]
        a = sh_v[sh_o[r]:sh_o[r + 1]]
        b = store[start[c]:end[c]]
        if a.shape[0] == 0 or b.shape[0] == 0:
            continue
        inter = _intersection_size(a, b)
        jaccard = inter / (a.shape[0] + b.shape[0] - inter)
        containment = inter / a.shape[0]
        if jaccard >= jaccard_threshold and (
                jaccard > near_sim[r] or (jaccard == near_sim[r] and c < near_id[r])):
            near_sim[r] = jaccard
            near_id[r] = c
        if containment >= containment_threshold and (
                containment > cont_sim[r] or (containment == cont_sim[r] and c < cont_id[r])):
            cont_sim[r] = containment
            cont_id[r] = c


#: Rows of a chunk sharing a key are paired with at most this many earlier rows of the run: the
#: first copy is the one kept, so a paragraph repeated in hundreds of documents stays linear.
RUN_PARTNERS = 8


def _run_pairs(keys: np.ndarray, rows: np.ndarray, partners: int,
               max_run: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(later, earlier)`` row pairs sharing a key: each row with the first ``partners`` rows of
    its key's run (runs longer than ``max_run`` skipped)."""
    order = np.lexsort((rows, keys))
    k, r = keys[order], rows[order]
    new_run = np.empty(len(k), bool)
    new_run[:1] = True
    new_run[1:] = k[1:] != k[:-1]
    starts = np.flatnonzero(new_run)
    run_of = np.cumsum(new_run) - 1
    position = np.arange(len(k)) - starts[run_of]
    take = np.minimum(position, partners)
    if max_run is not None:
        take[np.diff(np.append(starts, len(k)))[run_of] > max_run] = 0
    later = np.repeat(np.arange(len(k)), take)
    offset = np.arange(int(take.sum())) - np.repeat(np.cumsum(take) - take, take)
    return r[later], r[starts[run_of[later]] + offset]


def _chunk_pairs(keys: np.ndarray, near_rows: np.ndarray, anchor_v: np.ndarray, anchor_owner: np.ndarray,
                 needed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(later, earlier)`` pairs of rows of one chunk that may repeat one another, sorted by the
    later row: a shared band key, or enough shared anchors."""
    bands = keys.shape[1]
    band_keys = ((np.arange(bands, dtype=np.uint64)[None, :] << np.uint64(32))
                 | keys.astype(np.uint64)).reshape(-1)
    band_later, band_earlier = _run_pairs(band_keys, np.repeat(near_rows, bands), RUN_PARTNERS)
    a_later, a_earlier = _run_pairs(anchor_v.astype(np.uint64), anchor_owner, ANCHOR_MAX_POSTINGS,
                                    max_run=ANCHOR_MAX_POSTINGS)
    pairs, shared = np.unique((a_later.astype(np.uint64) << np.uint64(32)) | a_earlier.astype(np.uint64),
                              return_counts=True)
    a_later = (pairs >> np.uint64(32)).astype(np.int64)
    enough = shared >= needed[a_later]
    later = np.concatenate((band_later, a_later[enough]))
    earlier = np.concatenate((band_earlier, (pairs[enough] & np.uint64(0xFFFFFFFF)).astype(np.int64)))
    pairs = np.unique((later.astype(np.uint64) << np.uint64(32)) | earlier.astype(np.uint64))
    return (pairs >> np.uint64(32)).astype(np.int64), (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)


#: A verified match: (similarity, kept block id).
Match = tuple[float, int]
#: Receives each chunk's decisions (or new index rows) as an Arrow table.
TableSink = Callable[[pa.Table], None]

#: What a chunk's look-ups give: (row, kept id) pairs from the indexes, (later, earlier) row pairs
#: within the chunk, and the arrays they were looked up with (for the late look-ups of _walk).
Lookups = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, ...]]


@dataclass
class _Chunk:
    """A chunk of feature rows, as the arrays its look-ups need."""

    table: pa.Table
    exact_keys: list[int]
    near_rows: np.ndarray  #: rows in the near tier
    keys: np.ndarray  #: their band keys, ``uint32[len(near_rows), bands]``
    anchor_v: np.ndarray  #: every row's anchors, flat
    anchor_owner: np.ndarray  #: the row of each anchor
    needed: np.ndarray  #: anchors a kept block must share with each row
    open_row: np.ndarray  #: rows not decided by an exact key known when the chunk was made
    walks_before: int = 0  #: chunks walked when its look-ups started
    lookups: Future[Lookups] | None = None


def _indexed_candidates(index: BandIndex, anchors: BandIndex, keys: np.ndarray, near_rows: np.ndarray,
                        anchor_v: np.ndarray, anchor_owner: np.ndarray,
                        needed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(row, kept id)`` pairs, sorted by row: kept blocks sharing a band key with the row, or
    enough anchors (common phrases, over ``ANCHOR_MAX_POSTINGS`` postings, left out)."""
    q_rows, q_ids = index.query(keys, unique=False)  # the walk folds repeats into a set
    rows = [near_rows[q_rows]]
    ids = [q_ids.astype(np.int64)]
    if anchors.size and len(anchor_v):
        # A common phrase is not evidence: its postings are never expanded. A block's anchors are
        # distinct, so each (anchor, block) pair is found once: no need for the query to sort them.
        a_rows, a_ids = anchors.query(anchor_v.reshape(-1, 1), max_postings=ANCHOR_MAX_POSTINGS,
                                      unique=False)
        pairs, shared = np.unique((anchor_owner[a_rows].astype(np.uint64) << np.uint64(32))
                                  | a_ids.astype(np.uint64), return_counts=True)
        owners = (pairs >> np.uint64(32)).astype(np.int64)
        enough = shared >= needed[owners]
        rows.append(owners[enough])
        ids.append((pairs[enough] & np.uint64(0xFFFFFFFF)).astype(np.int64))
    all_rows, all_ids = np.concatenate(rows), np.concatenate(ids)
    order = np.argsort(all_rows, kind="stable")
    return all_rows[order], all_ids[order]


def _look_up(chunk: _Chunk, index: BandIndex, anchors: BandIndex) -> Lookups:
    """A chunk's candidates among the blocks of ``index``/``anchors`` and among its own rows
    (open rows only), found with array operations before the walk."""
    q_near = chunk.open_row[chunk.near_rows]
    q_anchor = chunk.open_row[chunk.anchor_owner]
    lookups = (chunk.keys[q_near], chunk.near_rows[q_near], chunk.anchor_v[q_anchor],
               chunk.anchor_owner[q_anchor], chunk.needed)
    return _indexed_candidates(index, anchors, *lookups), _chunk_pairs(*lookups), lookups


@dataclass
class _ChunkRows:
    """The columns of a chunk the walk reads row by row, as Python lists (a list index is far
    cheaper than an Arrow or numpy element), with the candidates found for each row."""

    n: int
    doc_ids: list[str]
    block_idxs: list[int]
    chars: list[int]
    n_words: list[int]
    exact_keys: list[int]
    is_near: list[bool]  #: in the near tier (long enough for band keys)
    sh_v: np.ndarray  #: every row's shingles, flat
    sh_o: np.ndarray  #: where each row's start (``n + 1`` offsets)
    sh_lo: list[int]
    within: list[int]  #: earlier blocks of its document each row may repeat, flat
    within_lo: list[int]
    partners: list[int]  #: earlier rows of the chunk each row may repeat, flat
    partners_lo: list[int]
    #: The best verified match of each row among earlier chunks' kept blocks (id -1: none).
    near_ids: list[int] = field(default_factory=list)
    near_sims: list[float] = field(default_factory=list)
    cont_ids: list[int] = field(default_factory=list)
    cont_sims: list[float] = field(default_factory=list)

    @classmethod
    def of(cls, chunk: _Chunk, later: np.ndarray, partner: np.ndarray) -> _ChunkRows:
        table = chunk.table
        n = table.num_rows
        sh_v, sh_o = list_values(table["shingles"])
        within_v, within_o = list_values(table["within"], np.int32)
        is_near = np.zeros(n, bool)
        is_near[chunk.near_rows] = True
        return cls(n=n, doc_ids=table["doc_id"].to_pylist(), block_idxs=table["block_idx"].to_pylist(),
                   chars=table["chars"].to_pylist(), n_words=table["n_words"].to_pylist(),
                   exact_keys=chunk.exact_keys, is_near=is_near.tolist(), sh_v=sh_v, sh_o=sh_o,
                   sh_lo=sh_o.tolist(), within=within_v.tolist(), within_lo=within_o.tolist(),
                   partners=partner.tolist(), partners_lo=np.searchsorted(later, np.arange(n + 1)).tolist())

    def set_earlier(self, near_id: np.ndarray, near_sim: np.ndarray, cont_id: np.ndarray,
                    cont_sim: np.ndarray) -> None:
        self.near_ids, self.near_sims = near_id.tolist(), near_sim.tolist()
        self.cont_ids, self.cont_sims = cont_id.tolist(), cont_sim.tolist()

    def earlier_match(self, i: int) -> tuple[Match | None, Match | None]:
        """Row ``i``'s best near match and best containment among earlier chunks' kept blocks."""
        near = (self.near_sims[i], self.near_ids[i]) if self.near_ids[i] >= 0 else None
        contained = (self.cont_sims[i], self.cont_ids[i]) if self.cont_ids[i] >= 0 else None
        return near, contained

    def partners_of(self, i: int) -> list[int]:
        return self.partners[self.partners_lo[i]:self.partners_lo[i + 1]]

    def within_of(self, i: int) -> list[int]:
        return self.within[self.within_lo[i]:self.within_lo[i + 1]]

    def shingles_of(self, i: int) -> np.ndarray:
        return self.sh_v[self.sh_lo[i]:self.sh_lo[i + 1]]


@dataclass
class _Verdicts:
    """What the walk of a chunk decided, a column each: the duplicates (row, the kept block it
    copies, similarity, tier) and the rows kept."""

    kept_of: list[int]  #: each row's kept block id, -1 while not kept
    kept_rows: list[int] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    similarities: list[float] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def keep(self, row: int, block_id: int) -> None:
        self.kept_of[row] = block_id
        self.kept_rows.append(row)

    def duplicate(self, row: int, target: int, similarity: float, reason: str) -> None:
        self.rows.append(row)
        self.targets.append(target)
        self.similarities.append(similarity)
        self.reasons.append(reason)


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
        self.settings = settings
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
        # The look-up thread, the chunk whose look-ups it runs, and what _walk needs of the last walk.
        self._thread: ThreadPoolExecutor | None = None
        self._in_flight: _Chunk | None = None
        self._walks = 0
        self._last_kept: tuple[BandIndex, BandIndex] | None = None

    @property
    def layout(self) -> dict[str, int]:
        return self.computer.layout

    # --- feeding -----------------------------------------------------------------------------------
    def add(self, doc_id: str, blocks: Iterable[tuple[int, str]]) -> None:
        """The content blocks ``(block_idx, text)`` of the next document, in block order."""
        pairs = list(blocks)
        if not pairs:  # a document without content still counts (its share is 0)
            self._start_doc(doc_id)
            return
        table, _ = self.computer.compute([doc_id] * len(pairs), [i for i, _ in pairs], [t for _, t in pairs])
        self.add_features(table)

    def add_features(self, features: pa.Table) -> None:
        """Rows of :data:`~dedupe.dedup.features.FEATURES` (documents in keep-order, whole or split)."""
        for start in range(0, features.num_rows, self.chunk_blocks):
            piece = features.slice(start, self.chunk_blocks)
            self._pending.append(piece)
            self._pending_rows += piece.num_rows
            if self._pending_rows >= self.chunk_blocks:
                self._process()

    def finish(self) -> list[Decision]:
        self._process(flush=True)
        if self._thread is not None:
            self._thread.shutdown()
            self._thread = None
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
    def _process(self, flush: bool = False) -> None:
        """Start the look-ups of the pending rows (a chunk) in the thread, then walk the chunk
        started before it: one chunk's look-ups (numpy, without the GIL) run while the one
        before is walked (Python). ``flush`` walks the new chunk too."""
        chunk = self._prepare() if self._pending else None
        if chunk is not None:
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1)
            # Against the index as it is now: without the blocks the chunk in flight will keep,
            # which _walk looks up once that chunk is walked.
            chunk.walks_before = self._walks
            chunk.lookups = self._thread.submit(_look_up, chunk, self.index.snapshot(),
                                                self.anchors.snapshot())
        in_flight, self._in_flight = self._in_flight, chunk
        if in_flight is not None:
            self._walk(in_flight)
        if flush and self._in_flight is not None:
            last, self._in_flight = self._in_flight, None
            self._walk(last)

    def _prepare(self) -> _Chunk:
        """The pending rows as one chunk of arrays."""
        table = pa.concat_tables(self._pending) if len(self._pending) > 1 else self._pending[0]
        self._pending, self._pending_rows = [], 0
        band_v, band_o = list_values(table["band_keys"])
        anchor_v, anchor_o = list_values(table["anchors"])
        n = table.num_rows
        n_anchors = np.diff(anchor_o)
        exact_keys = table["exact_key"].to_pylist()
        chunk = _Chunk(
            table=table, exact_keys=exact_keys, near_rows=np.flatnonzero(np.diff(band_o) > 0),
            keys=band_v.reshape(-1, self.bands),  # one row per near row, in chunk order
            anchor_v=anchor_v, anchor_owner=np.repeat(np.arange(n), n_anchors),
            needed=_anchors_needed(n_anchors),
            # A row whose exact key is already kept is decided by it: it needs no candidates and,
            # never kept, is no one's.
            open_row=np.fromiter((k not in self._exact for k in exact_keys), bool, n))
        return chunk

    def _walk(self, chunk: _Chunk) -> None:
        """Decide the rows of a chunk in order, with the candidates looked up for it: a row is a
        duplicate of a kept block (:meth:`_decide`), or kept and indexed (:meth:`_keep`)."""
        earlier_rows, earlier_ids, (later, partner) = self._candidates(chunk)
        self._walks += 1
        rows = _ChunkRows.of(chunk, later, partner)
        # The candidates kept in earlier chunks are verified in one compiled pass, before the walk:
        # per row, the best near match and the best containment among them.
        rows.set_earlier(*self._best_earlier(earlier_rows, earlier_ids, rows.sh_v, rows.sh_o))
        store = len(self._sh_store)
        self._sh_store.append(rows.sh_v)  # compacted to the kept rows' shingles after the walk
        verdicts = _Verdicts(kept_of=[-1] * rows.n)
        exact_min_words = self.settings.exact_min_words
        number = len(self._doc_ids) - 1
        for i in range(rows.n):
            if rows.doc_ids[i] != self._current_doc:
                number = self._start_doc(rows.doc_ids[i])
            self._content_chars[number] += rows.chars[i]
            if rows.n_words[i] < exact_min_words:
                continue
            decision = self._decide(rows, i, verdicts.kept_of)
            if decision is None:
                verdicts.keep(i, self._keep(rows, i, number, store))
                continue
            verdicts.duplicate(i, *decision)
            if (dup_number := self._ref_doc[decision[0]]) != number:
                copied = self._copied.setdefault(number, {})
                copied[dup_number] = copied.get(dup_number, 0) + rows.chars[i]
        first_id = len(self._ref_doc) - len(verdicts.kept_rows)
        self._compact_store(store, first_id, verdicts.kept_rows, rows.sh_o)
        self._index_kept(chunk, np.array(verdicts.kept_of, np.int64))
        self._emit(chunk.table, verdicts)

    def _candidates(self, chunk: _Chunk) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """The chunk's ``(row, kept id)`` candidates among earlier chunks' kept blocks, sorted by
        row, and its ``(later, earlier)`` row pairs; with the blocks kept by the chunk walked
        while its look-ups ran, looked up now."""
        assert chunk.lookups is not None
        (earlier_rows, earlier_ids), pairs, lookups = chunk.lookups.result()
        if self._walks > chunk.walks_before:
            # An anchor's postings are counted in each look-up alone: one that becomes common
            # (over ANCHOR_MAX_POSTINGS) across the two still gives its candidates this once: more
            # candidates, all verified (no match is lost; at most a better one is found).
            assert self._walks == chunk.walks_before + 1 and self._last_kept is not None
            index, anchors = self._last_kept
            new_rows, new_ids = _indexed_candidates(index, anchors, *lookups)
            rows, ids = np.concatenate((earlier_rows, new_rows)), np.concatenate((earlier_ids, new_ids))
            order = np.argsort(rows, kind="stable")
            earlier_rows, earlier_ids = rows[order], ids[order]
        return earlier_rows, earlier_ids, pairs

    def _decide(self, rows: _ChunkRows, i: int, kept_of: list[int]) -> tuple[int, float, str] | None:
        """The kept block row ``i`` duplicates, with the similarity and the tier; None: it is new."""
        target = self._exact.get(rows.exact_keys[i])
        if target is not None:
            return target, 1.0, "exact"
        if not rows.is_near[i]:
            return None
        near, contained = rows.earlier_match(i)
        # Blocks kept in this chunk, or in this document: verified here, one by one.
        others = {kept_of[j] for j in rows.partners_of(i) if kept_of[j] >= 0}
        for b in rows.within_of(i):
            if (in_doc := self._kept_in_doc.get(b)) is not None:
                others.add(in_doc)
        if others:
            near, contained = self._verify(rows.shingles_of(i), others, near, contained)
        if near is not None:
            return near[1], round(near[0], 4), "near"
        if contained is not None:
            return contained[1], round(contained[0], 4), "containment"
        return None

    def _keep(self, rows: _ChunkRows, i: int, number: int, store: int) -> int:
        """Row ``i`` as a kept block of document ``number``; its id."""
        block_id = len(self._ref_doc)
        self._ref_doc.append(number)
        self._ref_block.append(rows.block_idxs[i])
        self._exact.setdefault(rows.exact_keys[i], block_id)
        self._sh_chunk.append(store)
        self._sh_start.append(rows.sh_lo[i])
        self._sh_end.append(rows.sh_lo[i + 1])
        self._kept_in_doc[rows.block_idxs[i]] = block_id
        return block_id

    def _index_kept(self, chunk: _Chunk, kept_ids: np.ndarray) -> None:
        """Index the chunk's kept near-tier blocks (``kept_ids``: the id of each row, -1 if not
        kept), twice: in the index, and alone for the chunk whose look-ups ran during this walk."""
        near_rows = chunk.near_rows
        kept_near = near_rows[kept_ids[near_rows] >= 0]
        new_index, new_anchors = BandIndex(self.bands), BandIndex(1)
        if len(kept_near):
            band_row = np.searchsorted(near_rows, kept_near)
            kept_keys, kept_near_ids = chunk.keys[band_row], kept_ids[kept_near].astype(np.uint32)
            kept_anchor = kept_ids[chunk.anchor_owner] >= 0
            kept_anchor_v = chunk.anchor_v[kept_anchor].reshape(-1, 1)
            kept_anchor_ids = kept_ids[chunk.anchor_owner[kept_anchor]].astype(np.uint32)
            for index, anchors in ((self.index, self.anchors), (new_index, new_anchors)):
                index.insert(kept_keys, kept_near_ids)
                anchors.insert(kept_anchor_v, kept_anchor_ids)
        self._last_kept = (new_index, new_anchors)

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

    def _best_earlier(self, rows: np.ndarray, ids: np.ndarray, sh_v: np.ndarray,
                      sh_o: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per row of the chunk, among the candidate pairs ``(rows, ids)`` (kept blocks of earlier
        chunks): the best near match (id or -1, Jaccard) and the best containment (id, share)."""
        n = len(sh_o) - 1
        near_id, cont_id = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
        near_sim, cont_sim = np.full(n, -1.0), np.full(n, -1.0)
        if not len(rows):
            return near_id, near_sim, cont_id, cont_sim
        # Views of the growing arrays, dropped before they grow again.
        chunk_of = np.frombuffer(self._sh_chunk, np.int32)
        start = np.frombuffer(self._sh_start, np.int64)
        end = np.frombuffer(self._sh_end, np.int64)
        # One compiled call per store array (a chunk's kept shingles) the candidates are in.
        pair_chunk = chunk_of[ids]
        order = np.argsort(pair_chunk, kind="stable")
        rows, ids, pair_chunk = rows[order], ids[order], pair_chunk[order]
        bounds = np.flatnonzero(np.diff(pair_chunk)) + 1
        for lo, hi in zip(np.concatenate(([0], bounds)).tolist(), np.append(bounds, len(ids)).tolist(),
                          strict=True):
            store = self._sh_store[int(pair_chunk[lo])]
            _best_matches(rows[lo:hi], ids[lo:hi], sh_v, sh_o, store, start, end,
                          self.settings.jaccard_threshold, self.settings.containment_threshold,
                          near_id, near_sim, cont_id, cont_sim)
        del chunk_of, start, end
        return near_id, near_sim, cont_id, cont_sim

    def _verify(self, shingles: np.ndarray, candidates: set[int], near: Match | None,
                contained: Match | None) -> tuple[Match | None, Match | None]:
        """``near`` and ``contained`` (similarity, kept id) improved by ``candidates``: the highest
        similarity over the thresholds, the lowest id among equals (as :func:`_best_matches`)."""
        if not len(shingles):
            return near, contained
        for c in sorted(candidates):
            other = self._shingles_of(c)
            if not len(other):
                continue
            inter = _intersection_size(shingles, other)
            jaccard = inter / (len(shingles) + len(other) - inter)
            containment = inter / len(shingles)  # of this block in the kept one
            if jaccard >= self.settings.jaccard_threshold and (
                    near is None or jaccard > near[0] or (jaccard == near[0] and c < near[1])):
                near = (jaccard, c)
            if containment >= self.settings.containment_threshold and (
                    contained is None or containment > contained[0]
                    or (containment == contained[0] and c < contained[1])):
                contained = (containment, c)
        return near, contained

    def _emit(self, chunk: pa.Table, verdicts: _Verdicts) -> None:
        """Hand the chunk's decisions and newly kept index rows to the sinks (or keep them)."""
        kept = chunk.select(list(INDEX_COLUMNS)).take(pa.array(verdicts.kept_rows, pa.int64()))
        if self.on_kept is not None:
            self.on_kept(kept)
        else:
            self._kept_tables.append(kept)
        passthrough = [c for c in PASSTHROUGH if c in chunk.column_names]
        decided = chunk.select(["doc_id", "block_idx", *passthrough]).take(
            pa.array(verdicts.rows, pa.int64()))
        targets = verdicts.targets
        decided = (decided
                   .append_column("dup_doc", pa.array([self._doc_ids[self._ref_doc[t]] for t in targets],
                                                      pa.string()))
                   .append_column("dup_block", pa.array([self._ref_block[t] for t in targets], pa.int32()))
                   .append_column("similarity", pa.array(verdicts.similarities, pa.float32()))
                   .append_column("reason", pa.array(verdicts.reasons, pa.string())))
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
            return FEATURES.empty_table().select(list(INDEX_COLUMNS))
        return pa.concat_tables(self._kept_tables)

    def preload(self, index: pa.Table) -> None:
        """Take the blocks kept by earlier runs (rows of :data:`~dedupe.schema.INDEX`) as kept here:
        new blocks are compared with them, and they are never relabelled (the corpus only grows)."""
        if not index.num_rows:
            return
        self._process(flush=True)
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
            main_source = self._doc_ids[source] if ratio >= self.settings.near_duplicate_ratio else None
            out[self._doc_ids[number]] = DocumentStats(round(ratio, 4), main_source)
        return out
