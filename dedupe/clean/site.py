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

import re
from collections.abc import Sequence
from typing import Any, Final

import pyarrow as pa
import pyarrow.compute as pc
import xxhash

_SENTENCE_END: Final = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")
#: Characters of a line kept in the statistics (enough to show it in a report).
TEXT_CHARS: Final = 200


def looks_like_prose(text: str) -> bool:
    """Cheap test for running text used by the syndication guard: a dozen words and a sentence end."""
    return len(text.split()) >= 12 and bool(_SENTENCE_END.search(text.rstrip()))


def line_key(text: str) -> int:
    """Stable 63-bit key of a line, ignoring case and spacing (fits a signed int64 column)."""
    norm = " ".join(text.lower().split())  # str.split and ``\s`` agree on what is a space
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8", "surrogatepass")) >> 1


def line_rows(source: str, doc_id: str, lines: Sequence[str]) -> dict[str, list[Any]]:
    """Columns of :data:`~dedupe.schema.LINE_STATS` for one document: each distinct line once, with
    the keys of its neighbours (what the syndication guard looks at). No site, no rows."""
    columns: dict[str, list[Any]] = {name: [] for name in ("source", "key", "doc_id", "prose", "text",
                                                           "prev_key", "next_key")}
    if not source:
        return columns  # no site, nothing to learn
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


def chrome_lines(stats: pa.Table, *, min_docs: int, prose_min_docs: int,
                 prior: pa.Table | None = None) -> pa.Table:
    """The lines that are chrome of their site: ``source, key, text, n_docs``, sorted.

    ``prior`` holds earlier runs' :func:`line_counts` (``source, key, n_docs, prose, text``); their
    documents count with this run's.
    """
    counts = line_counts(stats)
    if prior is not None and prior.num_rows:
        counts = pa.concat_tables([counts, prior.select(counts.column_names).cast(counts.schema)])
    grouped = counts.group_by(["source", "key"]).aggregate(
        [("n_docs", "sum"), ("prose", "any"), ("text", "min")])
    grouped = grouped.select(["source", "key", "n_docs_sum", "prose_any", "text_min"]).rename_columns(
        ["source", "key", "doc_id_count_distinct", "prose_any", "text_min"])
    n_docs = grouped["doc_id_count_distinct"]
    shared = grouped.filter(pc.greater_equal(n_docs, min_docs))
    prose = shared["prose_any"]
    sure = shared.filter(pc.or_(pc.invert(prose), pc.greater_equal(shared["doc_id_count_distinct"],
                                                                       prose_min_docs)))
    doubtful = shared.filter(pc.and_(prose, pc.less(shared["doc_id_count_distinct"], prose_min_docs)))
    if doubtful.num_rows:
        shared_prose = {(s, k) for s, k in zip(shared.filter(prose)["source"].to_pylist(),
                                               shared.filter(prose)["key"].to_pylist(), strict=True)}
        candidates = {(s, k) for s, k in zip(doubtful["source"].to_pylist(), doubtful["key"].to_pylist(),
                                             strict=True)}
        rows = stats.filter(pc.is_in(stats["key"], value_set=doubtful["key"])).select(
            ["source", "key", "prev_key", "next_key"]).to_pylist()
        in_run = {(r["source"], r["key"]) for r in rows
                  if (r["source"], r["key"]) in candidates
                  and ((r["source"], r["prev_key"]) in shared_prose
                       or (r["source"], r["next_key"]) in shared_prose)}
        keep = pa.array([(s, k) not in in_run for s, k in zip(doubtful["source"].to_pylist(),
                                                               doubtful["key"].to_pylist(), strict=True)])
        sure = pa.concat_tables([sure, doubtful.filter(keep)])
    return pa.table({
        "source": sure["source"], "key": sure["key"], "text": sure["text_min"],
        "n_docs": pc.cast(sure["doc_id_count_distinct"], pa.int32()),
    }).sort_by([("source", "ascending"), ("key", "ascending")])


def chrome_keys(table: pa.Table) -> dict[str, frozenset[int]]:
    """``source -> keys`` of a :func:`chrome_lines` table, for the cleaner."""
    out: dict[str, set[int]] = {}
    for source, key in zip(table["source"].to_pylist(), table["key"].to_pylist(), strict=True):
        out.setdefault(source, set()).add(key)
    return {source: frozenset(keys) for source, keys in out.items()}
