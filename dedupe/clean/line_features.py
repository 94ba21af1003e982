"""Line features in the spirit of jusText: length, common-word share, sentence ends, links, emoji.

The common words are the union of jusText's stop-word lists (100 languages, shipped with
trafilatura's dependency ``justext``). Running text in any language is made mostly of such words;
menus, headline lists and credits are made of names and rare words. One language-agnostic list
needs no per-document language detection (which cost more than the rest of the cleaning and
measured worse on the evaluation pages, see the README).

The features of a whole document are computed in one pass of a compiled kernel over its
lower-cased UTF-8 bytes (:func:`line_features_batch`): cleaning runs on every line of every page.

>>> f = line_features("The council voted on Thursday to open a second ferry route.")
>>> (f.words, f.terminal, f.prose)
(11, True, True)
>>> line_features("Privacy Policy").prose
False
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, NamedTuple

import justext
import numpy as np
from numba import njit

#: Confirms a URL where the kernel saw a hint of one ("://", "www.", ".com"...).
_URL: Final = re.compile(r"https?://|www\.\w|\w\.(com|org|net|co\.uk|gov|edu)\b", re.IGNORECASE)
#: Characters per "word" for CJK, kana and Hangul, written without spaces between words.
CJK_CHARS_PER_WORD: Final = 2.0


def common_words() -> frozenset[str]:
    """Words of any of jusText's 100 stop-word lists (~150k words; the kernel keeps only their
    hashes, see :func:`_common_word_table`)."""
    return frozenset().union(*(justext.get_stoplist(lang) for lang in justext.get_stoplists()))


@lru_cache(maxsize=1)
def _common_word_table() -> np.ndarray:
    """Open-addressing hash set of the common words' FNV-1a hashes (0 marks an empty slot), for
    one-probe look-ups inside the kernel.

    Built once per machine and kept in the user's cache folder, then mapped read-only by every
    process: building it costs each worker 0.4 s and ~80 MB it never gives back.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dedupe"
    path = cache / f"common-words-{getattr(justext, '__version__', 'x')}-v1.npy"
    with contextlib.suppress(OSError, ValueError):
        cached: np.ndarray = np.load(path, mmap_mode="r")
        return cached
    table = _build_common_word_table()
    with contextlib.suppress(OSError):
        cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, table)
        os.replace(tmp, path)  # atomic: a concurrent reader sees the whole file or none
    return table


def _build_common_word_table() -> np.ndarray:
    words = common_words()
    table = np.zeros(1 << max(4, (4 * len(words)).bit_length()), dtype=np.uint64)  # load under 1/4
    _fill_table(np.frombuffer("\n".join(words).encode("utf-8") + b"\n", dtype=np.uint8), table)
    return table


@njit(cache=True, nogil=True)
def _fill_table(buf: Any, table: Any) -> None:
    """Insert the FNV-1a hash of every newline-terminated word of ``buf`` into ``table``."""
    mask = np.uint64(table.shape[0] - 1)
    h = np.uint64(0xCBF29CE484222325)
    for i in range(buf.shape[0]):
        byte = buf[i]
        if byte != 10:
            h = (h ^ np.uint64(byte)) * np.uint64(0x100000001B3)
            continue
        if h != 0:
            slot = h & mask
            while table[slot] != 0 and table[slot] != h:
                slot = (slot + np.uint64(1)) & mask
            table[slot] = h
        h = np.uint64(0xCBF29CE484222325)


@njit(cache=True, nogil=True)
def _is_separator(cp: int) -> bool:
    """Code points that are not part of a word (punctuation, symbols, spaces), as for ``\\W``."""
    if cp < 0x80:
        return not ((0x61 <= cp <= 0x7A) or (0x30 <= cp <= 0x39) or cp == 0x5F or (0x41 <= cp <= 0x5A))
    return ((0x80 <= cp <= 0xBF) or cp == 0xD7 or cp == 0xF7 or (0x2000 <= cp <= 0x2BFF)
            or (0x3000 <= cp <= 0x303F) or (0xFF00 <= cp <= 0xFF0F) or (0xFF1A <= cp <= 0xFF20)
            or (0xFF3B <= cp <= 0xFF40) or (0xFF5B <= cp <= 0xFF65) or (0x1F000 <= cp <= 0x1FAFF)
            or (0xFE00 <= cp <= 0xFE0F) or cp == 0x200D)


