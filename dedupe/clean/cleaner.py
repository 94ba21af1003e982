"""Label each block of a document ``content``, ``title``, ``chrome`` or ``padding``, with a reason.

Rules decide where they are certain; the learned models decide the rest; every label names what
decided it. Steps, in order:

1. **Rules** (:mod:`dedupe.clean.rules`): whole-line chrome (widgets, credits, legal lines),
   datelines and bylines (which also fill ``author`` / ``published``), emoji promotions.
2. **Site chrome**: lines that recur on several pages of the same site (learned by
   :mod:`dedupe.clean.site`, passed in as line keys).
3. **Chrome sections**: a "References:" or "Related" heading and the non-prose lines after it.
4. **Title**: the headline (the metadata title, else a heading near the top); its repeats become
   ``duplicate`` blocks pointing at it.
5. **Block model** (:mod:`dedupe.clean.model`, features from :mod:`dedupe.clean.context`; one
   model for text inputs, one for HTML pages, which also reads where each block sat in the page
   and what trafilatura kept): every block gets ``score``, its probability of being article text.
   A block no rule labelled is ``chrome:model`` below the model's threshold; a block a rule the
   model checks labelled (:data:`~dedupe.clean.rules.MODEL_CHECKED_RULES`: datelines, "Read
   more"...) is article text above it. **No catastrophe**: a page the model would leave almost
   empty, or stripped of most of its running text, gets that text back (``body:guard``).
6. **Padding** (:mod:`dedupe.clean.commentary`): AI commentary judged by its text. A template heading
   the rules are sure of ("What <Site> Says", "<Brand> AI Summary") proposes a section to the end
   or to a title repeat, kept out when its text leans to commentary; elsewhere the padding model's
   runs of commentary decide (``padding:commentary``).

>>> from dedupe.document import Document
>>> from dedupe.segment import segment_document
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

import bisect
import itertools
import re
import threading
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import numpy as np
from numba import njit

from dedupe.clean.commentary import (
    PADDING_FEATURES,
    TEMPLATE_SECTION_BAR,
    padding_features,
    padding_probabilities,
    padding_runs,
)
from dedupe.clean.context import (
    HTML_FEATURES,
    LEXICAL_COLUMNS,
    OWN_FEATURES,
    WORD_CLASS_COLUMNS,
    EncodedLines,
    fact_features,
    feature_matrix,
    lexical_features,
    own_features,
    page_features,
    token_buckets,
    topic_features,
    word_class_features,
)
from dedupe.clean.line_features import LineFeatures, line_features_batch
from dedupe.clean.model import TreeModel, default_model, load_model, model_path
from dedupe.clean.needles import NeedleGroups
from dedupe.clean.rules import (
    AUTHOR_BIO,
    BYLINE,
    BYLINE_STARTS,
    CHROME_LINES,
    CHROME_LONG_LINES,
    CHROME_PHRASES,
    CHROME_SECTION_HEADINGS,
    COMMENTARY_PHRASES,
    DATELINE,
    LONG_PADDING_PREFIXES,
    MODEL_CHECKED_RULES,
    PADDING_HEADINGS,
    PADDING_HEADINGS_WEAK,
    PHRASE_LINE_WORDS,
    SHORT_LINE_WORDS,
    SITE_NAME_WORDS,
    needles,
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
#: Commentary phrases are looked for in lines of this many words (a sentence; menus and headings
#: hold none worth the search).
PHRASE_MIN_WORDS: Final = 8
#: The catastrophe guard (:meth:`_Labeller.guard`), measured on out-of-fold predictions: a page
#: the model leaves fewer words than this keeps what the rules left...
GUARD_MIN_WORDS: Final = 20
#: ...and a page with this many words of running text keeps its running text (scored at least
#: ``GUARD_MIN_SCORE``) when the model took more than ``1 - GUARD_PROSE_SHARE`` of it.
GUARD_MIN_PROSE: Final = 100
GUARD_PROSE_SHARE: Final = 0.5
GUARD_MIN_SCORE: Final = 0.05
#: A paragraph of at least this many words starts a story body (what the page's own dateline precedes).
DATE_BODY_WORDS: Final = 20
DATE_BODY_GAP: Final = 2
#: A repeat of the headline restarts the story (text after it is the story's until a template
#: heading) only after this many words of text since the headline: a preface the template wrote.
RESTART_MIN_WORDS: Final = 20
#: A block the model doubts is kept between two kept blocks when it scores this share of the threshold:
#: only just below it (the model reads its neighbours already; at half the threshold the bridge kept
#: more chrome than text, -0.0003 to -0.0006 mean F1 on each evaluation set, site-grouped folds).
BRIDGE_SHARE: Final = 0.9
#: ... or this share, when it is an item of a list the story introduces with a colon.
LIST_BRIDGE_SHARE: Final = 0.5
#: A line of a list has at most this many words (the body step's list items too).
LIST_ITEM_WORDS: Final = 12
#: The label of a block the block model took for chrome.
MODEL_CHROME: Final = ("chrome", "chrome:model")
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
OWN_COLUMNS: Final = {name: i for i, name in enumerate(OWN_FEATURES)}
#: The rule columns of OWN_FEATURES a label sets, one per label (index 0: a block no rule took).
_RULE_KINDS: Final = ("", "site_chrome", "title_repeat", "title", "chrome_section", "rule_end_of_article",
                      "rule_dateline", "rule_byline", "rule_bio", "rule_promo", "rule_chrome")
_KIND_OF: Final = {name: i for i, name in enumerate(_RULE_KINDS)}
_KIND_OF_REASON: Final = {
    "site_chrome": _KIND_OF["site_chrome"], "title_repeat": _KIND_OF["title_repeat"],
    "chrome:dateline": _KIND_OF["rule_dateline"], "chrome:byline": _KIND_OF["rule_byline"],
    "chrome:author_bio": _KIND_OF["rule_bio"], "chrome:promo": _KIND_OF["rule_promo"],
    **dict.fromkeys(END_OF_ARTICLE, _KIND_OF["rule_end_of_article"]),
}


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
    commentary: int  #: phrases of commentary about the story (:data:`~dedupe.clean.rules.COMMENTARY_PHRASES`)
    first_word: str  #: :func:`_first_word`, for the title step (once a line, not once a page)


#: Columns of :attr:`BatchFeatures.line`.
_WORDS_FIELD: Final = LineFeatures._fields.index("words")
_PROSE_FIELD: Final = LineFeatures._fields.index("prose")


#: The needle groups of the rules (:mod:`dedupe.clean.needles`): a line holding none of a group's
#: needles cannot match its rule, and the regex is not run. The phrase rules' come last, one group
#: per rule, in their order.
_NEEDLE_GROUPS: Final = NeedleGroups([
    needles(COMMENTARY_PHRASES.pattern), PADDING_HEADINGS.needles, PADDING_HEADINGS_WEAK.needles,
    CHROME_SECTION_HEADINGS.needles, (" is ", " was ", " has been "),
    *(entry_needles for _, entry_needles, _ in CHROME_PHRASES.entries),
])
_HAS_COMMENTARY, _HAS_PADDING, _HAS_PADDING_WEAK, _HAS_SECTION, _HAS_BIO = (1 << k for k in range(5))
_PHRASES_SHIFT: Final = 5


#: Bound methods of the rules and LineFacts' plain tuple constructor, looked up once: :func:`_facts`
#: runs on every new line, and attribute look-ups were a tenth of its time.
_chrome_short = CHROME_LINES.match
_chrome_long = CHROME_LONG_LINES.match
_chrome_phrases = CHROME_PHRASES.match_present
_has_digit = _DIGIT.search
_dateline = DATELINE.match
_byline = BYLINE.match
_author_bio = AUTHOR_BIO.match
_new_tuple = tuple.__new__


def _facts(text: str, lower: str, f: LineFeatures, present: int) -> LineFacts:
    """The rule matches of a line, given its lower-cased form, its features and the needle groups
    it holds (``present``, bits of :data:`_NEEDLE_GROUPS`)."""
    words, _, terminal, _, _, _, _, _, _, heading_like, _ = f
    if words <= SHORT_LINE_WORDS:
        chrome = _chrome_short(lower)
    else:
        chrome = _chrome_long(lower) if words <= 150 else None
    if chrome is None and 2 <= words <= PHRASE_LINE_WORDS and present >> _PHRASES_SHIFT:
        chrome = _chrome_phrases(lower, present >> _PHRASES_SHIFT)  # no phrase rule matches one word
    dateline = False
    byline: str | None = None
    if words <= 12 and chrome is None:
        dateline = _has_digit(text) is not None and _dateline(text) is not None
        if not terminal and lower.startswith(BYLINE_STARTS) and (found := _byline(text)):
            byline = found.group("name").strip()
    padding: tuple[str, bool] | None = None
    # Headings have no sentence end; the one-line families ("Transition: ...") say who they are.
    if present & (_HAS_PADDING | _HAS_PADDING_WEAK) and (
            heading_like or lower.startswith(LONG_PADDING_PREFIXES)):
        if present & _HAS_PADDING and (name := PADDING_HEADINGS.match(lower)):
            padding = (name, True)
        elif present & _HAS_PADDING_WEAK and (name := PADDING_HEADINGS_WEAK.match(lower)):
            padding = (name, False)
    facts: LineFacts = _new_tuple(LineFacts, (
        f, lower, chrome, dateline, byline,
        (chrome is None and words <= 150 and (bool(present & _HAS_BIO) or lower.startswith(_BIO_STARTS))
         and _author_bio(text) is not None),
        CHROME_SECTION_HEADINGS.match(lower) if heading_like and present & _HAS_SECTION else None,
        padding,
        (len(COMMENTARY_PHRASES.findall(lower))
         if words >= PHRASE_MIN_WORDS and present & _HAS_COMMENTARY else 0),
        _first_word(lower),
    ))
    return facts


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
        buf = np.frombuffer("\n".join(lowers).encode("utf-8", "surrogatepass"), np.uint8)
        features = line_features_batch(missing, lowers, buf)
        present = _NEEDLE_GROUPS.masks(lowers, buf)
        fresh = {t: _facts(t, low, f, p)
                 for t, low, f, p in zip(missing, lowers, features, present, strict=True)}
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
        self.scores: np.ndarray | None = None
        #: Blocks the catastrophe guard gave back to the article.
        self.guarded: set[int] = set()
        #: Blocks that are a date (and time): the page's own is the one beside its headline.
        self.datelines: list[int] = []
        #: Doubtful blocks kept because the blocks on both sides are article text.
        self.bridged: set[int] = set()
        #: Reasons given by the chrome-section step (a heading and the links under it).
        self.section_reasons: set[str] = set()
        self._norms: dict[int, str] = {}
        self._first_words: list[str] | None = None

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
                self.datelines.append(i)
            elif facts.byline:
                self.set(i, "chrome", "chrome:byline")
                if not self.doc.author:
                    self.doc.author = facts.byline
            elif facts.features.emoji >= 2 and facts.features.words < 40:
                self.set(i, "chrome", "chrome:promo")

    def date_of_page(self) -> None:
        """``published``, when the metadata gave none: the first dateline the story's running
        text follows closely (at most DATE_BODY_GAP lines of three words or more between them: a
        story's date sits between its headline and its first paragraph, share buttons aside; the
        navigation's "today" is followed by menus and headlines), else the one followed closest,
        else the first."""
        if self.doc.published or not self.datelines:
            return
        words = [f.features.words for f in self.facts]
        prose = [i for i, f in enumerate(self.facts)
                 if f.features.prose and f.features.words >= DATE_BODY_WORDS]

        def gap_to_body(i: int) -> int:
            k = bisect.bisect_right(prose, i)
            if k == len(prose):
                return len(self.facts)
            return sum(1 for j in range(i + 1, prose[k]) if words[j] >= 3)

        gaps = [gap_to_body(i) for i in self.datelines]
        close = [i for i, gap in zip(self.datelines, gaps, strict=True) if gap <= DATE_BODY_GAP]
        best = close[0] if close else self.datelines[gaps.index(min(gaps))]
        self.doc.published = normalise_date(self.blocks[best].text)

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
                self.section_reasons.add(f"chrome:{name}")
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
        free = self.free(i) or self.labels[i] == MODEL_CHROME
        if not free or f.words < 3 or f.words > 35 or f.has_url:
            return False
        head = self.facts[i].padding
        if head is not None and head[1]:
            return False  # a template's heading ("What <Site> Says") is not the headline
        if text.endswith(".") and not text.endswith("..."):
            return False
        words = self._norm(i).split()
        return not (len(words) <= 4 and any(w in SITE_NAME_WORDS for w in words))

    def _norm(self, i: int) -> str:
        if i not in self._norms:
            self._norms[i] = _norm(self.blocks[i].text)
        return self._norms[i]

    def _same_as(self, i: int) -> list[int]:
        """Other lines whose normalised text equals line ``i``'s (same first word first: cheap).

        The lines of that first word are found by ``list.index`` over the page's first words (a
        scan in C): cheaper than a dictionary of every first word, built for a few look-ups."""
        if self._first_words is None:
            self._first_words = [facts.first_word for facts in self.facts]
        words, word = self._first_words, self._first_words[i]
        same: list[int] = []
        j = -1
        while True:
            try:
                j = words.index(word, j + 1)
            except ValueError:
                return same
            if j != i and self._norm(j) == self._norm(i):
                same.append(j)

    def title(self, body_start: int | None) -> None:
        """The headline: the metadata title wherever it is, else (``body_start`` None) a heading
        near the top, repeated ones first, else (``body_start``: where the article begins) a
        heading just before the body. Its repeats become ``title_repeat`` duplicates."""
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
        if idx is None and body_start is None:
            window = self.first_lines(self.settings.title_search_blocks)
            candidates = [i for i in window if self._title_candidate(i)]
            repeated = [i for i in candidates if self._same_as(i)]
            if repeated:
                idx = repeated[0]
            elif candidates:
                idx = candidates[0]
        elif idx is None and body_start:  # once the body is known: a heading just before it
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
    def padding(self, probabilities: np.ndarray, threshold: float, words: list[float]) -> None:
        """Label padding among the blocks still taken for article text, in two ways.

        A **template heading** the rules are sure of (:data:`~dedupe.clean.rules.PADDING_HEADINGS`:
        "What <Site> Says", "<Brand> AI Summary", "Fact Checker Results"...) opens a section to
        the end of the document or to a repeat of the title (the story starting again); it is
        padding when its text leans to commentary: the padding model's word-weighted mean over
        it reaches :data:`~dedupe.clean.commentary.TEMPLATE_SECTION_BAR` (reason
        ``padding:<family>``). Everywhere else the text alone decides
        (:func:`~dedupe.clean.commentary.padding_runs`, ``padding:commentary``, or the family of a
        weaker heading that opens the run: "Key Takeaways", "FAQ"...). ``words``: each block's
        word count (from :attr:`BatchFeatures.line`).
        """
        article = [label is None for label in self.labels]
        if not any(article):
            return
        # Text since the headline, before any template section is judged: what makes a repeat of
        # the headline a restart of the story (below).
        since_title = np.cumsum([w if a else 0.0 for w, a in zip(words, article, strict=True)])
        i, n = 0, len(self.facts)
        while i < n:
            head = self.facts[i].padding
            # A heading the block model took for chrome still opens its section: the section's
            # text, not the heading's score, tells whether it is the template's.
            if head is None or not head[1] or not (article[i] or self.labels[i] == MODEL_CHROME):
                i += 1
                continue
            end = i + 1 if head[0] in LINE_ONLY_PADDING else next(
                (j for j in range(i + 1, n) if self.labels[j] == ("duplicate", "title_repeat")), n)
            if (self._template_section(range(i, end), head[0], probabilities, words, article)
                    and self.labels[i] == MODEL_CHROME):
                self.labels[i] = ("padding", f"padding:{head[0]}")  # the template's, not site chrome
            i = end
        # Text between the headline and a repeat of it is a preface the template put before the
        # story: judged as a template section when a padding heading proposes it and a longer
        # story follows (a title repeated in a footer does not make the article a preface).
        repeats = [k for k, label in enumerate(self.labels) if label == ("duplicate", "title_repeat")]
        if self.title_idx is not None and repeats:
            marks = sorted({self.title_idx, *repeats})
            for first, last in itertools.pairwise(marks):
                heads = [self.facts[k].padding for k in range(first + 1, last)]
                family = next((head[0] for head in heads if head is not None), None)
                preface = sum(words[k] for k in range(first + 1, last) if article[k])
                story = sum(words[k] for k in range(last + 1, n) if article[k])
                if family is not None and story > preface:
                    self._template_section(range(first + 1, last), family, probabilities, words, article)
        # Where the title is repeated after a preface the story starts again: up to the next
        # template heading its text is the story's (a template's own sections are judged above).
        # A headline printed twice at the top of a page (a breadcrumb, the h1) restarts nothing.
        judged = list(article)
        restarted = False
        for k, (facts, label) in enumerate(zip(self.facts, self.labels, strict=True)):
            if label == ("duplicate", "title_repeat"):
                restarted = restarted or self._restarts_story(k, since_title)
            elif facts.padding is not None and facts.padding[1]:
                restarted = False
            judged[k] = judged[k] and not restarted
        for start, end in padding_runs(probabilities.tolist(), words, judged, threshold):
            head = next((self.facts[k].padding for k in range(start, end) if judged[k]), None)
            reason = f"padding:{head[0] if head else 'commentary'}"
            for k in range(start, end):
                if judged[k]:
                    self.labels[k] = ("padding", reason)

    def _restarts_story(self, repeat: int, since_title: np.ndarray) -> bool:
        """Whether the title's repeat at block ``repeat`` starts the story again: it follows the
        headline with at least :data:`RESTART_MIN_WORDS` words of text between them."""
        if self.title_idx is None or repeat < self.title_idx:
            return False
        return bool(since_title[repeat] - since_title[self.title_idx] >= RESTART_MIN_WORDS)

    def _template_section(self, blocks: range, family: str, probabilities: np.ndarray,
                          words: Sequence[float], article: list[bool]) -> bool:
        """Label the article blocks among ``blocks`` padding of ``family`` when their text leans to
        commentary: the padding model's word-weighted mean reaches TEMPLATE_SECTION_BAR; whether
        it labelled any."""
        inside = [k for k in blocks if article[k]]
        weight = sum(words[k] + 1 for k in inside)
        leaning = sum(probabilities[k] * (words[k] + 1) for k in inside)
        if not inside or leaning < TEMPLATE_SECTION_BAR * weight:
            return False
        for k in inside:
            self.labels[k] = ("padding", f"padding:{family}")
            article[k] = False
        return True

    # --- 6. main body --------------------------------------------------------------------------------
    def body_segments(self, line_scores: np.ndarray) -> list[tuple[int, int, float]]:
        """The runs of running text (:func:`_segments` of the page's :func:`_line_scores`), main
        run first; empty when the page holds too little running text to tell body from chrome."""
        segments = _segments(line_scores, self.settings.body_min_words,
                             self.settings.body_secondary_ratio)
        if not segments:
            return []
        main = max(segments, key=lambda seg: seg[2])
        if main[2] < self.settings.body_min_words:
            return []
        return [main] + [seg for seg in segments if seg is not main]

    def rule_columns(self, texts: Sequence[str], line_scores: np.ndarray
                     ) -> tuple[list[int], list[int], list[float], list[int]]:
        """What the rules and the earlier steps found, per block (before any padding or body step):
        whether the block lies in the body step's main run (``line_scores``: the page's
        :func:`_line_scores`) and in any run, how often its text (``texts``) repeats in the page,
        and the :data:`_RULE_KINDS` column its label sets.
        Plain lists: :func:`batch_features` turns a whole batch into columns at once."""
        counts = Counter(texts)
        segments = self.body_segments(line_scores)
        n = len(self.blocks)
        in_main, in_any = [0] * n, [0] * n
        for start, end, _ in segments:
            in_any[start:end] = [1] * (end - start)
        if segments:
            in_main[segments[0][0]:segments[0][1]] = [1] * (segments[0][1] - segments[0][0])
        return (in_main, in_any, [counts[t] for t in texts],
                [0 if label is None else self._rule_kind(label) for label in self.labels])

    def _rule_kind(self, label: tuple[str, str]) -> int:
        """Which :data:`_RULE_KINDS` column a label sets (a block no rule took sets none: 0)."""
        reason = label[1]
        if reason in self.section_reasons:
            return _KIND_OF["chrome_section"]
        kind = _KIND_OF_REASON.get(reason)
        if kind is not None:
            return kind
        return _KIND_OF["title"] if label[0] == "title" else _KIND_OF["rule_chrome"]

    # --- 6. the block model -------------------------------------------------------------------------
    def decide(self, scores: np.ndarray, threshold: float) -> None:
        """The block model's decisions: a block no rule labelled is chrome (``chrome:model``) below
        ``threshold``; a block labelled by a rule the model checks (:data:`MODEL_CHECKED_RULES`)
        is article text after all above it (the rule still names the chrome it agrees with)."""
        self.scores = scores
        # Python floats and bools: indexing a numpy array per block cost more than the decisions.
        values = scores.tolist()
        for i, (label, below) in enumerate(zip(self.labels, (scores < threshold).tolist(), strict=True)):
            if label is None:
                if below:
                    self.labels[i] = MODEL_CHROME
            elif not below and label[1] in MODEL_CHECKED_RULES:
                self.labels[i] = None
        # A lone doubtful block between two kept ones (a short line of the story, an item of a
        # list the story introduces) belongs to the text around it; chrome inside a story scores
        # far lower.
        for i in range(1, len(self.labels) - 1):
            if (self.labels[i] == MODEL_CHROME and values[i] >= LIST_BRIDGE_SHARE * threshold
                    and self.labels[i - 1] is None and self.labels[i + 1] is None
                    and values[i - 1] >= threshold and values[i + 1] >= threshold
                    and (values[i] >= BRIDGE_SHARE * threshold or self._in_introduced_list(i))):
                self.labels[i] = None
                self.bridged.add(i)

    def _in_introduced_list(self, i: int) -> bool:
        """Whether block ``i`` is a short line of a list whose introduction, the running text
        before it, ends with a colon ("The new sailings:"). Close to the list items of
        :func:`_line_scores`, not the same: this walks back over every line whatever its label,
        and only running text opens a list (there, a rule's label ends one, and a short line
        ending with a colon opens one too)."""
        j = i
        while j >= 0:
            f = self.facts[j].features
            if f.prose:
                return j < i and bool(f.colon_end)
            if f.words > LIST_ITEM_WORDS:
                return False
            j -= 1
        return False

    def guard(self, words: np.ndarray, prose: np.ndarray) -> None:
        """No catastrophe on one model's word: where the block model left (almost) nothing of a
        page, or under half of its running text, the blocks it removed come back (``body:guard``)
        — all of them when nothing was left, else the running text it did not rule out outright.
        (An HTML page's running text is often not the article's — comments, teasers — and its
        model rarely fails: only the first applies there.)

        ``words`` and ``prose``: the page's columns of :attr:`BatchFeatures.line` (word counts are
        whole numbers: their float sums are exact)."""
        if self.scores is None:
            return
        free = np.fromiter((label is None for label in self.labels), bool, len(self.labels))
        kept = words[free].sum()
        removed = [i for i, label in enumerate(self.labels) if label == MODEL_CHROME]
        if kept < GUARD_MIN_WORDS:
            back = removed
        else:
            if self.doc.line_features is not None:
                return
            is_prose = prose != 0
            total_prose = words[is_prose].sum()
            kept_prose = words[is_prose & free].sum()
            if total_prose < GUARD_MIN_PROSE or kept_prose >= GUARD_PROSE_SHARE * total_prose:
                return
            back = [i for i in removed if is_prose[i] and self.scores[i] >= GUARD_MIN_SCORE]
        for i in back:
            self.labels[i] = None
            self.guarded.add(i)

    def line_of_blocks(self) -> np.ndarray:
        """The line of the base text each block lies in (a long line is cut into several blocks)."""
        base = self.doc.base_text
        codes = np.frombuffer(base.encode("utf-32-le", "surrogatepass"), np.uint32)
        line_starts = np.flatnonzero(codes == 10) + 1
        return np.searchsorted(line_starts, np.array([b.start for b in self.blocks], np.int64), "right")

    def first_content(self) -> int | None:
        """The first block nothing has labelled (where the article starts)."""
        return next((i for i, label in enumerate(self.labels) if label is None), None)

    def apply(self) -> None:
        """Write the labels, reasons and scores into the blocks (a kept block's reason names the
        step that kept it: the guard before the bridge, else the body). The rare guarded and
        bridged blocks are set after the loop, which then tests no set membership per block."""
        scores = self.scores.tolist() if self.scores is not None else [None] * len(self.blocks)
        content = ("content", "body")
        for block, label, score in zip(self.blocks, self.labels, scores, strict=True):
            block.label, block.reason = label or content
            block.score = score if score == score else None  # NaN: not scored
        for kept, picked in (("body:bridge", self.bridged - self.guarded), ("body:guard", self.guarded)):
            for i in picked:
                if self.labels[i] is None:
                    self.blocks[i].reason = kept


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


#: What :func:`_line_scores` needs of a block's label: none, an end-of-article marker, other chrome,
#: anything else (a title, a title repeat).
_FREE, _END_MARK, _CHROME, _OTHER_LABEL = 0, 1, 2, 3


def _score_kind(label: tuple[str, str] | None) -> int:
    if label is None:
        return _FREE
    if label[1] in END_OF_ARTICLE:
        return _END_MARK
    return _CHROME if label[0] == "chrome" else _OTHER_LABEL


@njit(cache=True, nogil=True)
def _line_scores(kinds: Any, words: Any, stop_ratio: Any, colon_end: Any, shouting: Any, prose: Any,
                 heading_like: Any, starts: Any, out: Any) -> None:
    """Per-line evidence of running text, the body step's, for a whole batch (``starts``: first
    row of each document, and the total): words of prose count for, chrome against; ``kinds``
    are :func:`_score_kind` of the labels.

    Short lines after a sentence ending with a colon ("The nominees in full:") are list items
    of the article, so they count (a little) for, until running text resumes.
    """
    for d in range(starts.shape[0] - 1):
        in_list = False
        for i in range(starts[d], starts[d + 1]):
            n = words[i]
            if kinds[i] != _FREE:
                in_list = False
                if kinds[i] == _END_MARK:
                    out[i] = -1e9
                elif kinds[i] == _CHROME:
                    out[i] = -max(CHROME_PENALTY, n * LONG_LINE_PENALTY)
                else:
                    out[i] = 0.0
            elif prose[i] != 0:
                in_list = colon_end[i] != 0
                out[i] = n
            elif in_list and n <= LIST_ITEM_WORDS:
                out[i] = 1.0
            elif n >= 10 and stop_ratio[i] >= 0.3 and shouting[i] == 0:
                # A sentence without its full stop: a standfirst, or a related story's headline.
                out[i] = n * UNPUNCTUATED_SENTENCE_WEIGHT
            else:
                in_list = colon_end[i] != 0 and n >= 4
                out[i] = -min(HEADING_PENALTY, n) if heading_like[i] != 0 else -n * LONG_LINE_PENALTY


def _segments(scores: np.ndarray, min_words: float, secondary_ratio: float) -> list[tuple[int, int, float]]:
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
                   model: TreeModel | None = None) -> Document:
    """Label the blocks of ``doc`` (already segmented) in place and return it."""
    clean_documents([doc], settings, {doc.source: site_chrome} if site_chrome else None, model)
    return doc


def clean_documents(docs: list[Document], settings: Settings,
                    site_chrome: Mapping[str, Collection[int]] | None = None,
                    model: TreeModel | None = None) -> list[Document]:
    """Label the blocks of a batch of documents (already segmented) in place: the rule steps, the
    block model over the whole batch at once, then padding and titles. ``site_chrome``: the line
    keys learned as each site's chrome; ``model``: the block model (else the settings' one)."""
    labellers = prepare([d for d in docs if d.blocks], settings, site_chrome)
    if not labellers:
        return docs
    batch = batch_features(labellers)
    html = np.repeat(batch.is_html > 0, np.diff(batch.starts))
    # A block a certain rule decided needs no score (its reason names the rule): not evaluated.
    decided = np.array([label is not None and label[1] not in MODEL_CHECKED_RULES
                        for lab in labellers for label in lab.labels], bool)
    scores = np.full(len(html), np.nan)
    thresholds = {}
    for is_html in (False, True):
        kind = html == is_html
        rows = np.flatnonzero(kind & ~decided)
        if not kind.any():
            continue
        chosen = html_model(settings) if is_html else model or block_model(settings)
        thresholds[is_html] = (chosen.threshold if settings.content_threshold is None
                               else settings.content_threshold)
        if not len(rows):
            continue
        x = batch.matrix(chosen.token_weights)[rows]
        if is_html:  # the reader's view of the page: each block's line of it
            lines = np.concatenate([lab.doc.line_features[lab.line_of_blocks()]
                                    for lab in labellers if lab.doc.line_features is not None])
            x = np.hstack([x, lines[~decided[kind]]])
        scores[rows] = chosen.predict(x)
    word_counts, prose = batch.line[:, _WORDS_FIELD], batch.line[:, _PROSE_FIELD]
    at = 0
    for labeller in labellers:
        n = len(labeller.blocks)
        labeller.decide(scores[at:at + n], thresholds[labeller.doc.line_features is not None])
        labeller.guard(word_counts[at:at + n], prose[at:at + n])
        at += n
    # The padding model judges the blocks still taken for article text, all at once.
    padding = padding_model(settings)
    article = np.array([label is None for lab in labellers for label in lab.labels], bool)
    x = padding_features(batch.weighed(padding.token_weights), batch.starts, batch.facts)
    probabilities = padding_probabilities(padding, x, article)
    words = word_counts.tolist()
    at = 0
    for labeller in labellers:
        n = len(labeller.blocks)
        labeller.padding(probabilities[at:at + n], padding.threshold, words[at:at + n])
        at += n
        if labeller.title_idx is None:
            labeller.title(labeller.first_content())
        labeller.apply()
    return docs


def block_model(settings: Settings) -> TreeModel:
    """The block model a run uses: ``settings.block_model`` when set, else the shipped one."""
    return load_model(settings.block_model) if settings.block_model else default_model()


def html_model(settings: Settings) -> TreeModel:
    """The block model of HTML pages: ``settings.html_model`` when set, else the shipped one."""
    return load_model(settings.html_model or str(model_path("html")), HTML_FEATURES)


def padding_model(settings: Settings) -> TreeModel:
    """The padding model a run uses: ``settings.padding_model`` when set, else the shipped one."""
    return load_model(settings.padding_model or str(model_path("padding")), PADDING_FEATURES)


def prepare(docs: Sequence[Document], settings: Settings,
            site_chrome: Mapping[str, Collection[int]] | None = None) -> list[_Labeller]:
    """The labellers of a batch after the rule steps (rules, site chrome, chrome sections, title),
    before any decision the block model takes part in."""
    site_chrome = site_chrome or {}
    facts = analyse_lines([b.text for d in docs for b in d.blocks])
    labellers, start = [], 0
    for d in docs:
        labeller = _Labeller(d, settings, facts[start:start + len(d.blocks)])
        start += len(d.blocks)
        labeller.rules()
        labeller.site_chrome(site_chrome.get(d.source, ()))
        labeller.chrome_sections()
        labeller.title(None)
        labeller.date_of_page()
        labellers.append(labeller)
    return labellers


@dataclass
class BatchFeatures:
    """What a batch's blocks look like before any learned weight: :data:`OWN_FEATURES` (the
    lexical columns at zero), where each document starts, and every block's word buckets."""

    own: np.ndarray
    starts: np.ndarray  #: first row of each document, and the total
    is_html: np.ndarray  #: per document
    buckets: np.ndarray  #: word buckets of every block (:func:`~dedupe.clean.context.token_buckets`)
    offsets: np.ndarray  #: block i's buckets are buckets[offsets[i]:offsets[i + 1]]
    facts: np.ndarray  #: :data:`~dedupe.clean.context.FACT_FEATURES` of every block
    line: np.ndarray  #: the blocks' :class:`LineFeatures` (:func:`~dedupe.clean.context.feature_matrix`)

    def weighed(self, token_weights: np.ndarray) -> np.ndarray:
        """:attr:`own` with its lexical columns weighed by ``token_weights`` (a model's; empty: the
        model weighs no words, the columns stay at zero)."""
        if not token_weights.size:
            return self.own
        own = self.own.copy()
        own[:, LEXICAL_COLUMNS] = lexical_features(self.buckets, self.offsets, token_weights)
        return own

    def matrix(self, token_weights: np.ndarray) -> np.ndarray:
        """The :data:`~dedupe.clean.context.FEATURES` matrix, words weighed by ``token_weights``."""
        return page_features(self.weighed(token_weights), self.starts, self.is_html)


