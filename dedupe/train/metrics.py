"""The extraction benchmarks' word metric: bag-of-words precision, recall and F1 against the truth.

Tokens are ``\\w+`` runs, lower-cased; a page's figures compare the multisets of its kept text and
of its truth; a set's figures average the pages. Used by the training command (to choose the
model's threshold and to write its card) and by ``benchmarks/cleaning.py``.

>>> p, r, f = word_prf("the council voted", "The council voted on Thursday")
>>> round(p, 2), round(r, 2), round(f, 2)
(1.0, 0.6, 0.75)
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Mapping
from typing import Final

_WORD: Final = re.compile(r"\w+")
#: A page is a catastrophe when its F1 ends this far below the F1 of its text kept as is.
CATASTROPHE_DROP: Final = 0.1


def bag(text: str) -> Counter[str]:
    """The multiset of lower-cased ``\\w+`` tokens of ``text``."""
    return Counter(_WORD.findall(text.lower()))


def prf_of_bags(ours: Counter[str], truth: Counter[str]) -> tuple[float, float, float]:
    """Precision, recall and F1 of two bags (an empty side scores 0, both empty 1)."""
    if not ours or not truth:
        return (1.0, 1.0, 1.0) if not ours and not truth else (0.0, 0.0, 0.0)
    hit = sum((ours & truth).values())
    p, r = hit / sum(ours.values()), hit / sum(truth.values())
    return p, r, (2 * p * r / (p + r) if hit else 0.0)


def word_prf(ours: str, truth: str) -> tuple[float, float, float]:
    """Bag-of-words precision, recall and F1 of ``ours`` against ``truth``."""
    return prf_of_bags(bag(ours), bag(truth))


def summarise(scores: Mapping[str, tuple[float, float, float]],
              baseline: Mapping[str, tuple[float, float, float]] | None = None) -> dict[str, float]:
    """Mean P, R, F1 over pages, and the catastrophes: pages more than :data:`CATASTROPHE_DROP`
    below their ``baseline`` F1 (the text kept as is)."""
    out = {k: statistics.fmean(s[i] for s in scores.values()) if scores else 0.0
           for i, k in enumerate(("P", "R", "F1"))}
    out["pages"] = float(len(scores))
    if baseline is not None:
        out["catastrophes"] = float(sum(s[2] < baseline[page][2] - CATASTROPHE_DROP
                                        for page, s in scores.items()))
    return out
