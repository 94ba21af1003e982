"""Line features in the spirit of jusText: length, stop-word share, terminal punctuation, links...

The stop-word lists are jusText's (100 languages, shipped with trafilatura's dependency ``justext``).
A document's language is the list that covers most of its words, so a Ukrainian or Portuguese page
is judged with its own function words.

>>> stop = stoplist_for("The council voted on Thursday to open a second ferry route to the islands.")
>>> f = line_features("The council voted on Thursday to open a second ferry route.", stop)
>>> (f.words, f.terminal, f.prose)
(11, True, True)
>>> line_features("Privacy Policy", stop).prose
False
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import justext

_WORD: Final = re.compile(r"\w+", re.UNICODE)
# CJK, Japanese kana and Hangul: no spaces between words, so words are counted by characters.
_CJK: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_URL: Final = re.compile(r"https?://|www\.\w|\w\.(com|org|net|co\.uk|gov|edu)\b", re.IGNORECASE)
_EMOJI: Final = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\U0001F000-\U0001F2FF]")
#: Characters that end a sentence, possibly followed by closing quotes or brackets.
_TERMINAL: Final = re.compile(r"[.!?…。！？][\"'”’»)\]」』]*$")
#: Characters per "word" for scripts written without spaces.
CJK_CHARS_PER_WORD: Final = 2.0


@lru_cache(maxsize=1)
def _stop_index() -> tuple[list[frozenset[str]], dict[str, tuple[int, ...]]]:
    """jusText's lists, and each stop word's languages (one dictionary look-up per word)."""
    lists = [frozenset(justext.get_stoplist(lang)) for lang in sorted(justext.get_stoplists())]
    langs: dict[str, list[int]] = {}
    for i, stops in enumerate(lists):
        for word in stops:
            langs.setdefault(word, []).append(i)
    return lists, {w: tuple(ids) for w, ids in langs.items()}


def stoplist_for(text: str, sample_words: int = 400) -> frozenset[str]:
    """The stop-word list (jusText's) that covers most words of ``text``; empty for CJK text."""
    words = _WORD.findall(text[:20000].lower())[:sample_words]
    if not words:
        return frozenset()
    lists, langs = _stop_index()
    hits: Counter[int] = Counter()
    for word, n in Counter(words).items():
        for lang in langs.get(word, ()):
            hits[lang] += n
    if not hits:
        return frozenset()
    lang, n = hits.most_common(1)[0]
    return lists[lang] if n >= 0.1 * len(words) else frozenset()


@dataclass(frozen=True)
class LineFeatures:
    words: int  #: word count (CJK characters count as half a word each)
    stop_ratio: float  #: share of words in the document's stop-word list
    terminal: bool  #: ends like a sentence
    has_url: bool
    emoji: int
    upper_ratio: float  #: share of letters that are capitals
    digit_ratio: float  #: share of characters that are digits
    cjk: bool
    colon_end: bool  #: ends with a colon: a heading ("Summary:") or a sentence introducing a list

    @property
    def prose(self) -> bool:
        """Reads like a sentence of running text (the body of an article is made of these)."""
        if self.cjk:
            return self.words >= 10 and self.terminal
        if self.words >= 25 and self.stop_ratio >= 0.15:
            return True
        ends = self.terminal or (self.colon_end and self.words >= 10)
        return self.words >= 8 and ends and self.stop_ratio >= 0.2 and self.upper_ratio < 0.5

    @property
    def heading_like(self) -> bool:
        """Short, without a sentence end: a heading, a menu item or a label ("Summary:")."""
        return 1 <= self.words <= 15 and not self.terminal


def line_features(text: str, stops: frozenset[str]) -> LineFeatures:
    words = _WORD.findall(text.lower())
    cjk_chars = len(_CJK.findall(text))
    cjk = cjk_chars > 0.3 * max(1, len(text))
    n_words = int(cjk_chars / CJK_CHARS_PER_WORD) + len(_WORD.findall(_CJK.sub(" ", text))) if cjk \
        else len(words)
    stop_ratio = sum(1 for w in words if w in stops) / len(words) if words and stops else 0.0
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text)) / letters if letters else 0.0
    digits = sum(map(str.isdigit, text)) / max(1, len(text))
    return LineFeatures(
        words=n_words,
        stop_ratio=stop_ratio,
        terminal=bool(_TERMINAL.search(text.rstrip())),
        has_url=bool(_URL.search(text)),
        emoji=len(_EMOJI.findall(text)),
        upper_ratio=upper,
        digit_ratio=digits,
        cjk=cjk,
        colon_end=text.rstrip().endswith((":", "：")),
    )