def rule_columns(own: np.ndarray, starts: np.ndarray, scores: np.ndarray,
                 found: Sequence[tuple[list[int], list[int], list[float], list[int]]],
                 facts: Sequence[LineFacts]) -> None:
    """Fill the :data:`~dedupe.clean.context.RULE_FEATURES` columns of a batch's ``own`` from the
    body step's line ``scores`` and each document's :meth:`_Labeller.rule_columns` (column
    operations over the whole batch)."""
    col = OWN_COLUMNS
    in_main, in_any, repeats, kinds_of = (np.array([v for doc in found for v in doc[k]], np.float64)
                                          for k in range(4))
    own[:, col["body_score"]] = np.sign(scores) * np.log1p(np.minimum(np.abs(scores), 1e6))
    own[:, col["body_main"]] = in_main
    own[:, col["body_any"]] = in_any
    own[:, col["repeats_in_page"]] = np.log(repeats)
    own[:, col["padding_heading"]] = [0.0 if f.padding is None else 2.0 if f.padding[1] else 1.0
                                      for f in facts]
    own[:, col["commentary_phrases"]] = [f.commentary for f in facts]
    kinds = kinds_of.astype(np.int64)
    for kind, name in enumerate(_RULE_KINDS):
        if name:
            own[kinds == kind, col[name]] = 1.0
    # An end-of-article marker earlier in the same document.
    ends = np.cumsum(kinds == _KIND_OF["rule_end_of_article"])
    before = np.concatenate(([0], ends[:-1])) - np.repeat(np.concatenate(([0], ends))[starts[:-1]],
                                                          np.diff(starts))
    own[:, col["after_end_of_article"]] = before > 0


