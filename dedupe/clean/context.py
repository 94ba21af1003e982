"""Features of every block in its page: what the block model (:mod:`dedupe.clean.model`) decides on.

A block's own shape (length, common-word share, sentence end, capitals, digits, list markers, the
rules it matches) says little on its own: "Read the full report" is chrome under a menu and
article text inside a story. So each block also gets its neighbours' shape, the share of running
text around it at two distances, its position in the page and in the page's running text, and
whether the maximum-sum run of running text (the cleaner's body step) holds it.

The features of a whole batch are one ``float32`` matrix, a row per block in document order;
:data:`FEATURES` names its columns (the model file lists them too, and loading checks they agree).
Everything after the per-line shape is computed by one compiled pass over the batch.

>>> from dedupe.clean.line_features import line_features_batch
>>> lines = ["Home", "News", "The council voted on Thursday to open a second ferry route.", "Share"]
>>> own = own_features(lines, line_features_batch(lines))
>>> own.shape == (4, len(OWN_FEATURES))
True
>>> float(own[2, OWN_FEATURES.index("terminal")]), float(own[0, OWN_FEATURES.index("terminal")])
(1.0, 0.0)
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numba import njit

from dedupe.clean.line_features import LineFeatures, _common_word_table, _contains, _is_separator
from dedupe.clean.rules import COMMENTARY_WORDS
from dedupe.readers.html import LINE_FEATURES

#: Per-line features from the line alone (shape and common words).
SHAPE_FEATURES: Final = (
    "log_words", "log_chars", "common_share", "terminal", "colon_end", "shouting", "has_url", "emoji",
    "cjk", "prose", "heading_like", "digit_share", "punct_share", "capital_share", "separators",
    "list_marker", "question", "quoted", "topic_share", "topic_weight",
    "lex_mean", "lex_min", "lex_max", "lex_strong",
    *(f"words_{name}" for name in COMMENTARY_WORDS),
)
#: Per-line features from the cleaner's rules and earlier steps (filled in by the cleaner).
RULE_FEATURES: Final = (
    "rule_chrome", "rule_end_of_article", "rule_dateline", "rule_byline", "rule_bio", "rule_promo",
    "site_chrome", "chrome_section", "padding_heading", "title", "title_repeat", "repeats_in_page",
    "body_main", "body_any", "body_score", "after_end_of_article", "commentary_phrases",
)
OWN_FEATURES: Final = SHAPE_FEATURES + RULE_FEATURES
#: Neighbours' features, at offsets -2, -1, +1, +2.
NEIGHBOUR_OF: Final = ("log_words", "prose", "heading_like", "common_share", "rule_chrome", "site_chrome",
                       "list_marker", "body_main", "topic_share", "capital_share")
OFFSETS: Final = (-2, -1, 1, 2)
#: Means over windows of +-3 and +-10 blocks (the block itself excluded).
WINDOW_OF: Final = ("prose", "heading_like", "rule_chrome", "site_chrome", "log_words", "capital_share",
                    "terminal", "topic_share", "lex_mean")
WINDOWS: Final = (3, 10)
#: Position and page-level features.
POSITION_FEATURES: Final = (
    "position", "words_before", "prose_before", "prose_after", "to_main_start", "to_main_end",
    "log_blocks", "log_page_words", "page_prose_share", "main_share", "is_html",
)
FEATURES: Final = (
    OWN_FEATURES
    + tuple(f"{name}@{off:+d}" for off in OFFSETS for name in NEIGHBOUR_OF)
    + tuple(f"{name}~{w}" for w in WINDOWS for name in WINDOW_OF)
    + POSITION_FEATURES
)
#: The block model of HTML pages reads the reader's view of each block's line too.
HTML_FEATURES: Final = FEATURES + LINE_FEATURES
_COL: Final = {name: i for i, name in enumerate(OWN_FEATURES)}
#: Columns of :data:`OWN_FEATURES` that :func:`lexical_features` fills, in its order.
LEXICAL_COLUMNS: Final = [_COL[c] for c in ("lex_mean", "lex_min", "lex_max", "lex_strong")]

#: Characters that separate the items of a menu or a breadcrumb on one line.
MENU_SEPARATORS: Final = "|•·»›►▸★✓⋅"
_SEPARATOR_CODES: Final = np.array(sorted(ord(c) for c in MENU_SEPARATORS), np.int64)


@njit(cache=True, nogil=True)
def _is_upper(cp: int) -> bool:
    """Capital letters of the Latin, Greek and Cyrillic alphabets (what most pages are written in)."""
    return ((0x41 <= cp <= 0x5A) or (0xC0 <= cp <= 0xDE and cp != 0xD7) or (0x391 <= cp <= 0x3A9)
            or (0x400 <= cp <= 0x42F))


@njit(cache=True, nogil=True)
def _is_letter_or_digit(cp: int) -> bool:
    return ((0x30 <= cp <= 0x39) or (0x41 <= cp <= 0x5A) or (0x61 <= cp <= 0x7A) or cp == 0x5F
            or (cp >= 0xC0 and cp != 0xD7 and cp != 0xF7 and not (0x2000 <= cp <= 0x2BFF)
                and not (0x3000 <= cp <= 0x303F) and not (0xFF00 <= cp <= 0xFF0F)))


@njit(cache=True, nogil=True)
def _shape_kernel(codes: Any, separators: Any, out: Any) -> None:
    """Per newline-separated line of ``codes`` (code points): characters, digits, ASCII
    punctuation, words, capitalised words, menu separators, a leading list marker (1), a quote
    mark (1)."""
    line = 0
    i = 0
    n = codes.shape[0]
    lowest = separators[0] if separators.shape[0] else 0x110000
    while i <= n and line < out.shape[0]:
        chars = digits = punct = words = capital = seps = quoted = 0
        in_word = False
        first = i
        while i < n and codes[i] != 10:
            cp = int(codes[i])
            chars += 1
            if 0x30 <= cp <= 0x39:
                digits += 1
            if cp < 0x80 and not _is_letter_or_digit(cp) and cp != 0x20:
                punct += 1
            if cp == 0x22 or cp == 0x201C or cp == 0x201D or cp == 0xAB or cp == 0xBB:
                quoted = 1
            if cp >= lowest:  # letters and digits sort below every separator: no search for them
                lo, hi = 0, separators.shape[0]
                while lo < hi:
                    mid = (lo + hi) // 2
                    if separators[mid] < cp:
                        lo = mid + 1
                    else:
                        hi = mid
                if lo < separators.shape[0] and separators[lo] == cp:
                    seps += 1
            if _is_letter_or_digit(cp):
                if not in_word:
                    words += 1
                    if _is_upper(cp):
                        capital += 1
                    in_word = True
            else:
                in_word = False
            i += 1
        marker = 0
        if i > first:
            c0 = int(codes[first])
            c1 = int(codes[first + 1]) if first + 1 < i else 0
            if c0 == 0x2022 or c0 == 0x25CF or c0 == 0x25AA or c0 == 0x2013 or c0 == 0x2014 or (
                    (c0 == 0x2D or c0 == 0x2A) and c1 == 0x20):
                marker = 1
            elif 0x30 <= c0 <= 0x39:
                k = first
                while k < i and 0x30 <= codes[k] <= 0x39 and k - first < 3:
                    k += 1
                if k < i and (codes[k] == 0x2E or codes[k] == 0x29) and (k + 1 == i or codes[k + 1] == 0x20):
                    marker = 1
        out[line, 0] = chars
        out[line, 1] = digits
        out[line, 2] = punct
        out[line, 3] = words
        out[line, 4] = capital
        out[line, 5] = seps
        out[line, 6] = marker
        out[line, 7] = quoted
        line += 1
        i += 1


@njit(cache=True, nogil=True)
def _facts_kernel(codes: Any, line_starts: Any, doc_lines: Any, table: Any, lines_of: Any, marks: Any,
                  hashes: Any, slots: Any, lines: Any, out: Any) -> None:
    """Per line: how many of its fact words (with a digit, or capitalised inside a sentence) no other
    line of its document has, and their share of its fact words. ``line_starts``: offset of each
    line in ``codes`` (and the end); ``doc_lines``: first line of each document (and the end);
    ``table``, ``lines_of``, ``marks``: an empty hash table (words, lines holding them, the last
    line that counted them), cleared between documents; ``hashes``, ``slots``, ``lines``: room
    for a document's fact words (the text is read once, the scoring and clearing passes go over
    the words found).

    The clearing pass probes the table as it is being cleared: a word moved along by a collision
    may stay behind for the next document (the features were trained that way; kept)."""
    mask = np.uint64(table.shape[0] - 1)
    for d in range(doc_lines.shape[0] - 1):
        found = 0  # 1. count the lines holding each fact word
        for line in range(doc_lines[d], doc_lines[d + 1]):
            sentence_start = True
            i, end = line_starts[line], line_starts[line + 1]
            while i < end:
                cp = int(codes[i])
                if not _is_letter_or_digit(cp):
                    if cp == 0x2E or cp == 0x21 or cp == 0x3F or cp == 0x3A:
                        sentence_start = True
                    i += 1
                    continue
                first_upper = _is_upper(cp)
                digit = False
                h = np.uint64(0xCBF29CE484222325)
                while i < end and _is_letter_or_digit(int(codes[i])):
                    c = int(codes[i])
                    digit = digit or 0x30 <= c <= 0x39
                    h = (h ^ np.uint64(c)) * np.uint64(0x100000001B3)
                    i += 1
                fact = digit or (first_upper and not sentence_start)
                sentence_start = False
                if not fact or h == 0:
                    continue
                slot = h & mask
                while table[slot] != 0 and table[slot] != h:
                    slot = (slot + np.uint64(1)) & mask
                table[slot] = h
                if marks[slot] != line + 1:
                    marks[slot] = line + 1
                    lines_of[slot] += 1
                hashes[found] = h
                slots[found] = slot
                lines[found] = line
                found += 1
        # 2. score: no insertion since, so each word is where the counting pass put it
        k = 0
        for line in range(doc_lines[d], doc_lines[d + 1]):
            total = novel = 0
            while k < found and lines[k] == line:
                slot = slots[k]
                if marks[slot] != -(line + 1):
                    marks[slot] = -(line + 1)
                    total += 1
                    novel += lines_of[slot] == 1
                k += 1
            out[line, 0] = np.log1p(novel)
            out[line, 1] = novel / total if total else -1.0
        for k in range(found):  # 3. clear, probing as the words come
            h = hashes[k]
            slot = h & mask
            while table[slot] != 0 and table[slot] != h:
                slot = (slot + np.uint64(1)) & mask
            table[slot] = 0
            lines_of[slot] = 0
            marks[slot] = 0


#: The columns of :func:`fact_features` (features of the padding model).
FACT_FEATURES: Final = ("new_facts", "fact_novelty")


def fact_features(texts: Sequence[str], doc_lines: np.ndarray) -> np.ndarray:
    """``new_facts`` and ``fact_novelty`` of each line of a batch (as written, not lower-cased):
    commentary about a story reuses its names and numbers, it adds none of its own."""
    out = np.zeros((len(texts), 2), np.float32)
    if not texts:
        return out
    codes = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)
    line_starts = np.zeros(len(texts) + 1, np.int64)
    line_starts[1:-1] = np.flatnonzero(codes == 10) + 1
    line_starts[-1] = len(codes) + 1
    largest = int(np.max(line_starts[doc_lines[1:]] - line_starts[doc_lines[:-1]]))
    size = 1 << max(4, (largest // 2).bit_length())
    room = largest + 1  # a document holds fewer words than characters
    _facts_kernel(codes, line_starts, doc_lines.astype(np.int64), np.zeros(size, np.uint64),
                  np.zeros(size, np.int64), np.zeros(size, np.int64), np.empty(room, np.uint64),
                  np.empty(room, np.uint64), np.empty(room, np.int64), out)
    return out


#: Buckets of the hashed word weights (:func:`token_buckets`): 2^18, a megabyte of float32.
TOKEN_BUCKETS: Final = 1 << 18


@njit(cache=True, nogil=True)
def _bucket_kernel(buf: Any, n_lines: int, mask: int, common: Any, out: Any, rare: Any, offsets: Any) -> int:
    """The bucket (FNV-1a hash of its bytes, masked) of every word of every newline-separated line
    of ``buf`` (lower-cased UTF-8) into ``out``, lines delimited by ``offsets``, and whether the
    word is rare (3 bytes or more, no common word) into ``rare``; returns the count."""
    written = 0
    line = 0
    h = np.uint64(0xCBF29CE484222325)
    size = 0
    n = buf.shape[0]
    i = 0
    offsets[0] = 0
    while i <= n and line < n_lines:
        b0 = buf[i] if i < n else 10
        step = 1 if b0 < 0x80 else (2 if b0 < 0xE0 else (3 if b0 < 0xF0 else 4))
        cp = int(b0)
        if step == 2:
            cp = ((int(b0) & 0x1F) << 6) | (int(buf[i + 1]) & 0x3F)
        elif step == 3:
            cp = ((int(b0) & 0x0F) << 12) | ((int(buf[i + 1]) & 0x3F) << 6) | (int(buf[i + 2]) & 0x3F)
        elif step == 4:
            cp = 0x1F000
        if b0 != 10 and not _is_separator(cp):
            if size == 0:
                h = np.uint64(0xCBF29CE484222325)
            for k in range(step):
                h = (h ^ np.uint64(buf[i + k])) * np.uint64(0x100000001B3)
            size += step
        else:
            if size:
                out[written] = np.int64(h & np.uint64(mask))
                rare[written] = size >= 3 and not _contains(common, h)
                written += 1
                size = 0
            if b0 == 10:
                line += 1
                offsets[line] = written
        i += step
    while line < n_lines:
        line += 1
        offsets[line] = written
    return written


@dataclass(frozen=True)
class EncodedLines:
    """Lines (lower-cased) as one UTF-8 buffer, each ended by a newline: what the kernels read."""

    buf: np.ndarray  #: uint8
    starts: np.ndarray  #: byte offset of each line, and the end of the buffer

    @classmethod
    def of(cls, lowers: Sequence[str]) -> EncodedLines:
        buf = (np.frombuffer(("\n".join(lowers) + "\n").encode("utf-8", "surrogatepass"), np.uint8)
               if lowers else np.zeros(0, np.uint8))
        starts = np.zeros(len(lowers) + 1, np.int64)
        starts[1:] = np.flatnonzero(buf == 10) + 1
        return cls(buf, starts)

    def __len__(self) -> int:
        return len(self.starts) - 1


@dataclass(frozen=True)
class WordBuckets:
    """The words of a batch's lines as buckets: line ``i``'s are ``flat[offsets[i]:offsets[i + 1]]``;
    ``rare`` marks words of 3 bytes or more that are no common word."""

    flat: np.ndarray  #: int64
    offsets: np.ndarray  #: int64, a line's first word, and the total
    rare: np.ndarray  #: bool, per word


def token_buckets(lines: EncodedLines, buckets: int = TOKEN_BUCKETS) -> WordBuckets:
    """The word buckets of each line. Words are the common-word kernel's: runs of characters that
    are not punctuation, symbols or spaces."""
    flat = np.zeros(lines.buf.shape[0] // 2 + 1, np.int64)
    rare = np.zeros(flat.shape[0], np.bool_)
    offsets = np.zeros(len(lines) + 1, np.int64)
    written = (_bucket_kernel(lines.buf, len(lines), buckets - 1, _common_word_table(), flat, rare, offsets)
               if len(lines) else 0)
    return WordBuckets(flat[:written], offsets, rare[:written])


@njit(cache=True, nogil=True)
def _topic_kernel(flat: Any, rare: Any, offsets: Any, doc_lines: Any, prose: Any, counts: Any,
                  out: Any) -> None:
    """Per line: the share of its rare words that the running text of its document uses
    elsewhere, and their mean log count there (``counts``: zeros, one per bucket, left zero)."""
    for d in range(doc_lines.shape[0] - 1):
        first, last = doc_lines[d], doc_lines[d + 1]
        for line in range(first, last):  # count the running text's rare words
            if prose[line]:
                for k in range(offsets[line], offsets[line + 1]):
                    if rare[k]:
                        counts[flat[k]] += 1
        for line in range(first, last):
            own = 1 if prose[line] else 0
            found = shared = 0
            weight = 0.0
            for k in range(offsets[line], offsets[line + 1]):
                if rare[k]:
                    found += 1
                    c = counts[flat[k]]
                    if c > own:
                        shared += 1
                        weight += np.log(c - own)
            out[line, 0] = shared / found if found else -1.0
            out[line, 1] = weight / shared if shared else 0.0
        for line in range(first, last):  # clear what was counted
            if prose[line]:
                for k in range(offsets[line], offsets[line + 1]):
                    counts[flat[k]] = 0


def topic_features(words: WordBuckets, doc_lines: np.ndarray, prose: np.ndarray) -> np.ndarray:
    """``topic_share`` and ``topic_weight`` of each line of a batch: how much of its rare vocabulary
    the running text of its document shares. A menu, a related story's headline or a shop's
    product list speaks of other things than the article."""
    out = np.zeros((len(words.offsets) - 1, 2), np.float32)
    if len(out):
        _topic_kernel(words.flat, words.rare, words.offsets, doc_lines.astype(np.int64),
                      prose.astype(np.uint8), np.zeros(TOKEN_BUCKETS, np.int32), out)
    return out


def lexical_features(flat: np.ndarray, offsets: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per line: mean, minimum and maximum of its words' learned weights (log-odds of article text
    against chrome, see :mod:`dedupe.train.blocks`) and the share of words weighing over 1 either
    way; zeros for a line without words."""
    n = len(offsets) - 1
    out = np.zeros((n, 4), np.float32)
    if not n or offsets[-1] == offsets[0]:
        return out
    values = weights[flat[offsets[0]:offsets[-1]]].astype(np.float64)
    sizes = np.diff(offsets)
    has = sizes > 0
    starts = offsets[:-1][has] - offsets[0]
    out[has, 0] = np.add.reduceat(values, starts) / sizes[has]
    out[has, 1] = np.minimum.reduceat(values, starts)
    out[has, 2] = np.maximum.reduceat(values, starts)
    out[has, 3] = np.add.reduceat((np.abs(values) > 1.0).astype(np.float64), starts) / sizes[has]
    return out


