"""The order that decides which copy of a duplicate is kept: the first one.

Earliest ``published`` first when the date is known (ISO 8601, as the readers normalise it), then
the undated documents; within each, input order (the sorted path, then the JSON Lines record);
ties by ``doc_id``. It depends only on the documents, never on batches or on the order in which
files were found, so shuffled input gives the same decisions.

>>> document_order([("b", "x/2.txt", None, None), ("a", "x/1.txt", None, "2025-04-11"),
...                 ("c", "x/0.txt", None, "not a date")])
['a', 'c', 'b']
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime


def _timestamp(published: str | None) -> float | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def document_order(docs: Iterable[tuple[str, str, int | None, str | None]]) -> list[str]:
    """``doc_id`` s of ``(doc_id, path, record, published)`` rows, the one to keep first."""
    def key(row: tuple[str, str, int | None, str | None]) -> tuple[int, float, str, int, str]:
        doc_id, path, record, published = row
        ts = _timestamp(published)
        return (0 if ts is not None else 1, ts or 0.0, path, record or 0, doc_id)

    return [row[0] for row in sorted(docs, key=key)]