@njit(cache=True, nogil=True)
def _is_cjk(cp: int) -> bool:
    return ((0x3040 <= cp <= 0x30FF) or (0x3400 <= cp <= 0x4DBF) or (0x4E00 <= cp <= 0x9FFF)
            or (0xAC00 <= cp <= 0xD7AF) or (0xF900 <= cp <= 0xFAFF))


@njit(cache=True, nogil=True)
def _is_emoji(cp: int) -> bool:
    return (0x1F300 <= cp <= 0x1FAFF) or (0x2600 <= cp <= 0x27BF) or (0x1F000 <= cp <= 0x1F2FF)


@njit(cache=True, nogil=True)
def _url_hint(cp: int, a: int, b: int, c: int) -> bool:
    """``://``, ``www.`` or ``.com``/``.org``/``.net``/``.gov``/``.edu``/``.co.`` at this
    character: worth the exact URL pattern."""
    if cp == 0x3A:
        return a == 0x2F and b == 0x2F
    if cp == 0x77:
        return a == 0x77 and b == 0x77 and c == 0x2E
    if cp != 0x2E:
        return False
    return ((a == 0x63 and b == 0x6F and (c == 0x6D or c == 0x2E)) or (a == 0x6F and b == 0x72 and c == 0x67)
            or (a == 0x6E and b == 0x65 and c == 0x74) or (a == 0x67 and b == 0x6F and c == 0x76)
            or (a == 0x65 and b == 0x64 and c == 0x75))


@njit(cache=True, nogil=True)
def _contains(table: Any, h: Any) -> bool:
    mask = np.uint64(table.shape[0] - 1)
    slot = h & mask
    while table[slot] != 0:
        if table[slot] == h:
            return True
        slot = (slot + np.uint64(1)) & mask
    return False


@njit(cache=True, nogil=True)
def _features(buf: Any, common: Any, out: Any) -> None:
    """Per line of ``buf`` (lower-cased UTF-8, lines separated by newlines), into ``out[line]``:
    words (non-CJK), common words among them, CJK characters, emoji, sentence end (1), colon end
    (1), URL hint (1)."""
    n = buf.shape[0]
    line = 0
    i = 0
    while i <= n and line < out.shape[0]:
        words = 0
        common_hits = 0
        cjk = 0
        emoji = 0
        last = 0  # last code point that is not a space or a closing quote/bracket
        in_word = False
        h = np.uint64(0xCBF29CE484222325)
        url = 0
        while i < n and buf[i] != 10:
            b0 = buf[i]
            if b0 < 0x80:
                cp = int(b0)
                size = 1
            elif b0 < 0xE0:
                cp = ((int(b0) & 0x1F) << 6) | (int(buf[i + 1]) & 0x3F)
                size = 2
            elif b0 < 0xF0:
                cp = ((int(b0) & 0x0F) << 12) | ((int(buf[i + 1]) & 0x3F) << 6) | (int(buf[i + 2]) & 0x3F)
                size = 3
            else:
                cp = (((int(b0) & 0x07) << 18) | ((int(buf[i + 1]) & 0x3F) << 12)
                      | ((int(buf[i + 2]) & 0x3F) << 6) | (int(buf[i + 3]) & 0x3F))
                size = 4
            if i + 3 < n and _url_hint(cp, buf[i + 1], buf[i + 2], buf[i + 3]):
                url = 1
            cjk_char = _is_cjk(cp)
            if cjk_char or _is_separator(cp):
                # A CJK character is counted on its own; any other non-word character ends a word.
                if cjk_char:
                    cjk += 1
                elif _is_emoji(cp):
                    emoji += 1
                if in_word:
                    words += 1
                    if _contains(common, h):
                        common_hits += 1
                    in_word = False
            else:
                if not in_word:
                    in_word = True
                    h = np.uint64(0xCBF29CE484222325)
                for k in range(size):
                    h = (h ^ np.uint64(buf[i + k])) * np.uint64(0x100000001B3)
            # Spaces and closing quotes or brackets do not hide the sentence end before them.
            if not (cp == 0x20 or cp == 0x09 or cp == 0x22 or cp == 0x27 or cp == 0x29 or cp == 0x5D
                    or cp == 0x2019 or cp == 0x201D or cp == 0xBB or cp == 0x300D or cp == 0x300F):
                last = cp
            i += size
        if in_word:
            words += 1
            if _contains(common, h):
                common_hits += 1
        out[line, 0] = words
        out[line, 1] = common_hits
        out[line, 2] = cjk
        out[line, 3] = emoji
        out[line, 4] = 1 if (last == 0x2E or last == 0x21 or last == 0x3F or last == 0x2026
                             or last == 0x3002 or last == 0xFF01 or last == 0xFF1F) else 0
        out[line, 5] = 1 if (last == 0x3A or last == 0xFF1A) else 0
        out[line, 6] = url
        line += 1
        i += 1