def _fnv_bucket(word: str, buckets: int = TOKEN_BUCKETS) -> int:
    """The bucket :func:`token_buckets` gives ``word`` (lower-case, one word)."""
    h = 0xCBF29CE484222325
    for byte in word.encode("utf-8"):
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h & (buckets - 1)


def _word_class_table() -> np.ndarray:
    """Bit ``k`` of bucket ``b`` is set when a word of the ``k``-th class of
    :data:`~dedupe.clean.rules.COMMENTARY_WORDS` falls in ``b``."""
    table = np.zeros(TOKEN_BUCKETS, np.uint16)
    for bit, words in enumerate(COMMENTARY_WORDS.values()):
        for word in words.split():
            table[_fnv_bucket(word)] |= np.uint16(1 << bit)
    return table


WORD_CLASSES: Final = _word_class_table()
#: Columns of :data:`OWN_FEATURES` that :func:`word_class_features` fills, in its order.
WORD_CLASS_COLUMNS: Final = [OWN_FEATURES.index(f"words_{name}") for name in COMMENTARY_WORDS]


def word_class_features(flat: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Per line: the share of its words in each class of
    :data:`~dedupe.clean.rules.COMMENTARY_WORDS`."""
    n = len(offsets) - 1
    out = np.zeros((n, len(COMMENTARY_WORDS)), np.float32)
    if not n or offsets[-1] == offsets[0]:
        return out
    bits = WORD_CLASSES[flat[offsets[0]:offsets[-1]]]
    sizes = np.diff(offsets)
    has = sizes > 0
    starts = offsets[:-1][has] - offsets[0]
    for k in range(len(COMMENTARY_WORDS)):
        out[has, k] = np.add.reduceat(((bits >> k) & 1).astype(np.float64), starts) / sizes[has]
    return out


def feature_matrix(features: Sequence[LineFeatures]) -> np.ndarray:
    """The :class:`~dedupe.clean.line_features.LineFeatures` of a batch of lines as one float64 matrix,
    a column per field (exact: the fields are ints, bools and floats)."""
    width = len(LineFeatures._fields)
    # LineFeatures are tuples: one conversion for the batch.
    line = np.fromiter(itertools.chain.from_iterable(features), np.float64, len(features) * width)
    return line.reshape(-1, width)


def own_features(texts: Sequence[str], features: Sequence[LineFeatures] | np.ndarray) -> np.ndarray:
    """The :data:`OWN_FEATURES` matrix of a batch of lines, with the rule columns left at zero
    (``features``: the lines' features, or their :func:`feature_matrix`)."""
    out = np.zeros((len(texts), len(OWN_FEATURES)), np.float32)
    if not texts:
        return out
    codes = np.frombuffer("\n".join(texts).encode("utf-32-le", "surrogatepass"), np.uint32)
    shape = np.zeros((len(texts), 8), np.int64)
    _shape_kernel(codes, _SEPARATOR_CODES, shape)
    matrix = features if isinstance(features, np.ndarray) else feature_matrix(features)
    line = matrix.astype(np.float32)  # as converting the fields to float32 directly: same rounding
    field = {name: i for i, name in enumerate(LineFeatures._fields)}
    words = line[:, field["words"]]
    chars = shape[:, 0].astype(np.float32)
    raw_words = np.maximum(shape[:, 3], 1).astype(np.float32)
    out[:, _COL["log_words"]] = np.log1p(words)
    out[:, _COL["log_chars"]] = np.log1p(chars)
    for name in ("common_share", "terminal", "colon_end", "shouting", "has_url", "cjk", "prose",
                 "heading_like"):
        out[:, _COL[name]] = line[:, field[name]]
    out[:, _COL["emoji"]] = line[:, field["emoji"]] > 0
    out[:, _COL["digit_share"]] = shape[:, 1] / np.maximum(chars, 1)
    out[:, _COL["punct_share"]] = shape[:, 2] / np.maximum(chars, 1)
    out[:, _COL["capital_share"]] = shape[:, 4] / raw_words
    out[:, _COL["separators"]] = np.log1p(shape[:, 5])
    out[:, _COL["list_marker"]] = shape[:, 6]
    out[:, _COL["quoted"]] = shape[:, 7]
    out[:, _COL["question"]] = np.fromiter((t.endswith("?") for t in texts), np.float32, len(texts))
    return out


@njit(cache=True, nogil=True)
def document_words(own: Any, lo: int, hi: int, c_words: int, c_prose: int) -> tuple[Any, Any]:
    """The words of each block of the document at rows ``lo:hi`` of ``own`` (which holds their
    ``log1p``), and of those that read as running text (the kernels' per-page sums)."""
    words = np.expm1(own[lo:hi, c_words].astype(np.float64))
    return words, words * own[lo:hi, c_prose]


@njit(cache=True, nogil=True)
def _context_kernel(own: Any, starts: Any, neighbour_cols: Any, offsets: Any, window_cols: Any,
                    windows: Any, cols: Any, is_html: Any, out: Any) -> None:
    """Fill ``out`` (a row per block) with :data:`FEATURES`: the own columns, then neighbours,
    windows and page features, document by document (``starts``: first row of each document, and
    the total at the end)."""
    n_own = own.shape[1]
    c_words, c_prose, c_main, c_score = cols[0], cols[1], cols[2], cols[3]
    for d in range(starts.shape[0] - 1):
        lo, hi = starts[d], starts[d + 1]
        n = hi - lo
        if n == 0:
            continue
        words, prose_words = document_words(own, lo, hi, c_words, c_prose)
        total_words = max(words.sum(), 1.0)
        total_prose = max(prose_words.sum(), 1.0)
        main_lo, main_hi = -1, -1
        for i in range(n):
            if own[lo + i, c_main] > 0:
                if main_lo < 0:
                    main_lo = i
                main_hi = i + 1
        main_words = 0.0
        if main_lo >= 0:
            main_words = words[main_lo:main_hi].sum()
        before_words = 0.0
        before_prose = 0.0
        for i in range(n):
            row = lo + i
            col = 0
            for k in range(n_own):
                out[row, col] = own[row, k]
                col += 1
            for o in range(offsets.shape[0]):
                j = i + offsets[o]
                for c in range(neighbour_cols.shape[0]):
                    out[row, col] = own[lo + j, neighbour_cols[c]] if 0 <= j < n else -1.0
                    col += 1
            for w in range(windows.shape[0]):
                a, b = max(0, i - windows[w]), min(n, i + windows[w] + 1)
                count = b - a - 1
                for c in range(window_cols.shape[0]):
                    if count <= 0:
                        out[row, col] = -1.0
                    else:
                        total = 0.0
                        for j in range(a, b):
                            if j != i:
                                total += own[lo + j, window_cols[c]]
                        out[row, col] = total / count
                    col += 1
            out[row, col] = i / max(n - 1, 1)
            out[row, col + 1] = before_words / total_words
            out[row, col + 2] = before_prose / total_prose
            out[row, col + 3] = (total_prose - before_prose - prose_words[i]) / total_prose
            if main_lo >= 0:
                out[row, col + 4] = (i - main_lo) / n
                out[row, col + 5] = (i - main_hi + 1) / n
            else:
                out[row, col + 4] = -2.0
                out[row, col + 5] = -2.0
            out[row, col + 6] = np.log1p(n)
            out[row, col + 7] = np.log1p(total_words)
            out[row, col + 8] = total_prose / total_words
            out[row, col + 9] = main_words / total_words
            out[row, col + 10] = is_html[d]
            before_words += words[i]
            before_prose += prose_words[i]
        _ = c_score


_NEIGHBOUR_COLS: Final = np.array([_COL[c] for c in NEIGHBOUR_OF], np.int64)
_WINDOW_COLS: Final = np.array([_COL[c] for c in WINDOW_OF], np.int64)
_KEY_COLS: Final = np.array([_COL["log_words"], _COL["prose"], _COL["body_main"], _COL["body_score"]],
                            np.int64)


def page_features(own: np.ndarray, starts: np.ndarray, is_html: np.ndarray) -> np.ndarray:
    """The :data:`FEATURES` matrix of a batch: ``own`` (:data:`OWN_FEATURES`, rules filled in),
    ``starts`` the first row of each document and the number of rows at the end, ``is_html`` per
    document."""
    out = np.zeros((own.shape[0], len(FEATURES)), np.float32)
    _context_kernel(own, starts.astype(np.int64), _NEIGHBOUR_COLS, np.array(OFFSETS, np.int64),
                    _WINDOW_COLS, np.array(WINDOWS, np.int64), _KEY_COLS,
                    is_html.astype(np.float32), out)
    return out
