"""Per-site chrome: lines that recur on several pages of the same site are the site's furniture.

Menus, footers, newsletter prompts and "About us" blurbs repeat on every page of a site, while a
story's paragraphs do not. Every document contributes one row per distinct line
(:func:`line_stats`); :func:`chrome_lines` aggregates them with Arrow and keeps, per ``source``,
the lines seen in ``min_docs`` documents.

The guard against syndication: a paragraph of running text (:func:`looks_like_prose`) that the
site printed on two pages is chrome only if it stands alone there. A wire story the site ran
twice, or updated, shares a *run* of paragraphs between the two pages: such a paragraph, next to
another shared paragraph of running text, stays content (the duplicate detector deals with it).
On ``prose_min_docs`` pages or more, running text is chrome whatever its neighbours.

>>> import pyarrow as pa
>>> docs = pa.table({"doc_id": ["a", "b"], "source": ["example.com"] * 2, "n_blocks": [2, 2]})
>>> stats = line_stats(docs, pa.table({"text": ["Menu", "Story a.", "Menu", "Story b."]}))
>>> table = chrome_lines(stats, min_docs=2, prose_min_docs=3)
>>> table["text"].to_pylist()
['Menu']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import xxhash
from numba import njit

from dedupe.codepoints import SPACES_ABOVE_ASCII, in_sorted
from dedupe.run_folder import LINE_STATS

#: A sentence ends with one of these, then maybe closing quotes or brackets.
_SENTENCE_END_CHARS: Final = ".!?…。！？"
_CLOSERS: Final = "\"'”’»)]"
_SENTENCE_ENDS: Final = pa.array(list(_SENTENCE_END_CHARS))
#: Words of running text, at least.
PROSE_MIN_WORDS: Final = 12
#: Characters of a line kept in the statistics (enough to show it in a report).
TEXT_CHARS: Final = 200


def looks_like_prose(text: str) -> bool:
    """Cheap test for running text used by the syndication guard: a dozen words and a sentence end."""
    # The end first (string methods, no regex): most short lines stop there.
    return (text.rstrip().rstrip(_CLOSERS)[-1:] in _SENTENCE_END_CHARS
            and len(text.split()) >= PROSE_MIN_WORDS)


def prose_flags(texts: pa.Array | pa.ChunkedArray) -> pa.Array:
    """:func:`looks_like_prose` of each text, in column operations (Arrow's whitespace is
    :meth:`str.isspace`'s, code point for code point)."""
    if isinstance(texts, pa.ChunkedArray):
        texts = texts.combine_chunks()
    end = pc.utf8_rtrim(pc.utf8_rtrim_whitespace(texts), characters=_CLOSERS)
    ends_a_sentence = pc.is_in(pc.utf8_slice_codeunits(end, -1), value_set=_SENTENCE_ENDS)
    return pc.and_(ends_a_sentence, pa.array(_words_up_to(texts, PROSE_MIN_WORDS) >= PROSE_MIN_WORDS))


def _words_up_to(texts: pa.Array, at_most: int) -> np.ndarray:
    """``min(len(t.split()), at_most)`` of each (non-null) text, read from the Arrow buffers."""
    buffers = texts.buffers()
    offsets = np.frombuffer(buffers[1], np.int64 if pa.types.is_large_string(texts.type) else np.int32)
    data = np.frombuffer(buffers[2], np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    out = np.zeros(len(texts), np.int64)
    rows = offsets[texts.offset:texts.offset + len(texts) + 1]
    _words_up_to_kernel(data, rows, at_most, SPACES_ABOVE_ASCII, out)
    return out


@njit(cache=True, nogil=True)
def _words_up_to_kernel(data: Any, offsets: Any, at_most: int, other_spaces: Any, out: Any) -> None:
    for i in range(offsets.shape[0] - 1):
        words, in_word, p, end = 0, False, offsets[i], offsets[i + 1]
        while p < end and words < at_most:
            b = np.int64(data[p])
            if b < 0x80:  # UTF-8: one to four bytes per code point
                cp, p = b, p + 1
            elif b < 0xE0:
                cp, p = ((b & 0x1F) << 6) | (data[p + 1] & 0x3F), p + 2
            elif b < 0xF0:
                cp, p = ((b & 0x0F) << 12) | ((data[p + 1] & 0x3F) << 6) | (data[p + 2] & 0x3F), p + 3
            else:
                cp = (((b & 0x07) << 18) | ((data[p + 1] & 0x3F) << 12) | ((data[p + 2] & 0x3F) << 6)
                      | (data[p + 3] & 0x3F))
                p += 4
            if 0x09 <= cp <= 0x0D or 0x1C <= cp <= 0x20 or (cp > 0x7F and in_sorted(other_spaces, cp)):
                in_word = False
            elif not in_word:
                in_word = True
                words += 1
        out[i] = words


def line_key(text: str) -> int:
    """Stable 63-bit key of a line, ignoring case and spacing (fits a signed int64 column)."""
    norm = " ".join(text.lower().split())  # str.split and ``\s`` agree on what is a space
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8", "surrogatepass")) >> 1


def line_stats(documents: pa.Table, blocks: pa.Table) -> pa.Table:
    """:data:`~dedupe.run_folder.LINE_STATS` rows of a part: each distinct line of each document that
    has a site, once (where it first occurs), with the keys of its neighbours (what the syndication
    guard looks at). ``documents``: ``doc_id, source, n_blocks``; ``blocks``: their ``text`` in
    document order, and ``line_key`` (computed here when absent). Column operations, no per-line
    Python but the prose test.

    >>> docs = pa.table({"doc_id": ["a", "b"], "source": ["example.com", None], "n_blocks": [3, 1]})
    >>> stats = line_stats(docs, pa.table({"text": ["Menu", "Story.", "Menu", "Menu"]}))
    >>> stats.select(["doc_id", "text"]).to_pylist(), stats["next_key"][0] == stats["key"][1]
    ([{'doc_id': 'a', 'text': 'Menu'}, {'doc_id': 'a', 'text': 'Story.'}], True)
    """
    n_blocks = documents["n_blocks"].to_numpy(zero_copy_only=False).astype(np.int64)
    if "line_key" in blocks.column_names:
        keys_column = blocks["line_key"]
    else:
        keys_column = pa.array([line_key(t) for t in blocks["text"].to_pylist()], pa.int64())
    doc_of_row = np.repeat(np.arange(len(n_blocks)), n_blocks)
    has_site = pc.fill_null(pc.not_equal(documents["source"], ""), False).to_numpy(zero_copy_only=False)
    keys = pc.fill_null(keys_column, 0).to_numpy(zero_copy_only=False)
    ends = np.cumsum(n_blocks)
    first_row = np.zeros(len(keys), bool)
    first_row[(ends - n_blocks)[n_blocks > 0]] = True
    last_row = np.zeros(len(keys), bool)
    last_row[(ends - 1)[n_blocks > 0]] = True
    # The first occurrence of each line in each document with a site.
    rows = np.flatnonzero(has_site[doc_of_row])
    firsts = (pa.table({"doc": doc_of_row[rows], "key": keys[rows], "row": rows})
              .group_by(["doc", "key"], use_threads=False).aggregate([("row", "min")]))
    rows = np.sort(firsts["row_min"].to_numpy())
    prev_key = pa.array(np.concatenate(([0], keys[:-1]))[rows], mask=first_row[rows])
    next_key = pa.array(np.concatenate((keys[1:], [0]))[rows], mask=last_row[rows])
    texts = blocks["text"].take(pa.array(rows))
    owner = pa.array(doc_of_row[rows])
    return pa.table({
        "source": documents["source"].take(owner),
        "key": pa.array(keys[rows]),
        "doc_id": documents["doc_id"].take(owner),
        "prose": prose_flags(texts),
        "text": pc.utf8_slice_codeunits(texts, 0, TEXT_CHARS),
        "prev_key": prev_key, "next_key": next_key,
    }, schema=LINE_STATS)


def count_site_lines(stats: pa.Table) -> pa.Table:
    """Per ``(source, key)``: documents, whether running text, the line (``SITE_LINES`` columns)."""
    grouped = stats.group_by(["source", "key"]).aggregate(
        [("doc_id", "count_distinct"), ("prose", "any"), ("text", "min")])
    return pa.table({"source": grouped["source"], "key": grouped["key"],
                     "n_docs": pc.cast(grouped["doc_id_count_distinct"], pa.int32()),
                     "prose": grouped["prose_any"], "text": grouped["text_min"]})


#: Reads the line statistics part by part, with only the named columns (several passes are made).
StatsParts = Callable[[list[str]], Iterable[pa.Table]]


def chrome_lines(stats: pa.Table | StatsParts, *, min_docs: int, prose_min_docs: int,
                 prior: pa.Table | None = None, counts: Iterable[pa.Table] | None = None) -> pa.Table:
    """The lines that are chrome of their site: ``source, key, text, n_docs``, sorted.

    ``stats`` is a table of :data:`~dedupe.run_folder.LINE_STATS` rows, or a function giving it part
    by part: memory then holds one part and the per-line counts (no text), never the run's lines.
    ``prior`` holds earlier runs' :func:`count_site_lines` (``source, key, n_docs, prose``; no text): their
    documents count with this run's. A chrome line this run did not print gets an empty ``text``
    (the pipeline looks those few up in the earlier runs' files). ``counts`` are the
    :func:`count_site_lines` of ``stats`` part by part, when already computed (beside each part, in
    parallel): the first pass then adds them up instead of counting.
    """
    parts: StatsParts = (lambda columns: [stats.select(columns)]) if isinstance(stats, pa.Table) else stats
    # Pass 1: documents per line, part by part (a document lies in one part, so counts add up).
    per_part = ([t.select(["source", "key", "n_docs", "prose"]) for t in counts] if counts is not None else
                [t.group_by(["source", "key"]).aggregate([("doc_id", "count_distinct"), ("prose", "any")])
                 .rename_columns(["source", "key", "n_docs", "prose"])
                 for t in parts(["source", "key", "doc_id", "prose"])])
    if prior is not None and prior.num_rows:
        per_part.append(prior.select(["source", "key", "n_docs", "prose"]))
    schema = pa.schema([("source", pa.string()), ("key", pa.int64()), ("n_docs", pa.int64()),
                        ("prose", pa.bool_())])
    totals = pa.concat_tables([c.cast(schema) for c in per_part]) if per_part else schema.empty_table()
    grouped = totals.group_by(["source", "key"]).aggregate([("n_docs", "sum"), ("prose", "any")])
    shared = grouped.filter(pc.greater_equal(grouped["n_docs_sum"], min_docs))
    prose = shared["prose_any"]
    sure = shared.filter(pc.or_(pc.invert(prose), pc.greater_equal(shared["n_docs_sum"], prose_min_docs)))
    doubtful = shared.filter(pc.and_(prose, pc.less(shared["n_docs_sum"], prose_min_docs)))
    if doubtful.num_rows:
        # Pass 2: a doubtful paragraph next to another shared paragraph is part of a shared story.
        shared_rows = shared.filter(prose)
        shared_prose = set(zip(shared_rows["source"].to_pylist(), shared_rows["key"].to_pylist(),
                               strict=True))
        candidates = set(zip(doubtful["source"].to_pylist(), doubtful["key"].to_pylist(), strict=True))
        in_run: set[tuple[str, int]] = set()
        for t in parts(["source", "key", "prev_key", "next_key"]):
            for r in t.filter(pc.is_in(t["key"], value_set=doubtful["key"])).to_pylist():
                site = r["source"]
                if (site, r["key"]) in candidates and (
                        (site, r["prev_key"]) in shared_prose or (site, r["next_key"]) in shared_prose):
                    in_run.add((site, r["key"]))
        keep = pa.array([(s, k) not in in_run for s, k in zip(doubtful["source"].to_pylist(),
                                                               doubtful["key"].to_pylist(), strict=True)])
        sure = pa.concat_tables([sure, doubtful.filter(keep)])
    # Pass 3: the text of the chrome lines only.
    texts = [t.filter(pc.is_in(t["key"], value_set=sure["key"])).select(["source", "key", "text"])
             for t in parts(["source", "key", "text"])]
    text_schema = pa.schema([("source", pa.string()), ("key", pa.int64()), ("text", pa.string())])
    text_of = (pa.concat_tables([t.cast(text_schema) for t in texts]) if texts else text_schema.empty_table()
               ).group_by(["source", "key"]).aggregate([("text", "min")])
    chrome = sure.join(text_of, ["source", "key"], join_type="left outer")
    return pa.table({
        "source": chrome["source"], "key": chrome["key"],
        "text": pc.fill_null(chrome["text_min"], ""),
        "n_docs": pc.cast(chrome["n_docs_sum"], pa.int32()),
    }).sort_by([("source", "ascending"), ("key", "ascending")])


def chrome_keys(table: pa.Table) -> dict[str, frozenset[int]]:
    """``source -> keys`` of a :func:`chrome_lines` table, for the cleaner."""
    out: dict[str, set[int]] = {}
    for source, key in zip(table["source"].to_pylist(), table["key"].to_pylist(), strict=True):
        out.setdefault(source, set()).add(key)
    return {source: frozenset(keys) for source, keys in out.items()}
