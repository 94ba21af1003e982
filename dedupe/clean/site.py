"""Per-site chrome: lines that recur on several pages of the same site are the site's furniture.

Menus, footers, newsletter prompts and "About us" blurbs repeat on every page of a site, while a
story's paragraphs do not. Each document contributes its distinct line keys; a line seen in
``site_chrome_min_docs`` documents of one ``source`` is chrome there.

The guard against syndication: running text (a prose line, see
:attr:`~dedupe.clean.features.LineFeatures.prose`) must recur in ``site_chrome_prose_min_docs``
documents — a wire paragraph that a site ran in two stories stays content (and is left to the
duplicate detector), a footer paragraph printed under every story does not.

>>> stats = SiteLineStats()
>>> for doc_id in ("a", "b"):
...     stats.add("example.com", doc_id, [("Subscribe to our newsletter", False)])
>>> stats.add("example.com", "c", [("Subscribe to our newsletter", False)])
>>> line_key("Subscribe to our newsletter") in stats.chrome_keys(min_docs=2, prose_min_docs=3)["example.com"]
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Final

import xxhash

_SPACE: Final = re.compile(r"\s+")


_SENTENCE_END: Final = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")


def looks_like_prose(text: str) -> bool:
    """Cheap test for running text used by the syndication guard: a dozen words and a sentence end."""
    return len(text.split()) >= 12 and bool(_SENTENCE_END.search(text.rstrip()))


def line_key(text: str) -> int:
    """Stable 63-bit key of a line, ignoring case and spacing (fits a signed int64 column)."""
    norm = _SPACE.sub(" ", text.strip().lower())
    return xxhash.xxh3_64_intdigest(norm.encode("utf-8", "surrogatepass")) >> 1


class SiteLineStats:
    """Counts, per site and line key, the documents that contain the line (in memory).

    The pipeline keeps the same counts as Parquet parts (``source, key, doc_id, prose``) and
    aggregates them with Arrow; this class is the same logic for one process.
    """

    def __init__(self) -> None:
        self._docs: dict[tuple[str, int], set[str]] = defaultdict(set)
        self._prose: dict[tuple[str, int], bool] = {}

    def add(self, source: str, doc_id: str, lines: Iterable[tuple[str, bool]]) -> None:
        if not source:
            return  # no site, nothing to learn
        for text, prose in lines:
            key = (source, line_key(text))
            self._docs[key].add(doc_id)
            self._prose[key] = self._prose.get(key, False) or prose

    def chrome_keys(self, *, min_docs: int, prose_min_docs: int) -> dict[str, set[int]]:
        out: dict[str, set[int]] = defaultdict(set)
        for (source, key), docs in self._docs.items():
            needed = prose_min_docs if self._prose[(source, key)] else min_docs
            if len(docs) >= needed:
                out[source].add(key)
        return dict(out)
