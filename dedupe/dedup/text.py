"""Normal forms of a block for duplicate detection: exact keys and shingle text.

Numbers are content (scores, prices, dates, table rows): they stay in both forms, digit for digit.

>>> exact_key("Prices rose 3.5% on Monday!") == exact_key("prices  rose 3 5 % on monday")
True
>>> exact_key("Prices rose 3.5% on Monday!") == exact_key("Prices rose 7.1% on Monday!")
False
>>> shingle_text("“Don’t come here,” he said.")
'don t come here he said'
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import xxhash
from numba import njit

from dedupe.codepoints import SPACES_ABOVE_ASCII, in_sorted

#: Version of :func:`exact_form`, part of the stored index's layout: exact keys of two versions are
#: not comparable. 1 folded every run of digits into ``0``; 2 keeps digits as they are.
EXACT_FORM_VERSION: Final = 2

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
    """Case, whitespace and punctuation folded, every digit kept: two blocks with this form equal
    are copies.

    It is :func:`shingle_text`: the words, lower-cased, joined by single spaces. Digits are word
    characters (of any script, unchanged), so different numbers are different texts. A decimal
    point or a thousands separator is punctuation like any other: it becomes the space between two
    digit runs. So "3.5" is "3 5" (a copy of "3,5" or "3 5", never of "35" or "3.6"), and "1,000"
    is "1 000", not "1000".

    >>> exact_form("84 minutes: Luton 2 Villa 2"), exact_form("95 minutes: Luton 2 Villa 3")
    ('84 minutes luton 2 villa 2', '95 minutes luton 2 villa 3')
    >>> exact_form("Up 3.5% to £1,000."), exact_form("UP 3,5 %  TO £1 000"), exact_form("Up 35% to £1000.")
    ('up 3 5 to 1 000', 'up 3 5 to 1 000', 'up 35 to 1000')
    >>> exact_form("Row ٣ costs ４.99")  # Arabic-Indic and full-width digits stay as written
    'row ٣ costs ４ 99'
    """
    return " ".join(normalise(text).split())


def exact_key(text: str) -> int:
    """63-bit xxh3 of :func:`exact_form` (fits a signed int64 column)."""
    return exact_key_of_form(exact_form(text))


def exact_key_of_form(form: str) -> int:
    """:func:`exact_key` of a text given as its :func:`exact_form`."""
    return xxhash.xxh3_64_intdigest(form.encode("utf-8", "surrogatepass")) >> 1


#: Spaces to ``str.split`` that :func:`normalise` leaves besides " " (every other one, ASCII ones
#: included, is a separator).
_SPACES_LEFT: Final = SPACES_ABOVE_ASCII[~np.isin(SPACES_ABOVE_ASCII, list(SEPARATORS))]


@njit(cache=True, nogil=True)
def _exact_forms_kernel(codes: Any, other_spaces: Any, out: Any, n_words: Any) -> int:
    """Write the exact forms of the lines of ``codes`` to ``out`` (newline-separated) and their
    word counts to ``n_words``; return the length written. ``other_spaces``: the non-ASCII code
    points of ``codes`` that ``str.split`` splits at, sorted."""
    written = line = words = 0
    in_word = space_pending = False
    for i in range(codes.shape[0]):
        c = codes[i]
        if c == 0x0A:
            out[written] = c
            written += 1
            n_words[line] = words
            line += 1
            words = 0
            in_word = space_pending = False
            continue
        if c == 0x20 or (c > 0x7F and in_sorted(other_spaces, c)):
            space_pending = space_pending or in_word  # one space, and only between words
            in_word = False
            continue
        if not in_word:
            words += 1
            in_word = True
            if space_pending:
                out[written] = 0x20
                written += 1
                space_pending = False
        out[written] = c  # every other character as it is: letters, digits, any script
        written += 1
    n_words[line] = words
    return written


def exact_forms(normalised: str) -> tuple[list[str], np.ndarray]:
    """:func:`exact_form` and word count of each line of a :func:`normalise_batch` result, in one
    compiled pass over its code points (a split and a join per line cost five times as much).

    >>> exact_forms("  84 minutes  luton 2 villa 2 \\nprices rose 3 5 on 12 june\\n")
    (['84 minutes luton 2 villa 2', 'prices rose 3 5 on 12 june', ''], array([6, 7, 0]))
    """
    codes = np.frombuffer(normalised.encode("utf-32-le", "surrogatepass"), np.uint32)
    other_spaces = np.intersect1d(codes[codes > 0x7F], _SPACES_LEFT)  # the few outside ASCII
    out = np.empty(len(codes), np.uint32)
    n_words = np.zeros(normalised.count("\n") + 1, np.int64)
    written = _exact_forms_kernel(codes, other_spaces, out, n_words)
    return out[:written].tobytes().decode("utf-32-le", "surrogatepass").split("\n"), n_words
