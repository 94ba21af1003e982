"""Split a document's text into blocks with exact character offsets.

A block is a non-blank line with its surrounding whitespace trimmed, so that
``text[start:end]`` is exactly the block. Scrapers often dump a whole article on one line; a line
longer than ``max_block_chars`` is cut at sentence boundaries into groups of a few sentences
(at least ``target_block_chars`` each), so that paragraph-level deduplication compares like with
like.

>>> text = "Headline\\n\\n  First paragraph.  \\nSecond one."
>>> [text[s:e] for s, e in segment(text)]
['Headline', 'First paragraph.', 'Second one.']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from dedupe.document import Block, Document
from dedupe.settings import Settings

#: Line separators: the same set as :meth:`str.splitlines`.
_BREAKS: Final = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: A non-blank line, trimmed: from its first non-space character to its last (every separator is
#: a space to ``\s``, and ``\s`` is :meth:`str.isspace`).
_TRIMMED_LINE = re.compile(f"\\S(?:[^{_BREAKS}]*\\S)?")

#: A sentence ends at terminal punctuation, optional closing quotes or brackets, then whitespace;
#: CJK full stops end a sentence with no space after them.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？]+[”’」』）]*")

#: Words that end with a full stop without ending the sentence (lower-cased, without the stop).
ABBREVIATIONS: Final = frozenset([
    # titles
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "rev", "gen", "sen", "rep", "gov", "lt",
    "col", "capt", "sgt", "maj", "cmdr", "adm", "pres", "supt",
    # latin and references
    "vs", "etc", "e.g", "i.e", "cf", "approx", "dept", "eds",
    # companies
    "inc", "co", "corp", "ltd", "llc", "bros",
    # dates
    # ("mar", "sat", "sun", "wed" are left out: as English words they do end sentences)
    "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "tue", "thu", "fri",
    # acronyms written with stops
    "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "d.c",
    # Cyrillic
    "ст", "им", "г", "гг", "т.е", "т.д", "т.п", "см", "стр", "ул", "пр", "ім", "тис", "млн", "млрд",
])
#: Abbreviations that only count before a number ("No. 5", "Vol. 2"); "no." alone ends a sentence.
ABBREVIATIONS_BEFORE_NUMBER: Final = frozenset(["no", "nos", "vol", "fig", "p", "pp", "art", "ch", "sec",
                                                "№"])


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def iter_lines(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``, whitespace trimmed.

    >>> list(iter_lines("  One line \\r\\n\\n\\tTwo\\u2028"))
    [(2, 10), (15, 18)]
    """
    for match in _TRIMMED_LINE.finditer(text):
        yield match.span()


def _is_abbreviation(text: str, stop: int, line_start: int, next_char: str) -> bool:
    """Whether the full stop at ``text[stop]`` closes an abbreviation or an initial."""
    begin = stop
    # Walk back over the word (bounded: abbreviations are short, and lines can be huge).
    while begin > line_start and stop - begin < 24 and not text[begin - 1].isspace():
        begin -= 1
    raw = text[begin:stop]
    if not raw:
        return False
    word = raw.lstrip("\"'“‘«([").lower()
    if word in ABBREVIATIONS or (word in ABBREVIATIONS_BEFORE_NUMBER and next_char.isdigit()):
        return True
    # An initial ("J. Smith"): one capital letter. A lower-case "m." is a unit ending a sentence.
    return len(word) == 1 and raw[-1].isupper()


def iter_sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Spans of the sentences of ``text[start:end]``, whitespace trimmed."""
    pos = start
    for match in _SENTENCE_END.finditer(text, start, end):
        stop = match.end()
        after = stop
        while after < end and text[after].isspace():
            after += 1
        if after >= end:
            break
        nxt = text[after]
        if match.group().startswith(".") and len(match.group()) == 1:
            if _is_abbreviation(text, match.start(), start, nxt):
                continue
            if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘«(["):
                continue
        elif not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘«([" or not nxt.isascii()):
            continue
        s, e = _strip_span(text, pos, stop)
        if e > s:
            yield s, e
        pos = after
    s, e = _strip_span(text, pos, end)
    if e > s:
        yield s, e


def _hard_split(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long sentence at the last whitespace before ``limit`` characters."""
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        if cut <= start:
            cut = start + limit
        s, e = _strip_span(text, start, cut)
        if e > s:
            yield s, e
        start, _ = _strip_span(text, cut, end)
    s, e = _strip_span(text, start, end)
    if e > s:
        yield s, e


def group_sentences(text: str, start: int, end: int, *, target_chars: int,
                    max_chars: int) -> list[tuple[int, int]]:
    """Group the sentences of a long line into spans of at least ``target_chars`` characters.

    No span exceeds ``max_chars`` unless a single sentence does and cannot be cut at whitespace.
    """
    pieces = [p for s, e in iter_sentences(text, start, end) for p in _hard_split(text, s, e, max_chars)]
    groups: list[tuple[int, int]] = []
    g_start = g_end = -1
    for s, e in pieces:
        if g_start < 0:
            g_start, g_end = s, e
        elif g_end - g_start >= target_chars or e - g_start > max_chars:
            groups.append((g_start, g_end))
            g_start, g_end = s, e
        else:
            g_end = e
    if g_start >= 0:
        # A short tail joins the previous group when that stays within bounds.
        if groups and g_end - g_start < target_chars // 2 and g_end - groups[-1][0] <= max_chars:
            groups[-1] = (groups[-1][0], g_end)
        else:
            groups.append((g_start, g_end))
    return groups


def segment(text: str, *, max_block_chars: int = 1000,
            target_block_chars: int = 400) -> list[tuple[int, int]]:
    """Block spans of ``text``: its non-blank lines, long ones grouped by sentences."""
    spans: list[tuple[int, int]] = []
    for start, end in iter_lines(text):
        if end - start > max_block_chars:
            spans.extend(group_sentences(text, start, end, target_chars=target_block_chars,
                                         max_chars=max_block_chars))
        else:
            spans.append((start, end))
    return spans


def segment_document(doc: Document, settings: Settings) -> Document:
    """Give ``doc`` its blocks: every block starts as ``content`` until a cleaner decides otherwise."""
    base = doc.base_text
    doc.blocks = [
        Block(idx=i, start=s, end=e, text=base[s:e])
        for i, (s, e) in enumerate(segment(base, max_block_chars=settings.max_block_chars,
                                           target_block_chars=settings.target_block_chars))
    ]
    return doc
