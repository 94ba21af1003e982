"""Label each block of a document ``content``, ``title``, ``chrome`` or ``padding``, with a reason.

Steps, in order (a block keeps the first label it gets):

1. **Rules** (:mod:`dedupe.clean.rules`): whole-line chrome (widgets, credits, legal lines),
   datelines and bylines (which also fill ``author`` / ``published``), emoji promotions.
2. **Site chrome**: lines that recur on several pages of the same site (learned by
   :mod:`dedupe.clean.site`, passed in as line keys).
3. **Chrome sections**: a "References:" or "Related" heading and the non-prose lines after it.
4. **Title**: the headline (the metadata title, else a heading near the top or just before the
   body); its repeats become ``duplicate`` blocks pointing at it.
5. **Padding sections**: a padding heading ("What <Site> Says", "<Brand> AI Analysis", "Key
   Takeaways"...) opens a section that runs to the end, or to a repeat of the title.
6. **Main body**: the run of lines with the most running text (a maximum-sum segment of per-line
   scores, jusText-like features); what lies outside it is chrome (``chrome:outside_body``) unless
   the document is too short to tell.

>>> from dedupe.document import Document
>>> from dedupe.pipeline import segment_document
>>> from dedupe.settings import Settings
>>> text = ("Listen to this Post\\nHarbour council approves new ferry route\\n"
...         "The council voted on Thursday to open a second ferry route between the old pier and the "
...         "islands, ending two years of debate.\\nWhat Gazette AI Says:\\nThis decision shows how "
...         "local politics shapes transport in ways that readers may find interesting.\\n")
>>> doc = clean_document(segment_document(Document.from_text(text, path="a.txt", format="text"),
...                      Settings()), Settings())
>>> [(b.label, b.reason) for b in doc.blocks]  # doctest: +NORMALIZE_WHITESPACE
[('chrome', 'chrome:listen'), ('title', 'title:heading'), ('content', 'body'),
 ('padding', 'padding:what_x_says'), ('padding', 'padding:what_x_says')]
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final, NamedTuple

import numpy as np
from numba import njit

from dedupe.clean.features import LineFeatures, line_features_batch
from dedupe.clean.rules import (
    AUTHOR_BIO,
    BYLINE,
    BYLINE_STARTS,
    CHROME_LINES,
    CHROME_LONG_LINES,
    CHROME_PHRASES,
    CHROME_SECTION_HEADINGS,
    DATELINE,
    LONG_PADDING_PREFIXES,
    PADDING_HEADINGS,
    PADDING_HEADINGS_WEAK,
    PHRASE_LINE_WORDS,
    SHORT_LINE_WORDS,
    SITE_NAME_WORDS,
)
from dedupe.clean.site import line_key
from dedupe.document import Document
from dedupe.readers.formats import normalise_date
from dedupe.settings import Settings

#: Chrome that marks the end of an article: the main body never extends across it.
END_OF_ARTICLE: Final = frozenset({"chrome:source_link", "chrome:posted_in", "chrome:leave_comment",
                                   "chrome:prev_next", "chrome:author_bio"})
#: Padding families that are one line ("Editor's Note: this article explores..."), not a section.
LINE_ONLY_PADDING: Final = frozenset({"editors_note_padding", "transition"})
#: Weights of the main-body score (per line; a prose line scores its word count).
HEADING_PENALTY: Final = 3.0  #: at most, for a short heading-like line (menus are made of these)
LONG_LINE_PENALTY: Final = 0.5  #: per word, for a long line that is not running text
CHROME_PENALTY: Final = 2.0  #: at least, for a line a rule already called chrome
UNPUNCTUATED_SENTENCE_WEIGHT: Final = 0.05  #: per word: a standfirst bridges, it does not anchor
_DIGIT: Final = re.compile(r"\d")
#: How a first-person bio starts; a third-person one has " is ", " was " or " has been " (see
#: rules.AUTHOR_BIO): the expensive pattern only runs on lines that have one of these.
_BIO_STARTS: Final = ("i am ", "i'm ", "i’m ")
_PUNCTUATION: Final = "\"'“”‘’«»()[]{}.,:;!?-–—…*#|/"
_NORMALISE: Final = re.compile(r"[\W_]+", re.UNICODE)


class LineFacts(NamedTuple):
    """Everything the steps need to know about one line, on its own (position comes later)."""

    features: LineFeatures
    lower: str  #: the text lower-cased: what the rule sets match
    chrome: str | None  #: the chrome rule it matches
    dateline: bool
    byline: str | None  #: the author named by a byline
    bio: bool  #: reads like an author bio (chrome only in the second half of a document)
    section: str | None  #: a heading that opens a chrome section
    padding: tuple[str, bool] | None  #: a padding heading: family, and whether it is a strong one


def _facts(text: str, lower: str, f: LineFeatures) -> LineFacts:
    """The rule matches of a line, given its lower-cased form and its features."""
    words = f.words
    if words <= SHORT_LINE_WORDS:
        chrome = CHROME_LINES.match(lower)
    else:
        chrome = CHROME_LONG_LINES.match(lower) if words <= 150 else None
    if chrome is None and 2 <= words <= PHRASE_LINE_WORDS:  # no phrase rule matches one word
        chrome = CHROME_PHRASES.match(lower)
    short = words <= 12
    dateline = (short and chrome is None and _DIGIT.search(text) is not None
                and DATELINE.match(text) is not None)
    byline = (BYLINE.match(text) if short and chrome is None and not f.terminal
              and lower.startswith(BYLINE_STARTS) else None)
    padding: tuple[str, bool] | None = None
    # Headings have no sentence end; the one-line families ("Transition: ...") say who they are.
    if f.heading_like or lower.startswith(LONG_PADDING_PREFIXES):
        if name := PADDING_HEADINGS.match(lower):
            padding = (name, True)
        elif name := PADDING_HEADINGS_WEAK.match(lower):
            padding = (name, False)
    return LineFacts(
        f, lower, chrome, dateline, byline.group("name").strip() if byline else None,
        (chrome is None and words <= 150
         and (" is " in lower or " was " in lower or " has been " in lower or lower.startswith(_BIO_STARTS))
         and AUTHOR_BIO.match(text) is not None),
        CHROME_SECTION_HEADINGS.match(lower) if f.heading_like else None,
        padding,
    )


#: Facts of lines seen before: a site's menus and footers repeat on every page, so in a real scrape
#: most lines are looked up, not analysed. Bounded: emptied when full. Shared by the threads of a
#: process, under a lock.
_CACHE: dict[str, LineFacts] = {}
_CACHE_MAX: Final = 1 << 14  # repeated lines are chrome: a few dozen a site
_CACHE_LOCK = threading.Lock()


def analyse_lines(texts: Sequence[str]) -> list[LineFacts]:
    """The features and rule matches of each line (the new ones analysed together)."""
    with _CACHE_LOCK:
        known = {t: _CACHE[t] for t in texts if t in _CACHE}
    missing = [t for t in dict.fromkeys(texts) if t not in known]
    if missing:
        lowers = [t.lower() for t in missing]
        features = line_features_batch(missing, lowers)
        fresh = {t: _facts(t, low, f) for t, low, f in zip(missing, lowers, features, strict=True)}
        known.update(fresh)
        with _CACHE_LOCK:
            if len(_CACHE) + len(fresh) > _CACHE_MAX:
                _CACHE.clear()
            _CACHE.update(fresh)
    return [known[t] for t in texts]


def _first_word(lower: str) -> str:
    """The first word without its punctuation: lines that normalise alike share it."""
    head = lower[:40].split(None, 1)
    return head[0].strip(_PUNCTUATION) if head else ""


def _norm(text: str) -> str:
    return _NORMALISE.sub(" ", text.lower()).strip()


class _Labeller:
    """Holds the labels of one document while the steps fill them in."""

    def __init__(self, doc: Document, settings: Settings, facts: Sequence[LineFacts] | None = None) -> None:
        self.doc = doc
        self.settings = settings
        self.blocks = doc.blocks
        self.facts = analyse_lines([b.text for b in doc.blocks]) if facts is None else facts
        self.labels: list[tuple[str, str] | None] = [None] * len(doc.blocks)
        self.title_idx: int | None = None
        self._norms: dict[int, str] = {}
        self._by_prefix: dict[str, list[int]] = {}

    def first_lines(self, lines: int) -> list[int]:
        """Blocks of the first ``lines`` source lines (the sentence groups of a long line share one)."""
        base = self.doc.base_text
        out: list[int] = []
        line, prev_end = -1, 0
        for i, b in enumerate(self.blocks):
            gap = base[prev_end:b.start]
            if i == 0 or "\n" in gap or "\r" in gap:
                line += 1
                if line >= lines:
                    break
            out.append(i)
            prev_end = b.end
        return out

    def set(self, i: int, label: str, reason: str) -> None:
        if self.labels[i] is None:
            self.labels[i] = (label, reason)

    def free(self, i: int) -> bool:
        return self.labels[i] is None

    # --- 1. rules -------------------------------------------------------------------------------
    def rules(self) -> None:
        half = len(self.facts) / 2
        for i, facts in enumerate(self.facts):
            if facts.chrome:
                self.set(i, "chrome", f"chrome:{facts.chrome}")
            elif facts.bio and i >= half:
                self.set(i, "chrome", "chrome:author_bio")
            elif facts.dateline:
                self.set(i, "chrome", "chrome:dateline")
                if not self.doc.published:
                    self.doc.published = normalise_date(self.blocks[i].text)
            elif facts.byline:
                self.set(i, "chrome", "chrome:byline")
                if not self.doc.author:
                    self.doc.author = facts.byline
            elif facts.features.emoji >= 2 and facts.features.words < 40:
                self.set(i, "chrome", "chrome:promo")

    # --- 2. site chrome ---------------------------------------------------------------------------
    def site_chrome(self, keys: Collection[int]) -> None:
        if not keys:
            return
        for i, block in enumerate(self.blocks):
            key = block.line_key if block.line_key is not None else line_key(block.text)
            if self.free(i) and key in keys:
                self.set(i, "chrome", "site_chrome")

    # --- 3. chrome sections -----------------------------------------------------------------------
    def chrome_sections(self) -> None:
        i = 0
        while i < len(self.facts):
            name = self.facts[i].section
            if name:
                self.labels[i] = ("chrome", f"chrome:{name}")
                j = i + 1
                # A list of links: short lines, and not too many (a list in the article may follow).
                limit = i + 1 + self.settings.chrome_section_max_lines
                while j < min(limit, len(self.facts)) and self.facts[j].features.words <= 8 \
                        and not self.facts[j].features.terminal:
                    self.set(j, "chrome", f"chrome:{name}")
                    j += 1
                i = j
            else:
                i += 1

    # --- 4. title -----------------------------------------------------------------------------------
    def _title_candidate(self, i: int) -> bool:
        f = self.facts[i].features
        text = self.blocks[i].text
        free = self.free(i) or self.labels[i] == ("chrome", "chrome:outside_body")
        if not free or f.words < 3 or f.words > 35 or f.has_url:
            return False
        if text.endswith(".") and not text.endswith("..."):
            return False
        words = self._norm(i).split()
        return not (len(words) <= 4 and any(w in SITE_NAME_WORDS for w in words))

    def _norm(self, i: int) -> str:
        if i not in self._norms:
            self._norms[i] = _norm(self.blocks[i].text)
        return self._norms[i]

    def _same_as(self, i: int) -> list[int]:
        """Other lines whose normalised text equals line ``i``'s (same first letters first: cheap)."""
        if not self._by_prefix:
            for j, facts in enumerate(self.facts):
                self._by_prefix.setdefault(_first_word(facts.lower), []).append(j)
        near = self._by_prefix.get(_first_word(self.facts[i].lower), [])
        return [j for j in near if j != i and self._norm(j) == self._norm(i)]

    def title(self, body_start: int | None) -> None:
        n = len(self.blocks)
        idx: int | None = None
        reason = "title:heading"
        if self.doc.title:
            wanted = _norm(self.doc.title)
            for i in range(n):
                if abs(len(self.blocks[i].text) - len(wanted)) > len(wanted):
                    continue
                norm = self._norm(i)
                if norm == wanted or (len(norm) > 20 and wanted.startswith(norm)):
                    idx, reason = i, "title:metadata"
                    break
            if idx is None:
                return  # the page names its headline and the body does not repeat it: guess nothing
        if idx is None:
            window = self.first_lines(self.settings.title_search_blocks)
            candidates = [i for i in window if self._title_candidate(i)]
            repeated = [i for i in candidates if self._same_as(i)]
            if repeated:
                idx = repeated[0]
            elif candidates:
                idx = candidates[0]
            elif body_start:
                before = [i for i in range(max(0, body_start - 3), body_start) if self._title_candidate(i)]
                idx = before[-1] if before else None
        if idx is None:
            return
        self.title_idx = idx
        self.labels[idx] = ("title", reason)
        if not self.doc.title:
            self.doc.title = self.blocks[idx].text
        for j in self._same_as(idx):
            if self.labels[j] in (None, ("chrome", "site_chrome")):
                self.labels[j] = ("duplicate", "title_repeat")
                block = self.blocks[j]
                block.duplicate_of_doc = self.doc.doc_id
                block.duplicate_of_block = self.blocks[idx].idx
                block.similarity = 1.0

    # --- 5. padding sections ---------------------------------------------------------------------
    def padding(self) -> None:
        heads = [facts.padding for facts in self.facts]
        strong = any(h is not None and h[1] for h in heads)
        weak_families = {h[0] for h in heads if h is not None and not h[1]}
        templated = strong or len(weak_families) >= 2
        family: str | None = None
        for i, head in enumerate(heads):
            label = self.labels[i]
            if label is not None and label[1] == "title_repeat":
                family = None  # the story starts again
                continue
            if head is not None and (head[1] or templated):
                name = head[0]
                if name in LINE_ONLY_PADDING:
                    self.set(i, "padding", f"padding:{name}")
                    continue
                family = name
                self.labels[i] = ("padding", f"padding:{name}")
            elif family is not None:
                self.set(i, "padding", f"padding:{family}")

    # --- 6. main body --------------------------------------------------------------------------------
    def _scores(self) -> list[float]:
        """Per-line evidence of running text: words of prose count for, chrome against.

        Short lines after a sentence ending with a colon ("The nominees in full:") are list items
        of the article, so they count (a little) for, until running text resumes.
        """
        scores: list[float] = []
        in_list = False
        for facts, label in zip(self.facts, self.labels, strict=True):
            f = facts.features
            if label is not None:
                in_list = False
                if label[1] in END_OF_ARTICLE:
                    scores.append(-1e9)
                elif label[0] == "chrome":
                    scores.append(-max(CHROME_PENALTY, f.words * LONG_LINE_PENALTY))
                else:
                    scores.append(0.0)
            elif f.prose:
                in_list = f.colon_end
                scores.append(float(f.words))
            elif in_list and f.words <= 12:
                scores.append(1.0)
            elif f.words >= 10 and f.stop_ratio >= 0.3 and not f.shouting:
                # A sentence without its full stop: a standfirst, or a related story's headline.
                scores.append(f.words * UNPUNCTUATED_SENTENCE_WEIGHT)
            else:
                in_list = f.colon_end and f.words >= 4
                scores.append(-min(HEADING_PENALTY, float(f.words)) if f.heading_like
                              else -f.words * LONG_LINE_PENALTY)
        return scores

    def body(self) -> tuple[int, int] | None:
        """Find the main body; label what is outside it. Returns the main segment."""
        scores = self._scores()
        segments = _segments(scores, self.settings.body_min_words,
                             self.settings.body_secondary_ratio)
        if not segments:
            return None
        main = max(segments, key=lambda seg: seg[2])
        if main[2] < self.settings.body_min_words:
            return None  # too little running text to tell body from chrome: keep what rules left
        inside = [False] * len(self.blocks)
        for start, end, _ in segments:
            for i in range(start, end):
                inside[i] = True
        for i in range(len(self.blocks)):
            if not inside[i]:
                self.set(i, "chrome", "chrome:outside_body")
        return main[0], main[1]

    def apply(self) -> None:
        for block, label in zip(self.blocks, self.labels, strict=True):
            block.label, block.reason = label if label is not None else ("content", "body")


