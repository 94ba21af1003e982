"""Normal forms of a block for duplicate detection: exact keys and shingle text.

>>> exact_key("Prices rose 3.5% on Monday!") == exact_key("prices  rose 7.1 % on monday")
True
>>> shingle_text("“Don’t come here,” he said.")
'don t come here he said'
"""

from __future__ import annotations

import re
from typing import Any, Final

import numpy as np
import xxhash
from numba import njit

from dedupe.codepoints import SPACES_ABOVE_ASCII, in_sorted

_DIGITS: Final = re.compile(r"\d+")

#: Characters that separate words: ASCII punctuation and controls, Latin-1 punctuation, general
#: punctuation (quotes, dashes, special spaces), CJK and full-width punctuation. Everything else
#: is part of a word. A translation table (one C pass) rather than a regex: 40x faster.
SEPARATORS: Final = frozenset(
    [*range(0x00, 0x30), *range(0x3A, 0x41), *range(0x5B, 0x61), *range(0x7B, 0xC0), 0xD7, 0xF7,
     *range(0x2000, 0x2070), *range(0x3000, 0x3040), *range(0xFF00, 0xFF10), *range(0xFF1A, 0xFF21),
     *range(0xFF3B, 0xFF41), *range(0xFF5B, 0xFF66)]
)
_TO_SPACE: Final = dict.fromkeys(SEPARATORS, " ")
#: The same, keeping newlines (they separate the texts of a batch, see :func:`normalise_batch`).
_TO_SPACE_KEEP_NEWLINES: Final = {c: v for c, v in _TO_SPACE.items() if c != 0x0A}


def normalise(text: str) -> str:
    """``text`` lower-cased with every separator turned into a space (words are what is left)."""
    return text.lower().translate(_TO_SPACE)


def normalise_batch(texts: list[str] | tuple[str, ...]) -> str:
    """:func:`normalise` of each text, joined by newlines, in one pass (newlines inside a text
    become spaces first)."""
    return "\n".join(t.replace("\n", " ") for t in texts).lower().translate(_TO_SPACE_KEEP_NEWLINES)


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (runs of non-separator characters, any script)."""
    return normalise(text).split()


def shingle_text(text: str) -> str:
    """The words of ``text`` lower-cased and joined by single spaces: what shingles are cut from."""
    return " ".join(words(text))


def exact_form(text: str) -> str:
    """Case, whitespace, punctuation and digits folded: two blocks with this form equal are copies."""
    return " ".join(fold_digits(normalise(text)).split())


def exact_key(text: str) -> int:
    """63-bit xxh3 of :func:`exact_form` (fits a signed int64 column)."""
    return exact_key_of_form(exact_form(text))


def fold_digits(text: str) -> str:
    """Every run of digits as one ``0`` (digits are word characters: words stay words)."""
    return _DIGITS.sub("0", text)


def exact_key_of_form(form: str) -> int:
    """:func:`exact_key` of a text given as its :func:`exact_form`."""
    return xxhash.xxh3_64_intdigest(form.encode("utf-8", "surrogatepass")) >> 1


#: Spaces to ``str.split`` that :func:`normalise` leaves besides " " (every other one, ASCII ones
#: included, is a separator).
_SPACES_LEFT: Final = SPACES_ABOVE_ASCII[~np.isin(SPACES_ABOVE_ASCII, list(SEPARATORS))]


@njit(cache=True, nogil=True)
def _exact_forms_kernel(codes: Any, other_digits: Any, other_spaces: Any, out: Any, n_words: Any) -> int:
    """Write the exact forms of the lines of ``codes`` to ``out`` (newline-separated) and their
    word counts to ``n_words``; return the length written. ``other_*``: the non-ASCII code points
    of ``codes`` that are digits or spaces, sorted."""
    written = line = words = 0
    in_word = space_pending = in_digits = False
    for i in range(codes.shape[0]):
        c = codes[i]
        if c == 0x0A:
            out[written] = c
            written += 1
            n_words[line] = words
            line += 1
            words = 0
            in_word = space_pending = in_digits = False
            continue
        if c == 0x20 or (c > 0x7F and in_sorted(other_spaces, c)):
            space_pending = space_pending or in_word  # one space, and only between words
            in_word = in_digits = False
            continue
        if not in_word:
            words += 1
            in_word = True
            if space_pending:
                out[written] = 0x20
                written += 1
                space_pending = False
        if 0x30 <= c <= 0x39 or (c > 0x7F and in_sorted(other_digits, c)):
            if not in_digits:  # a run of digits is one "0"
                out[written] = 0x30
                written += 1
            in_digits = True
        else:
            out[written] = c
            written += 1
            in_digits = False
    n_words[line] = words
    return written


def exact_forms(normalised: str) -> tuple[list[str], np.ndarray]:
    """:func:`exact_form` and word count of each line of a :func:`normalise_batch` result, in one
    compiled pass over its code points (a regex and a split per line cost twice as much).

    >>> exact_forms("  prices rose 3 5 on 12 june  \\nno digits here\\n")
    (['prices rose 0 0 on 0 june', 'no digits here', ''], array([7, 3, 0]))
    """
    codes = np.frombuffer(normalised.encode("utf-32-le", "surrogatepass"), np.uint32)
    others = np.unique(codes[codes > 0x7F])  # the few code points outside ASCII
    other_digits = np.array([c for c in others.tolist() if chr(c).isdecimal()], np.uint32)
    out = np.empty(len(codes), np.uint32)
    n_words = np.zeros(normalised.count("\n") + 1, np.int64)
    written = _exact_forms_kernel(codes, other_digits, np.intersect1d(others, _SPACES_LEFT), out, n_words)
    return out[:written].tobytes().decode("utf-32-le", "surrogatepass").split("\n"), n_words
