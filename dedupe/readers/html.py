"""Main text and metadata of an HTML page: every visible block, and what trafilatura makes of it.

The document's text is the page's visible blocks, one per line (:mod:`dedupe.readers.dom`), so
that every block of the page — menus and footers included — gets a label and a reason like the
lines of a text input. trafilatura reads the page too: its metadata (title, author, date, URL,
site) fill the document, and which blocks its extraction kept becomes features of the block model
(:data:`TRAFILATURA_FEATURES`), beside the blocks' place in the page
(:data:`~dedupe.readers.dom.DOM_FEATURES`).
The model decides; trafilatura's choice is evidence, not the cut.

trafilatura runs with its own deduplication off (it drops repeated paragraphs silently, and
finding those is our job, with provenance) and comments excluded (reader comments are not the
article).

>>> page = extract_html("<html><head><title>Ferry route approved</title></head><body>"
...                     "<nav><a href='/'>Home</a></nav><article><h1>Ferry route approved</h1>"
...                     "<p>The harbour council voted on Thursday to open a second ferry route between "
...                     "the old town pier and the northern islands, ending two years of debate.</p>"
...                     "<p>Services start next spring, the operator said.</p></article></body></html>")
>>> page.text.splitlines()[0], page.title, page.features.shape == (4, len(LINE_FEATURES))
('Home', 'Ferry route approved', True)
>>> [float(m) for m in page.features[:, LINE_FEATURES.index("traf_mem")]]  # trafilatura kept
[0.0, 1.0, 1.0, 1.0]
>>> [float(m) for m in page.features[:, LINE_FEATURES.index("traf_is_title")]]  # the headline
[0.0, 1.0, 0.0, 0.0]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import trafilatura

from dedupe.document import InputProblem
from dedupe.readers.dom import DOM_FEATURES, dom_features, dump_blocks, parse

#: What the blocks of a page owe to trafilatura: the share of the block's tokens its extraction
#: kept, the same of the blocks before and after, whether the block lies between the first and the
#: last block it kept, how much of the page it kept (or nothing), and the headline by its metadata.
TRAFILATURA_FEATURES: Final = ("mem", "mem_prev", "mem_next", "in_span", "page_cov", "page_empty",
                               "is_title", "after_title", "title_found")
#: Per line of an HTML document's text: its place in the page, then trafilatura's view.
LINE_FEATURES: Final = (*(f"dom_{name}" for name in DOM_FEATURES),
                        *(f"traf_{name}" for name in TRAFILATURA_FEATURES))
_TOKEN: Final = re.compile(r"\w+")
_NORMALISE: Final = re.compile(r"[\W_]+", re.UNICODE)
_TITLE_PARTS: Final = re.compile(r"\s+[|\-–—:·»]\s+")
#: Runs of this many tokens found in trafilatura's text make a block's tokens "kept" (shorter
#: blocks must be a whole line of it).
MIN_RUN: Final = 3


@dataclass(frozen=True)
class ExtractedPage:
    text: str  #: the visible blocks of the page, one per line
    features: np.ndarray  #: :data:`LINE_FEATURES` per line of ``text`` (float32)
    title: str | None
    author: str | None
    published: str | None
    url: str | None
    sitename: str | None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def kept_share(blocks: list[str], extracted: str) -> np.ndarray:
    """Per block, the share of its tokens that trafilatura's text holds: a token counts when one
    of the token trigrams around it occurs there; a block of fewer than :data:`MIN_RUN` tokens
    counts when it is a whole line of it. Linear time (the exact in-order alignment measured no
    better and costs three times as much)."""
    out = np.zeros(len(blocks), np.float32)
    found = _tokens(extracted)
    if not found:
        return out
    trigrams = {(found[k], found[k + 1], found[k + 2]) for k in range(len(found) - 2)}
    short_lines = {tuple(t) for t in map(_tokens, extracted.split("\n")) if 0 < len(t) < MIN_RUN}
    for i, text in enumerate(blocks):
        words = _tokens(text)
        if len(words) < MIN_RUN:
            out[i] = bool(words) and tuple(words) in short_lines
            continue
        hit = np.zeros(len(words), bool)
        for k in range(len(words) - 2):
            if (words[k], words[k + 1], words[k + 2]) in trigrams:
                hit[k:k + 3] = True
        out[i] = hit.mean()
    return out


def _normal(text: str) -> str:
    return _NORMALISE.sub(" ", text.lower()).strip()


def headline_blocks(blocks: list[str], title: str | None) -> np.ndarray:
    """Blocks that are the page's headline: its metadata title, a prefix of it, or its longest part
    around " | " or " - " (the rest is the site's name)."""
    flags = np.zeros(len(blocks), bool)
    if not title:
        return flags
    longest_part = max((_normal(p) for p in _TITLE_PARTS.split(title)), key=len)
    wanted = {_normal(title)} | ({longest_part} if len(longest_part) >= 15 else set())
    wanted.discard("")
    if not wanted:
        return flags
    longest = max(map(len, wanted))
    for i, text in enumerate(blocks):
        if len(text) > 2 * longest + 10:
            continue
        normal = _normal(text)
        flags[i] = any(normal == w or (len(normal) > 20 and w.startswith(normal))
                       or (len(w) > 20 and normal.startswith(w) and len(normal) < 1.5 * len(w))
                       for w in wanted)
    return flags


def trafilatura_features(blocks: list[str], extracted: str, title: str | None) -> np.ndarray:
    """:data:`TRAFILATURA_FEATURES` of a page's blocks, given trafilatura's text and title."""
    out = np.zeros((len(blocks), len(TRAFILATURA_FEATURES)), np.float32)
    if not blocks:
        return out
    kept = kept_share(blocks, extracted)
    out[:, 0] = kept
    out[1:, 1], out[0, 1] = kept[:-1], -1.0
    out[:-1, 2], out[-1, 2] = kept[1:], -1.0
    hits = np.flatnonzero(kept >= 0.5)
    if len(hits):
        out[hits[0]:hits[-1] + 1, 3] = 1.0
    out[:, 4] = len(_tokens(extracted)) / max(sum(len(_tokens(b)) for b in blocks), 1)
    out[:, 5] = not extracted.strip()
    headline = headline_blocks(blocks, title)
    out[:, 6] = headline
    if headline.any():
        out[int(np.flatnonzero(headline)[0]) + 1:, 7] = 1.0
        out[:, 8] = 1.0
    else:
        out[:, 7] = -1.0
    return out


def _trafilatura(html: str, url: str | None) -> Any:
    try:
        return trafilatura.bare_extraction(html, url=url, include_comments=False, deduplicate=False,
                                           with_metadata=True, include_tables=True)
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise InputProblem("extract", "extraction_failed",
                           f"trafilatura failed on this page: {type(exc).__name__}: {exc}") from exc


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """The visible blocks of ``html`` with their features and the page's metadata; raise
    :class:`InputProblem` when the page shows no text at all. A page trafilatura cannot read
    keeps its blocks (its features then say trafilatura kept nothing)."""
    try:
        blocks, parse_error = dump_blocks(parse(html)), None
    except Exception as exc:  # a page lxml cannot parse: trafilatura's own parser may still
        blocks, parse_error = [], exc
    try:
        doc, failure = _trafilatura(html, url), None
    except InputProblem as problem:
        doc, failure = None, problem
    extracted = (getattr(doc, "text", None) or "") if doc is not None else ""
    title = _clean(getattr(doc, "title", None)) if doc is not None else None
    if blocks:
        texts = [b.text for b in blocks]
        features = np.hstack([dom_features(blocks), trafilatura_features(texts, extracted, title)])
        return _page("\n".join(texts), features, doc, url)
    # No visible block (or no tree): trafilatura's text alone, if it found one.
    lines = [line.strip() for line in extracted.splitlines() if line.strip()]
    if not lines:
        if failure is not None:
            raise failure
        why = f" ({type(parse_error).__name__}: {parse_error})" if parse_error else ""
        raise InputProblem("extract", "no_main_text", f"no visible text in this page{why}")
    features = np.zeros((len(lines), len(LINE_FEATURES)), np.float32)
    features[:, len(DOM_FEATURES):] = trafilatura_features(lines, extracted, title)
    return _page("\n".join(lines), features, doc, url)


def _page(text: str, features: np.ndarray, doc: Any, url: str | None) -> ExtractedPage:
    def meta(name: str) -> str | None:
        return _clean(getattr(doc, name, None)) if doc is not None else None

    # The features wait for the cleaner as float16 (half the staged bytes): rounded here, so that
    # a run and the training see the same values.
    return ExtractedPage(text=text, features=features.astype(np.float16).astype(np.float32),
                         title=meta("title"), author=meta("author"), published=meta("date"),
                         url=meta("url") or url, sitename=meta("hostname"))