@njit(cache=True, nogil=True)
def _max_segment(scores: Any, lo: int, hi: int) -> tuple[int, int, float]:
    """Kadane's maximum-sum run of ``scores[lo:hi]``: ``(start, end, total)``; start -1 if none."""
    best_start, best_end, best = -1, -1, 0.0
    total, start = 0.0, lo
    for i in range(lo, hi):
        if total <= 0:
            total, start = 0.0, i
        total += scores[i]
        if total > 0 and (best_start < 0 or total > best):
            best_start, best_end, best = start, i + 1, total
    return best_start, best_end, best


def _segments(scores: list[float], min_words: float, secondary_ratio: float) -> list[tuple[int, int, float]]:
    """The maximum-sum segment, plus further segments (left and right of it) worth at least
    ``secondary_ratio`` of it and ``min_words``: an article split by an inline block of links."""
    values = np.asarray(scores, dtype=np.float64)
    main = _max_segment(values, 0, len(values))
    if main[0] < 0:
        return []
    found = [main]
    pending = [(0, main[0]), (main[1], len(values))]
    while pending:
        lo, hi = pending.pop()
        seg = _max_segment(values, lo, hi)
        if seg[0] >= 0 and seg[2] >= max(min_words, secondary_ratio * main[2]):
            found.append(seg)
            pending += [(lo, seg[0]), (seg[1], hi)]
    return sorted(found)


