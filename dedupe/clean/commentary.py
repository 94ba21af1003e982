"""AI padding judged by its content: commentary about the story, not the story.

Templates bolt machine-written sections onto articles: a summary, an "analysis" of the story's
intent, questions and answers, tips, a call to action. Their headings vary without end, and
newsrooms use the same headings for real sections ("Key Takeaways", "FAQ", "Why It Matters"), so
a heading only *proposes* a section. What decides is the text: the padding model
(:mod:`dedupe.clean.model`, trained by :mod:`dedupe.train.padding`) gives every block still taken
for article text the probability that it is commentary about the story — it talks about "the
article" and "readers", hedges, judges, sums up, advises, abstracts, and reuses the story's names
and numbers without adding its own — from :data:`PADDING_FEATURES`: the block's word classes
(:data:`~dedupe.clean.rules.COMMENTARY_WORDS`, :data:`~dedupe.clean.rules.COMMENTARY_PHRASES`),
the same over its neighbours and over its section (heading to heading), the facts it adds
(:func:`~dedupe.clean.context.fact_features`), how much of its rare vocabulary the page's running
text shares, its shape and its place in the page.

:func:`padding_runs` turns the probabilities into decisions, per document: runs of likely blocks
whose mean reaches the model's threshold, ended where the story resumes; padding takes most of a
page's article text only where the model is sure. (Sections under template headings the rules are
sure of are the cleaner's, :meth:`dedupe.clean.cleaner._Labeller.padding`.)

>>> padding_runs([0.01, 0.9, 0.95, 0.92, 0.01, 0.01], [60, 15, 20, 15, 60, 60], [True] * 6, threshold=0.5)
[(1, 4)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
from numba import njit

from dedupe.clean.context import FACT_FEATURES, OWN_FEATURES, document_words
from dedupe.clean.rules import COMMENTARY_WORDS

_CLASSES: Final = (*(f"words_{name}" for name in COMMENTARY_WORDS), "lex_mean", "commentary_phrases",
                   "new_facts")
#: The block's own columns: OWN_FEATURES, then :func:`~dedupe.clean.context.fact_features`.
_OWN: Final = (*OWN_FEATURES, *FACT_FEATURES)
#: The block's own columns the padding model reads.
OWN_COLUMNS_USED: Final = (
    "log_words", "terminal", "colon_end", "heading_like", "question", "list_marker", "capital_share",
    "digit_share", "quoted", "common_share", "topic_share", "topic_weight", "prose", "padding_heading",
    "site_chrome", "lex_min", "lex_max", "lex_strong", "fact_novelty", *_CLASSES,
)
PADDING_FEATURES: Final = (
    *OWN_COLUMNS_USED,
    *(f"{c}~2" for c in _CLASSES),  # word-weighted over the block and two neighbours each side
    *(f"{c}~section" for c in _CLASSES),  # over the section (heading to heading), the block included
    "section_log_words", "section_blocks", "section_heading_padding", "section_heading_site_chrome",
    "position", "prose_before", "prose_after",
)
_OWN_INDEX: Final = np.array([_OWN.index(c) for c in OWN_COLUMNS_USED], np.int64)
_CLASS_INDEX: Final = np.array([_OWN.index(c) for c in _CLASSES], np.int64)
_KEY_INDEX: Final = np.array([_OWN.index(c) for c in (
    "log_words", "heading_like", "prose", "padding_heading", "site_chrome")], np.int64)


@njit(cache=True, nogil=True)
def _padding_kernel(own: Any, starts: Any, own_index: Any, class_index: Any, key_index: Any,
                    out: Any) -> None:
    c_words, c_heading, c_prose, c_padding, c_site = (key_index[0], key_index[1], key_index[2],
                                                      key_index[3], key_index[4])
    n_classes = class_index.shape[0]
    n_own = own_index.shape[0]
    sums = np.zeros(n_classes)
    for d in range(starts.shape[0] - 1):
        lo, hi = starts[d], starts[d + 1]
        n = hi - lo
        if n == 0:
            continue
        words, prose_words = document_words(own, lo, hi, c_words, c_prose)
        total_prose = max(prose_words.sum(), 1.0)
        # Sections: from a heading-like block to the next one.
        section = np.zeros(n, np.int64)
        current = 0
        for i in range(n):
            if own[lo + i, c_heading] > 0 and i > 0:
                current = i
            section[i] = current
        before = 0.0
        i = 0
        while i < n:
            start = section[i]
            end = i
            while end < n and section[end] == start:
                end += 1
            # This section's sums.
            for k in range(n_classes):
                sums[k] = 0.0
            section_words = 0.0
            for j in range(start, end):
                section_words += words[j]
                for k in range(n_classes):
                    sums[k] += own[lo + j, class_index[k]] * words[j]
            for j in range(start, end):
                row = lo + j
                col = 0
                for k in range(n_own):
                    out[row, col] = own[row, own_index[k]]
                    col += 1
                a, b = max(0, j - 2), min(n, j + 3)
                near_words = 0.0
                for m in range(a, b):
                    near_words += words[m]
                for k in range(n_classes):
                    total = 0.0
                    for m in range(a, b):
                        total += own[lo + m, class_index[k]] * words[m]
                    out[row, col] = total / near_words if near_words > 0 else 0.0
                    col += 1
                for k in range(n_classes):
                    out[row, col] = sums[k] / section_words if section_words > 0 else 0.0
                    col += 1
                out[row, col] = np.log1p(section_words)
                out[row, col + 1] = np.log1p(end - start)
                out[row, col + 2] = own[lo + start, c_padding]
                out[row, col + 3] = own[lo + start, c_site]
                out[row, col + 4] = j / max(n - 1, 1)
                out[row, col + 5] = before / total_prose
                out[row, col + 6] = (total_prose - before - prose_words[j]) / total_prose
                before += prose_words[j]
            i = end


def padding_features(own: np.ndarray, starts: np.ndarray, facts: np.ndarray) -> np.ndarray:
    """The :data:`PADDING_FEATURES` of a batch, from its :data:`~dedupe.clean.context.OWN_FEATURES`
    and :data:`~dedupe.clean.context.FACT_FEATURES` (``starts``: the first row of each document,
    and the total)."""
    out = np.zeros((own.shape[0], len(PADDING_FEATURES)), np.float32)
    _padding_kernel(np.hstack([own, facts]).astype(np.float32), starts.astype(np.int64), _OWN_INDEX,
                    _CLASS_INDEX, _KEY_INDEX, out)
    return out


#: A section opened by a template heading the rules are sure of is padding when the padding
#: model's word-weighted mean over it reaches this (the heading is the prior; article text under
#: such a heading averages under 0.05).
TEMPLATE_SECTION_BAR: Final = 0.2
#: Blocks at least this likely padding form a run (:func:`padding_runs`). Chosen with the threshold
#: on the training families' out-of-fold decisions: the most padding removed with 0.5 % of the
#: article lost (0.05: 86.8 %, 0.1: 88.1 %, 0.2: 89.9 %, 0.3: 89.5 %).
RUN_MEMBER: Final = 0.2
#: A run is padding from this many words of likely blocks on (a line alone is not enough: a
#: correction note, a sub-heading).
RUN_MIN_WORDS: Final = 20
#: Shorter blocks neither end a run nor count for it: a sub-heading, a menu line the block model
#: left.
PASSED_OVER_WORDS: Final = 8
#: Padding may take most of a page's article text only with runs judged this sure...
SURE_ABOVE: Final = 0.9
#: ...beyond this share of its article words.
MOST: Final = 0.5


def padding_probabilities(model: Any, x: np.ndarray, article: np.ndarray) -> np.ndarray:
    """The padding model's probability for every block of a batch (``x``: its
    :data:`PADDING_FEATURES`); 0 outside ``article``, the blocks taken for article text."""
    out = np.zeros(len(x))
    rows = np.flatnonzero(article)
    if len(rows):
        out[rows] = model.predict(x[rows])
    return out


def padding_runs(probabilities: Sequence[float], words: Sequence[float], article: Sequence[bool],
                 threshold: float) -> list[tuple[int, int]]:
    """The ``[start, end)`` runs of one document's blocks that are padding.

    A run is made of article blocks at least :data:`RUN_MEMBER` likely; blocks not taken for
    article text are passed over, and so are short ones (under :data:`PASSED_OVER_WORDS` words: a
    sub-heading, a menu line left by the block model) whatever their probability. A longer block
    under :data:`RUN_MEMBER` ends the run: the story resumes. A run is padding when its
    word-weighted mean reaches ``threshold`` and it holds :data:`RUN_MIN_WORDS` words of likely
    blocks. No catastrophe: beyond :data:`MOST` of the page's article words, only runs judged
    :data:`SURE_ABOVE` are taken.
    """
    n = len(probabilities)
    runs: list[tuple[int, int, float, float]] = []  # start, end, mean, words

    def member(k: int) -> bool:
        return probabilities[k] >= RUN_MEMBER

    def passed_over(k: int) -> bool:
        return not article[k] or words[k] < PASSED_OVER_WORDS

    i = 0
    while i < n:
        if not article[i] or not member(i):
            i += 1
            continue
        j, total, weight, likely, last = i, 0.0, 0.0, 0.0, i
        while j < n and (member(j) or passed_over(j)):
            if article[j]:
                total += probabilities[j] * (words[j] + 1.0)
                weight += words[j] + 1.0
                if member(j):
                    likely += words[j]
                    last = j
            j += 1
        if likely >= RUN_MIN_WORDS and total / weight >= threshold:
            runs.append((i, last + 1, total / weight, weight))
        i = j
    article_words = sum(w + 1.0 for w, a in zip(words, article, strict=True) if a) or 1.0
    if sum(r[3] for r in runs) > MOST * article_words:
        runs = [r for r in runs if r[2] >= SURE_ABOVE]
    return [(s, e) for s, e, _, _ in runs]
