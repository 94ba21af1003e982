"""Per-site chrome: lines that recur on several pages of the same site are the site's furniture.

Menus, footers, newsletter prompts and "About us" blurbs repeat on every page of a site, while a
story's paragraphs do not. Every document contributes one row per distinct line
(:func:`line_rows`); :func:`chrome_lines` aggregates them with Arrow and keeps, per ``source``,
the lines seen in ``min_docs`` documents.

The guard against syndication: a paragraph of running text (:func:`looks_like_prose`) that the
site printed on two pages is chrome only if it stands alone there. A wire story the site ran
twice, or updated, shares a *run* of paragraphs between the two pages: such a paragraph, next to
another shared paragraph of running text, stays content (the duplicate detector deals with it).
On ``prose_min_docs`` pages or more, running text is chrome whatever its neighbours.

>>> import pyarrow as pa
>>> from dedupe.schema import LINE_STATS
>>> stats = pa.concat_tables(pa.table(line_rows("example.com", d, ["Menu", f"Story {d}."]), schema=LINE_STATS)
...                        for d in ("a", "b"))
>>> table = chrome_lines(stats, min_docs=2, prose_min_docs=3)
>>> table["text"].to_pylist()
['Menu']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import xxhash

#: A sentence ends with one of these, then maybe closing quotes or brackets.
_SENTENCE_END_CHARS: Final = ".!?…。！？"
_CLOSERS: Final = "\"'”’»)]"
#: Characters of a line kept in the statistics (enough to show it in a report).
TEXT_CHARS: Final = 200


def looks_like_prose(text: str) -> bool:
    """Cheap test for running text used by the syndication guard: a dozen words and a sentence end."""
    # The end first (string methods, no regex): most short lines stop there.
    return text.rstrip().rstrip(_CLOSERS)[-1:] in _SENTENCE_END_CHARS and len(text.split()) >= 12


def line_key(text: str) -> int:
    """Stable 63-bit key of a line, ignoring case and spacing (fits a signed int64 column)."""
    norm = " ".join(text.lower().split())  # str.split and ``\s`` agree on what is a space
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8", "surrogatepass")) >> 1


def line_rows(source: str, doc_id: str, lines: Sequence[str],
              keys: Sequence[int] | None = None) -> dict[str, list[Any]]:
    """Columns of :data:`~dedupe.schema.LINE_STATS` for one document: each distinct line once, with
    the keys of its neighbours (what the syndication guard looks at). No site, no rows.
    ``keys`` are the lines' :func:`line_key`, when already known."""
    columns: dict[str, list[Any]] = {name: [] for name in ("source", "key", "doc_id", "prose", "text",
                                                           "prev_key", "next_key")}
    if not source:
        return columns  # no site, nothing to learn
    if keys is None:
        keys = [line_key(t) for t in lines]
    seen: set[int] = set()
    last = len(keys) - 1
    for i, (text, key) in enumerate(zip(lines, keys, strict=True)):
        if key in seen:
            continue
        seen.add(key)
        columns["key"].append(key)
        columns["prose"].append(looks_like_prose(text))
        columns["text"].append(text[:TEXT_CHARS])
        columns["prev_key"].append(keys[i - 1] if i else None)
        columns["next_key"].append(keys[i + 1] if i < last else None)
    columns["source"] = [source] * len(seen)
    columns["doc_id"] = [doc_id] * len(seen)
    return columns


def line_counts(stats: pa.Table) -> pa.Table:
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

    ``stats`` is a table of :data:`~dedupe.schema.LINE_STATS` rows, or a function giving it part
    by part: memory then holds one part and the per-line counts (no text), never the run's lines.
    ``prior`` holds earlier runs' :func:`line_counts` (``source, key, n_docs, prose``; no text): their
    documents count with this run's. A chrome line this run did not print gets an empty ``text``
    (the pipeline looks those few up in the earlier runs' files). ``counts`` are the
    :func:`line_counts` of ``stats`` part by part, when already computed (beside each part, in
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