def batch_features(labellers: Sequence[_Labeller]) -> BatchFeatures:
    """The :class:`BatchFeatures` of the blocks of prepared labellers."""
    facts = [f for lab in labellers for f in lab.facts]
    texts = [b.text for lab in labellers for b in lab.blocks]
    line = feature_matrix([f.features for f in facts])
    own = own_features(texts, line)
    starts = np.zeros(len(labellers) + 1, np.int64)
    np.cumsum([len(lab.blocks) for lab in labellers], out=starts[1:])
    # The body step's line scores, for the whole batch in one kernel.
    kinds = np.array([_score_kind(label) for lab in labellers for label in lab.labels], np.int8)
    field = {name: line[:, i] for i, name in enumerate(LineFeatures._fields)}
    scores = np.empty(len(facts), np.float64)
    _line_scores(kinds, field["words"], field["stop_ratio"], field["colon_end"], field["shouting"],
                 field["prose"], field["heading_like"], starts, scores)
    rule_columns(own, starts, scores,
                 [lab.rule_columns(texts[lo:hi], scores[lo:hi])
                  for lab, lo, hi in zip(labellers, starts[:-1].tolist(), starts[1:].tolist(), strict=True)],
                 facts)
    words = token_buckets(EncodedLines.of([f.lower for f in facts]))
    topic = topic_features(words, starts, own[:, OWN_COLUMNS["prose"]] > 0)
    own[:, OWN_COLUMNS["topic_share"]] = topic[:, 0]
    own[:, OWN_COLUMNS["topic_weight"]] = topic[:, 1]
    own[:, WORD_CLASS_COLUMNS] = word_class_features(words.flat, words.offsets)
    is_html = np.array([lab.doc.extracted_text is not None for lab in labellers], np.float32)
    new_facts = fact_features(texts, starts)
    return BatchFeatures(own, starts, is_html, words.flat, words.offsets, new_facts, line)


def clear_caches() -> None:
    """Forget the per-line cache (for cold-start measurements; it is bounded anyway)."""
    with _CACHE_LOCK:
        _CACHE.clear()