def clean_document(doc: Document, settings: Settings, site_chrome: Collection[int] = (),
                   facts: Sequence[LineFacts] | None = None) -> Document:
    """Label the blocks of ``doc`` (already segmented) in place and return it. ``facts`` are its
    blocks' :func:`analyse_lines`, when already computed (for many documents at once)."""
    if not doc.blocks:
        return doc
    labeller = _Labeller(doc, settings, facts)
    labeller.rules()
    labeller.site_chrome(site_chrome)
    labeller.chrome_sections()
    labeller.title(None)
    labeller.padding()
    # trafilatura has already chosen the main content of a page: only text inputs need the body step.
    body = labeller.body() if doc.extracted_text is None else None
    if labeller.title_idx is None and body is not None:
        labeller.title(body[0])
    labeller.apply()
    return doc


def clear_caches() -> None:
    """Forget the per-line cache (for cold-start measurements; it is bounded anyway)."""
    with _CACHE_LOCK:
        _CACHE.clear()


def clean_documents(docs: list[Document], settings: Settings,
                    site_chrome: Mapping[str, Collection[int]] | None = None) -> list[Document]:
    """:func:`clean_document` over a batch, with each document's site chrome; the lines of the
    whole batch are analysed together (one compiled pass instead of one per document)."""
    site_chrome = site_chrome or {}
    facts = analyse_lines([b.text for d in docs for b in d.blocks])
    start = 0
    for d in docs:
        clean_document(d, settings, site_chrome.get(d.source, ()), facts[start:start + len(d.blocks)])
        start += len(d.blocks)
    return docs
