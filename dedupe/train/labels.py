"""Line labels for training: which blocks of a scraped page are article text, by aligning them
with the benchmark's ground truth.

The evaluation sets give, per page, the scraped text (every visible block, chrome included) and
the article body as the benchmark's authors cut it (``truth/``). Aligning the two token sequences
(``\\w+``, lower-cased: the benchmark's own tokens) in order tells, for every block, the share of
its tokens that belong to the article. Matches shorter than :data:`MIN_RUN` tokens are ignored
unless they cover a whole short block next to a matched one: a menu item "Home" must not count as
article text because the word occurs somewhere in the story.

>>> shares = aligned_shares(["Home", "Prices rose sharply in May.", "Share this", "Home at last"],
...                         "Prices rose sharply in May. Home at last")
>>> [round(s, 2) for s in shares]
[0.0, 1.0, 0.0, 1.0]
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Final

#: The benchmark's tokens.
TOKEN: Final = re.compile(r"\w+")
#: Shortest run of tokens matched in order that counts on its own.
MIN_RUN: Final = 3


def tokens(text: str) -> list[str]:
    """The benchmark's tokens of ``text``: ``\\w+`` runs, lower-cased."""
    return TOKEN.findall(text.lower())


def aligned_shares(blocks: Sequence[str], truth: str) -> list[float]:
    """For each block, the share of its tokens aligned (in order) with ``truth``; blocks without
    tokens get the share of their neighbours' mean (punctuation lines follow their context)."""
    vocab: dict[str, int] = {}
    page: list[int] = []
    owner: list[int] = []
    for i, text in enumerate(blocks):
        for tok in tokens(text):
            page.append(vocab.setdefault(tok, len(vocab)))
            owner.append(i)
    gold = [vocab.setdefault(tok, len(vocab)) for tok in tokens(truth)]
    matched = [0] * len(blocks)
    runs = difflib.SequenceMatcher(None, page, gold, autojunk=False).get_matching_blocks()
    short: list[tuple[int, int]] = []
    for a, _, size in runs:
        if size >= MIN_RUN:
            for k in range(a, a + size):
                matched[owner[k]] += 1
        elif size:
            short.append((a, size))
    sizes = [0] * len(blocks)
    for i in owner:
        sizes[i] += 1
    shares = [m / s if s else -1.0 for m, s in zip(matched, sizes, strict=True)]
    # A short block matched whole by a short run counts when a neighbour is article text.
    for a, size in short:
        i = owner[a]
        if owner[a + size - 1] == i and sizes[i] == size:
            near = [shares[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks) and shares[j] >= 0]
            if any(s >= 0.5 for s in near):
                shares[i] = 1.0
    for i, s in enumerate(shares):
        if s < 0:
            near = [shares[j] for j in (i - 1, i + 1) if 0 <= j < len(blocks) and shares[j] >= 0]
            shares[i] = sum(near) / len(near) if near else 0.0
    return shares