class LineFeatures(NamedTuple):
    words: int  #: word count (CJK characters count as half a word each)
    stop_ratio: float  #: share of words that are common words of some language
    terminal: bool  #: ends like a sentence
    colon_end: bool  #: ends with a colon: a heading ("Summary:") or a sentence introducing a list
    shouting: bool  #: every cased letter is a capital
    has_url: bool
    emoji: int
    cjk: bool
    prose: bool  #: reads like running text (see :func:`is_prose`)
    heading_like: bool  #: short, without a sentence end: a heading, a menu item, a label
    common_share: float  #: share of words that are common words, at any length (the block model's)


def is_prose(words: int, stop_ratio: float, terminal: bool, colon_end: bool, shouting: bool,
             cjk: bool) -> bool:
    """Reads like a sentence of running text (the body of an article is made of these)."""
    if cjk:
        return words >= 10 and terminal
    if words >= 25 and stop_ratio >= 0.15:
        return True
    ends = terminal or (colon_end and words >= 10)
    return words >= 8 and ends and stop_ratio >= 0.2 and not shouting


def line_features_batch(texts: Sequence[str], lowers: Sequence[str] | None = None,
                        buf: np.ndarray | None = None) -> list[LineFeatures]:
    """Features of each (trimmed) line, computed together in one compiled pass; ``lowers``, the
    lines lower-cased, and ``buf``, those joined by newlines as UTF-8 (``surrogatepass``), when
    the caller has them already."""
    if not texts:
        return []
    if buf is None:
        joined = "\n".join(lowers) if lowers is not None else "\n".join(texts).lower()
        buf = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    out = np.zeros((len(texts), 7), dtype=np.int64)
    _features(buf, _common_word_table(), out)
    # The rest as column operations (the same arithmetic as is_prose, in float64 like Python's).
    words, common_hits, cjk_chars, emoji, terminal, colon_end, url = out.T
    cjk = cjk_chars > 0.3 * np.fromiter(map(len, texts), np.int64, len(texts))
    n_words = np.where(cjk, (cjk_chars / CJK_CHARS_PER_WORD).astype(np.int64) + words, words)
    has_words = np.maximum(words, 1)
    # The common-word share only matters for lines long enough to be prose.
    stop_ratio = np.where(words >= 8, common_hits / has_words, 0.0)
    common_share = np.where(words > 0, common_hits / has_words, 0.0)
    ends, colon = terminal == 1, colon_end == 1
    shouting = np.fromiter(map(str.isupper, texts), np.bool_, len(texts))
    has_url = url == 1
    for i in np.flatnonzero(has_url).tolist():
        has_url[i] = _URL.search(texts[i]) is not None
    sentence = (n_words >= 8) & (ends | (colon & (n_words >= 10))) & (stop_ratio >= 0.2) & ~shouting
    prose = np.where(cjk, (n_words >= 10) & ends, ((n_words >= 25) & (stop_ratio >= 0.15)) | sentence)
    heading_like = (n_words >= 1) & (n_words <= 15) & ~ends
    columns = (n_words, stop_ratio, ends, colon, shouting, has_url, emoji, cjk, prose, heading_like,
               common_share)
    # tuple.__new__ builds each LineFeatures without a Python-level call per line.
    features: list[LineFeatures] = list(map(tuple.__new__, itertools.repeat(LineFeatures),
                                            zip(*(c.tolist() for c in columns), strict=True)))
    return features


def line_features(text: str) -> LineFeatures:
    """Features of one (trimmed) line; :func:`line_features_batch` for many."""
    return line_features_batch([text])[0]
