"""Line features in the spirit of jusText: length, common-word share, sentence ends, links, emoji.

The common words are the union of jusText's stop-word lists (100 languages, shipped with
trafilatura's dependency ``justext``). Running text in any language is made mostly of such words;
menus, headline lists and credits are made of names and rare words. One language-agnostic list
needs no per-document language detection (which cost more than the rest of the cleaning and
measured worse on the evaluation pages, see the README).

>>> f = line_features("The council voted on Thursday to open a second ferry route.")
>>> (f.words, f.terminal, f.prose)
(11, True, True)
>>> line_features("Privacy Policy").prose
False
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, NamedTuple

import justext

_WORD: Final = re.compile(r"\w+", re.UNICODE)
# CJK, Japanese kana and Hangul: no spaces between words, so words are counted by characters.
_CJK: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_URL: Final = re.compile(r"https?://|www\.\w|\w\.(com|org|net|co\.uk|gov|edu)\b", re.IGNORECASE)
_URL_MARKS: Final = re.compile(r"://|www\.|\.(?:com|org|net|co\.|gov|edu)")
_EMOJI: Final = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\U0001F000-\U0001F2FF]")
#: Characters that end a sentence, possibly followed by closing quotes or brackets.
_TERMINAL: Final = re.compile(r"[.!?…。！？][\"'”’»)\]」』]*$")
#: Characters per "word" for scripts written without spaces.
CJK_CHARS_PER_WORD: Final = 2.0


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Words of any of jusText's 100 stop-word lists (built once per process, ~150k words)."""
    return frozenset().union(*(justext.get_stoplist(lang) for lang in justext.get_stoplists()))


class LineFeatures(NamedTuple):
    words: int  #: word count (CJK characters count as half a word each)
    stop_ratio: float  #: share of words that are common words of some language
    terminal: bool  #: ends like a sentence
    colon_end: bool  #: ends with a colon: a heading ("Summary:") or a sentence introducing a list
    shouting: bool  #: every cased letter is a capital
    has_url: bool
    emoji: int
    cjk: bool

    @property
    def prose(self) -> bool:
        """Reads like a sentence of running text (the body of an article is made of these)."""
        if self.cjk:
            return self.words >= 10 and self.terminal
        if self.words >= 25 and self.stop_ratio >= 0.15:
            return True
        ends = self.terminal or (self.colon_end and self.words >= 10)
        return self.words >= 8 and ends and self.stop_ratio >= 0.2 and not self.shouting

    @property
    def heading_like(self) -> bool:
        """Short, without a sentence end: a heading, a menu item or a label ("Summary:")."""
        return 1 <= self.words <= 15 and not self.terminal


def line_features(text: str, lower: str | None = None) -> LineFeatures:
    """Features of one (trimmed) line; ``lower`` is the line lower-cased, if the caller has it.

    Cheap: a few C-level passes, since it runs on every line of every page.
    """
    words = _WORD.findall(text.lower() if lower is None else lower)
    ascii_only = text.isascii()
    cjk_chars = 0 if ascii_only else len(_CJK.findall(text))
    cjk = cjk_chars > 0.3 * len(text)
    n_words = int(cjk_chars / CJK_CHARS_PER_WORD) + len(_WORD.findall(_CJK.sub(" ", text))) if cjk \
        else len(words)
    # The common-word share only matters for lines long enough to be prose.
    stops = common_words()
    stop_ratio = sum(map(stops.__contains__, words)) / len(words) if len(words) >= 8 else 0.0
    return LineFeatures(
        n_words,
        stop_ratio,
        _TERMINAL.search(text, max(0, len(text) - 6)) is not None,
        text.endswith((":", "：")),
        text.isupper(),
        _URL_MARKS.search(text) is not None and _URL.search(text) is not None,
        0 if ascii_only else len(_EMOJI.findall(text)),
        cjk,
    )
