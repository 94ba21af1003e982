"""A seeded synthetic news corpus with ground truth, for throughput/memory benchmarks and for comparisons
with other deduplicators (datatrove's MinHash document dedup reads ``articles.jsonl``).

    python -m benchmarks.corpus_gen OUT --articles 1000 --seed 0 [--formats text,html] [--force]

Every page is a news article of one of 40-200 made-up sites: a headline, the site's chrome (navigation,
byline, dateline, share and listen widgets, photo credits, adverts, author bio, newsletter prompts,
related links, copyright...), 8-25 paragraphs of running text, and on about a fifth of the sites a
block of AI-written padding ("What <Brand> Says:", "<Brand> AI Summary", "People Also Ask"...). The
prose is English function words at natural density around content words drawn Zipf-like from 50,000
made-up words and made-up names, so unrelated paragraphs never share long runs of words.

Planted duplicates, all recorded under ``truth/``: about a tenth of the articles repeat one of their
paragraphs (verbatim or edited), and about a quarter are wire copies of an earlier article of another
site (verbatim, edited, with a sentence trimmed, or only the first 60-90 % of the story).

Layout under ``OUT``:

- ``text/<site>/<article_id>.txt``: the scraped page as plain text, one line per block;
- ``html/<site>/<article_id>.html``: the same article as a full HTML page of the site's template;
- ``articles.jsonl``: ``{"id", "site", "url", "published", "text"}`` per article, ``text`` the ``.txt``
  content;
- ``truth/paragraphs.jsonl``: each planted duplicate paragraph (25 words or more): ``article_id``,
  ``text`` (the line as written), ``original_article_id``, ``original_text``, ``kind`` (one of
  :data:`PARAGRAPH_KINDS`) and ``jaccard`` (of word-3-shingle sets, against the original);
- ``truth/documents.jsonl``: each syndicated copy: ``article_id``, ``original_article_id``, ``kind``
  (one of :data:`DOCUMENT_KINDS`) and ``shared_fraction`` (share of the original's paragraphs it
  reproduces, edited or not);
- ``truth/lines.jsonl``: ``article_id`` and ``roles``, one letter per line of the ``.txt`` file: ``H``
  headline, ``B`` body paragraph, ``S`` subheading, ``C`` chrome, ``P`` padding;
- ``info.json``: the parameters and the :class:`CorpusInfo` counts.

Keep order: article ids (``a0000123``) sort in publication order (``published`` strictly increases with
the id), and a copy is always published on a later day than its original, on another site. The
"original" of a duplicate is its first occurrence in that order (for a copy of a copy: the first
article). Output is byte-identical for the same seed, size and formats; :func:`generate` returns the
cached counts when ``OUT/info.json`` already holds the same parameters.

>>> import tempfile
>>> from pathlib import Path
>>> out = Path(tempfile.mkdtemp()) / "corpus"
>>> info = generate(out, 40, seed=1)
>>> info.articles, (out / "text").is_dir(), (out / "truth" / "paragraphs.jsonl").is_file()
(40, True, True)
>>> generate(out, 40, seed=1) == info  # cached
True
"""

from __future__ import annotations

import argparse
import html
import json
import math
import random
import re
import shutil
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, chain
from pathlib import Path
from typing import IO, Any, Final

GENERATOR_VERSION: Final = 1
FORMATS: Final = ("text", "html")
PARAGRAPH_KINDS: Final = ("within_exact", "within_edited", "syndicated_exact", "syndicated_edited",
                          "syndicated_trimmed")
DOCUMENT_KINDS: Final = ("full_copy", "edited_copy", "partial_copy")
#: Planted duplicates shorter than this (words) are not recorded.
TRUTH_MIN_WORDS: Final = 25
#: Target shares: articles repeating one of their paragraphs, articles that are wire copies.
WITHIN_RATE: Final = 0.10
COPY_RATE: Final = 0.25
#: A copy is made of an article published at most this many days before it.
COPY_WINDOW_DAYS: Final = 3
START: Final = datetime(2025, 1, 1, tzinfo=UTC)
_INCOMPLETE: Final = ".corpus_gen-incomplete"

_WORD: Final = re.compile(r"[a-z0-9]+")

# --- words ---------------------------------------------------------------------------------------------

#: Real English words the grammar uses around the made-up content words; never made up, never edited.
FUNCTION_WORDS: Final = frozenset("""
a about above according across after again against ago all almost also although am among an and
another any are around as at be because been before being below between both but by can could did do
does down during each either even ever every few for from further had has have having he her here
him his how however i if in into is it its itself just last least less like many may might more most
much must my near neither next no nor not now of off on once one only or other our out over own per
rather said same say says she should since so some still such than that the their them then there
these they this those though through to too under until up upon us very was we were what when where
whether which while who whom whose why will with within without would yet you your told added asked
first second third two three four five six seven eight nine ten dozen hundred thousand million
billion week weeks month months year years day days time times monday tuesday wednesday thursday
friday saturday sunday january february march april june july august september october november
december statement reporters people government officials company police city country report plan
percent cent end new high early later late well part set made make makes making put took take taken
""".split())

_ONSETS: Final = ("b", "bl", "br", "c", "ch", "cl", "cr", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h",
                  "j", "k", "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sk", "sl", "sm",
                  "sn", "sp", "st", "str", "t", "th", "tr", "v", "w", "z", "", "", "")
_VOWELS: Final = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ee", "oa", "ou", "io", "ie")
_CODAS: Final = ("", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "nt", "st", "rk", "ck", "sh", "th",
                 "x", "ng", "ld", "rt", "p")
_SYLLABLES_PER_WORD: Final = (1, 1, 2, 2, 2, 2, 2, 3, 3, 4)
_NAME_ENDINGS: Final = ("a", "o", "in", "el", "ia", "an", "en", "us", "ar", "ina", "is", "")
_SURNAME_ENDINGS: Final = ("son", "ez", "ova", "er", "man", "ski", "ton", "ard", "ley", "ic", "", "", "")
_PLACE_ENDINGS: Final = ("ia", "land", "burg", "ton", "ville", "stad", "mouth", "grad", "port", "ora",
                         "", "", "")

#: Real nouns of news prose, for the templates' fixed phrases ("said the ministry").
REAL_NOUNS: Final = ("ministry", "council", "court", "agency", "committee", "board", "union", "bank",
                     "regulator", "parliament", "department", "commission", "authority", "firm",
                     "hospital", "university", "party", "opposition", "administration", "army")
ROLES: Final = ("spokesperson", "spokesman", "spokeswoman", "minister", "director", "chief executive",
                "lawyer", "analyst", "professor", "official", "mayor", "senior adviser", "researcher",
                "economist", "chairman", "deputy head", "campaigner", "resident")
WHEN: Final = ("on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "on Saturday",
               "on Sunday", "last week", "earlier this month", "in a statement", "late on Tuesday",
               "on Friday evening", "this week", "in an interview", "at a news conference")
DAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS: Final = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                 "October", "November", "December")
NUMBERS: Final = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "12", "15", "20",
                  "24", "30", "40", "120", "200", "350", "1,200", "2,500", "several", "dozens of")
TIME_UNITS: Final = ("years", "months", "weeks", "decades")

# --- grammar ---------------------------------------------------------------------------------------------

# Slots of the templates, as list indices of the per-article fillers; slot + ARTICLE is the same word
# after "a" or "an", whichever fits it.
(N, NS, A, V, VD, VS, VG, R, P, PL, ORG, RN, ROLE, WHN, DAY, MON, NUM, PCT, YEAR, UNIT) = range(20)
ARTICLE: Final = 20
_SLOTS: Final = {"N": N, "NS": NS, "A": A, "V": V, "VD": VD, "VS": VS, "VG": VG, "R": R, "P": P, "PL": PL,
                 "O": ORG, "RN": RN, "ROLE": ROLE, "WHEN": WHN, "DAY": DAY, "MON": MON, "NUM": NUM,
                 "PCT": PCT, "YEAR": YEAR, "UNIT": UNIT}

MAIN_CLAUSES: Final = (
    "{A} {NS} {VD} {NS} and {NS} in {PL}",
    "{P} said {WHEN} that {O} would {V} {NS} to {V} {A} {NS}",
    "{O} {VD} that it had {VD} {NUM} {NS} for its {N}",
    "the {N} was {VD} by a group of {A} {NS} and {NS}",
    "there were {NUM} {NS} at a {N} in {PL} when it {VD}",
    "it is not {A} whether {NS} will {V} {NS} or {V} a {A} {N}",
    "according to {O}, {N} {VD} {PCT} per cent in {MON}",
    "{NS} {VD} to {V} {A} {NS} after talks with {PL}",
    "a {ROLE} for {O} said {NS} had been {VD} on {DAY}",
    "{P}, who {VS} {N} at {O}, said {NS} and {NS} were {A}",
    "the {RN} said it would {V} {N} and {N} as soon as {DAY}",
    "it is the first time {NS} in {PL} have {VD} such {A} {NS}",
    "{N} is expected to {V} {NS} by the end of {MON}",
    "many {NS} who {VD} on {DAY} said they had not been {VD}",
    "{PL} has {VD} more than {NUM} {NS} since {YEAR}",
    "a {N} that {VD} {NS} was {R} {VD} by the {RN}",
    "officials in {PL} said {N} would not {V} {NS} until {MON}",
    "as a result, {NS} and {NS} will be {VD} in {MON}",
    "{P} told reporters that {N} was {A} but could still {V}",
    "it was not clear how many {NS} had {VD} from {PL}",
    "the company said {WHEN} that {NS} had {VD} by {PCT} per cent",
    "some {A} {NS} have been {VG} {NS} for {NUM} {UNIT}",
    "{P} has {R} {VD} {O} over {A} {NS} and {N}",
    "the {RN} is {VG} whether to {V} {A} {NS} in {PL}",
    "neither {P} nor the {RN} {VD} to a request for comment",
    "in {MON}, {O} {VD} a plan to {V} {NS} across {PL}",
    "{NS} from {PL} {VD} {A} {NS} to {V} {N}",
    "{P} wants to {V} {NS} and {V} {A} {N} before {MON}",
)
EXTENSIONS: Final = (
    ", and {NS} {VD} {A} {NS}",
    ", but {P} said it was {A} to {V} {N}",
    " while {PL} {VD} its {NS} and {NS}",
    ", which {VD} {A} {NS}",
    " because {NS} had {VD} in {PL}",
    " after {A} {NS} on {DAY}",
    " in {PL} and {PL}",
    " for the first time since {YEAR}",
    " over the past {NUM} {UNIT}",
    " and {V} {NS} to {NS}",
    " with {NUM} {NS} and a {A} {N}",
    " at a {N} in {PL} on {DAY}",
    ", the {RN} said",
    " so that {NS} could {V} their {N}",
    " if {N} is not {VD} by {MON}",
    " to {V} {A} {NS}",
)
QUOTES: Final = (
    "\"We will {V} {NS} and we will not {V} our {NS},\" {P} said.",
    "\"It is {A} for {NS} and {NS} in {PL},\" said {P}, a {ROLE} at {O}.",
    "{P} said: \"There is no {N} that {NS} will {V} this year.\"",
    "\"This is not about {NS}, it is about {NS} who {VD} here,\" {P} said {WHEN}.",
    "\"We have {VD} {N} for {NUM} {UNIT} and it has not {VD},\" said {P}.",
)
HEADLINES: Final = (
    "{A} {N} {VS} {NS} in {PL}",
    "{PL} {VS} {A} {N} after {N}",
    "{O} to {V} {NS} as {N} {VS}",
    "{P} {VS} {N} over {A} {NS}",
    "Why the {N} in {PL} {VS} the {A} {NS}",
    "{NS} {V} {N} as {PL} {VS} {A} {N}",
    "{RN} {VS} {NUM} {NS} in {A} {N} of {PL}",
    "What the {A} {N} means for {NS} in {PL}",
)
PADDING_LINES: Final = (
    "This {A} development highlights the growing importance of {N} for {NS} in {PL}.",
    "The decision by {O} could reshape the {N} landscape in the coming months.",
    "Analysts suggest that {P} may face increased pressure over the {N}.",
    "Readers should stay informed and follow official updates on the {N}.",
    "It remains to be seen whether the {N} will deliver lasting change for {PL}.",
    "The situation underscores the need for transparency and accountability in the {N} sector.",
    "Overall, the {N} reflects broader trends that could shape {NS} across {PL} for years to come.",
    "Experts believe the {A} {N} could have significant implications for {NS} and {NS}.",
    "The report that {O} {VD} the {N} is consistent with available public records.",
    "Claims that the {N} was {VD} in {PL} could not be independently verified.",
    "Stay tuned for more updates on this developing story about {PL}.",
    "The move by {O} signals a shift in how {NS} are handled in {PL}.",
    "Critics argue that the {N} does not go far enough to protect {NS}.",
    "Supporters say the {A} {N} will bring much-needed stability to {PL}.",
    "The long-term impact on {NS} remains uncertain, and more data is needed.",
    "This story is part of a wider debate about {N} and {N} across the region.",
    "In our view, {P} faces a difficult balancing act between {NS} and {NS}.",
    "The timeline of the {N} suggests that officials in {PL} acted quickly.",
    "Market watchers expect {NS} to respond cautiously in the short term.",
    "The numbers quoted by {O} match figures published earlier this year.",
    "There is no evidence that the {N} was {VD} before {MON}.",
    "Expect further announcements from {O} in the coming weeks.",
    "Ultimately, the {N} could set a precedent for {NS} elsewhere.",
)
QUESTIONS: Final = ("What is the {N} in {PL}?", "Why did {O} {V} the {N}?", "Who is {P}?",
                    "How will the {N} affect {NS}?", "When will the {N} be {VD}?")


Filler = Callable[[], str]


@dataclass(frozen=True)
class Template:
    """A compiled template: ``render(fillers)`` is its text with every slot filled."""

    render: Callable[[Sequence[Filler]], str]
    words: int  #: approximate: a slot counts one word
    closing: bool  #: ends a sentence (", the ministry said")


def _parse(template: str) -> Template:
    """Compile a template into one function call per rendering (a join of literals and slot draws:
    this is the generator's innermost loop)."""
    pieces: list[str] = []
    article = False
    for part in re.split(r"(\{[A-Z]+\})", template):
        if part.startswith("{"):
            pieces.append(f"f[{_SLOTS[part[1:-1]] + (ARTICLE if article else 0)}]()")
            article = False
        elif part:
            if part == "a " or part.endswith(" a "):  # "a {A}" becomes "an" before a vowel
                part, article = part[:-2], True
            if part:
                pieces.append(repr(part))
    render: Callable[[Sequence[Filler]], str] = eval(f"lambda f: ''.join(({', '.join(pieces)},))")
    words = len(re.sub(r"\{[A-Z]+\}", "x", template).split())
    return Template(render, words, template.startswith(", the ") and template.endswith(" said"))


_MAIN: Final = [_parse(t) for t in MAIN_CLAUSES]
_EXT: Final = [_parse(t) for t in EXTENSIONS]
_QUOTE: Final = [_parse(t) for t in QUOTES]
_HEAD: Final = [_parse(t) for t in HEADLINES]
_PAD: Final = [_parse(t) for t in PADDING_LINES]
_QUESTION: Final = [_parse(t) for t in QUESTIONS]


def _zipf_cum(n: int, offset: float, exponent: float = 1.0) -> list[float]:
    return list(accumulate(1.0 / (rank + offset) ** exponent for rank in range(n)))


def _zipf_table(words: Sequence[str], offset: float, size: int) -> list[str]:
    """``words`` repeated in proportion to Zipf-Mandelbrot weights by rank (each at least once): a
    uniform draw from the table is a weighted draw from ``words``, without a bisection per draw."""
    weights = [1.0 / (rank + offset) for rank in range(len(words))]
    scale = size / sum(weights)
    table: list[str] = []
    for word, weight in zip(words, weights, strict=True):
        table += [word] * max(1, round(weight * scale))
    return table


def _with_article(draw: Callable[[], str]) -> Callable[[], str]:
    def drawn() -> str:
        word = draw()
        return ("an " if word[0] in "aeiouAEIOU" else "a ") + word
    return drawn


def _syllables(rng: random.Random, count: int) -> str:
    rnd = rng.random
    return "".join(_ONSETS[int(rnd() * len(_ONSETS))] + _VOWELS[int(rnd() * len(_VOWELS))]
                   + _CODAS[int(rnd() * len(_CODAS))] for _ in range(count))


class Vocabulary:
    """Made-up words by class (with their inflections) and names, each with Zipf-like weights."""

    def __init__(self, rng: random.Random, size: int = 50_000) -> None:
        taken: set[str] = set(FUNCTION_WORDS) | set(REAL_NOUNS)
        words: list[str] = []
        while len(words) < size:
            word = _syllables(rng, _SYLLABLES_PER_WORD[int(rng.random() * len(_SYLLABLES_PER_WORD))])
            if len(word) >= 3 and word not in taken:
                taken.add(word)
                words.append(word)
        # Frequent words are short, as in every language: rank by length, loosely.
        noise = [rng.gauss(0.0, 1.5) for _ in words]
        order = sorted(range(size), key=lambda i: (len(words[i]) + noise[i], i))
        words = [words[i] for i in order]
        # Interleaved classes: every class gets words of every length.
        self.nouns = words[0::2]
        self.verbs = [w for i, w in enumerate(words[1::2]) if i % 5 < 2]
        self.adjectives = [w for i, w in enumerate(words[1::2]) if 2 <= i % 5 < 4]
        self.adverbs = [w + "ly" for i, w in enumerate(words[1::2]) if i % 5 == 4]
        self.plurals = [w + ("es" if w.endswith(("s", "sh", "ch", "x")) else "s") for w in self.nouns]
        self.past = [w + ("d" if w.endswith("e") else "ed") for w in self.verbs]
        self.third = [w + ("es" if w.endswith(("s", "sh", "ch", "x")) else "s") for w in self.verbs]
        self.gerund = [(w[:-1] if w.endswith("e") and len(w) > 3 else w) + "ing" for w in self.verbs]
        self.first_names = self._names(rng, 3000, _NAME_ENDINGS, 2)
        self.surnames = self._names(rng, 12000, _SURNAME_ENDINGS, 2)
        self.places = self._names(rng, 6000, _PLACE_ENDINGS, 2)
        # Sampling tables: the inflections of a word share its rank.
        self.tables: dict[str, list[str]] = {}
        for name, words_, offset, size in (
                ("nouns", self.nouns, 12.0, 1 << 19), ("plurals", self.plurals, 12.0, 1 << 19),
                ("adjectives", self.adjectives, 8.0, 1 << 18), ("verbs", self.verbs, 8.0, 1 << 18),
                ("past", self.past, 8.0, 1 << 18), ("third", self.third, 8.0, 1 << 18),
                ("gerund", self.gerund, 8.0, 1 << 18), ("adverbs", self.adverbs, 5.0, 1 << 17),
                ("first_names", self.first_names, 20.0, 1 << 16), ("surnames", self.surnames, 50.0, 1 << 18),
                ("places", self.places, 10.0, 1 << 18)):
            self.tables[name] = _zipf_table(words_, offset, size)

    @staticmethod
    def _names(rng: random.Random, count: int, endings: Sequence[str], syllables: int) -> list[str]:
        names: list[str] = []
        seen: set[str] = set()
        while len(names) < count:
            stem = _syllables(rng, 1 + int(rng.random() * syllables))
            name = (stem + endings[int(rng.random() * len(endings))]).capitalize()
            if len(name) >= 3 and name not in seen:
                seen.add(name)
                names.append(name)
        return names

    def person(self, rng: random.Random) -> str:
        first, last = self.tables["first_names"], self.tables["surnames"]
        return f"{first[int(rng.random() * len(first))]} {last[int(rng.random() * len(last))]}"

    def place(self, rng: random.Random) -> str:
        places = self.tables["places"]
        return places[int(rng.random() * len(places))]


# Word streams are endless iterators over chunks drawn ahead (``chain`` of ``iter(draw, None)``): taking
# the next word is a C call, not the resumption of a Python generator.

def _stream(rng: random.Random, population: Sequence[str], chunk: int = 512) -> Iterator[str]:
    """Endless uniform draws from ``population``."""
    choices = rng.choices
    return chain.from_iterable(iter(lambda: choices(population, k=chunk), None))


def _topical(rng: random.Random, topic: Sequence[str], rest: Iterator[str], modifiers: Iterator[str],
             share: float, compound: float, chunk: int = 64) -> Iterator[str]:
    """Nouns: of the article's topic with probability ``share``, else of the whole vocabulary, with an
    adjective or a noun before it with probability ``compound``."""
    rnd = rng.random
    n = len(topic)

    def draw() -> list[str]:
        nouns = [topic[int(rnd() * n)] if n and rnd() < share else next(rest) for _ in range(chunk)]
        return [f"{next(modifiers)} {w}" if rnd() < compound else w for w in nouns]

    return chain.from_iterable(iter(draw, None))


# --- sites -----------------------------------------------------------------------------------------------

SECTIONS: Final = ("World", "Business", "Politics", "Sport", "Tech", "Culture", "Opinion", "Science",
                   "Health", "Local", "Entertainment", "Climate", "Money", "Travel", "Lifestyle", "Video")
BRAND_WORDS: Final = ("Times", "Post", "Herald", "Tribune", "Gazette", "Journal", "Daily", "Chronicle",
                      "Observer", "Courier", "Express", "Record", "Sentinel", "Wire", "Report", "Insider",
                      "News", "Today", "Dispatch", "Ledger")
TLDS: Final = ("com", "com", "com", "net", "org", "co.uk", "news", "info")
STAFF_ROLES: Final = ("Staff Reporter", "Senior Correspondent", "Political Editor", "Business Reporter",
                      "Contributor", "News Editor", "Staff Writer", "Correspondent")
AGENCIES: Final = ("Reuters", "AP", "AFP", "EPA", "Getty Images", "Shutterstock", "Bloomberg")
LISTEN: Final = ("Listen to this article", "Listen to this Post", "Listen to this story", "Listen",
                 "Audio version")
SHARE: Final = ("Share on Facebook Share on X Email", "Share this article", "Facebook Twitter LinkedIn Email",
                "Share", "Share on WhatsApp", "Facebook X WhatsApp Copy link", "Share this story")
ADS: Final = ("Advertisement", "ADVERTISEMENT", "Story continues below advertisement", "Sponsored Content",
              "Advertising")
SOURCE_LINK: Final = ("Source link", "Source", "Original article")
COMMENTS: Final = ("Leave a Comment", "Leave a Reply", "Join the conversation", "View comments",
                   "Post a comment")
PREV_NEXT: Final = ("Previous Article Next Article", "Previous article | Next article", "Next Story",
                    "Previous Post Next Post", "Older Newer")
RELATED: Final = ("Related", "Related Articles", "More from {brand}", "You may also like", "Most Read",
                  "Latest News", "Recommended")
READ_MORE: Final = ("Read more: {h}", "READ MORE: {h}", "Related: {h}", "See also: {h}")
COPYRIGHT: Final = ("© {year} {brand}. All rights reserved.", "Copyright © {year} {brand}",
                    "© {brand} {year}", "(c) {year} {brand} Media Ltd. All rights reserved.")
COOKIES: Final = (
    "We use cookies to improve your experience on our site. By continuing you accept our cookie policy.",
    "This site uses cookies. Read our cookie policy to find out more.",
    "We use cookies and similar technologies to personalise content and ads. Accept all cookies",
)
NEWSLETTERS: Final = (
    "Sign up for the {brand} Daily newsletter to get the top stories delivered to your inbox.",
    "Subscribe to our newsletter",
    "Get the latest {section} news straight to your inbox. Sign up for our free briefing.",
    "Newsletter",
    "Join {brand} Plus to get breaking news alerts.",
)
BIO_FORMATS: Final = (
    "{name} is a {role} covering {topic} for {brand}.",
    "{name} is a senior reporter at {brand}, where she writes about {topic} and {topic2}.",
    "{name} has been a writer at {brand} since {year}, covering {topic}.",
    "About the author: {name} covers {topic} and {topic2} for {brand}.",
    "{name} was a correspondent in {place} before joining {brand} as {role}.",
)
BIO_TOPICS: Final = ("politics", "energy", "the economy", "health", "technology", "climate", "crime",
                     "education", "transport", "local government", "markets", "sport", "culture")
#: AI padding schemes: section headings ({brand}: the site's brand word, {lens}: an AI brand).
PADDING_SCHEMES: Final = (
    ("What {brand} Says:", "Fact Checker Results:", "Prediction:"),
    ("What {brand} Says:", "Key Takeaways"),
    ("{lens} AI Summary", "{lens} AI Analysis"),
    ("{lens} AI Suggested Headlines:", "{lens} AI Summary", "{lens} AI Analysis"),
    ("Fact Checker Results", "People Also Ask"),
    ("What {brand} Says:", "People Also Ask", "Call to Action"),
    ("{brand} AI Insights", "Key Takeaways", "Call to Action"),
)
LENSES: Final = ("TruthLens", "NewsLens", "InsightAI", "ClearView", "FactPulse", "BriefBot")
BULLETS: Final = ("", "• ", "- ", "🔹 ", "✅ ", "* ")
TOP_FAMILIES: Final = ("byline", "dateline", "listen", "share", "photo")
BOTTOM_FAMILIES: Final = ("tags", "source", "bio", "prevnext", "comments", "newsletter", "related",
                          "copyright", "cookie")


@dataclass(frozen=True)
class Site:
    """One made-up site and its template."""

    domain: str
    brand: str
    brand_word: str
    sections: tuple[str, ...]
    authors: tuple[str, ...]
    nav: str | None
    headline_case: str  #: "title", "sentence" or "upper-first"
    headline_suffix: str
    top: tuple[str, ...]
    byline_format: int
    dateline_format: int
    listen: str
    share: str
    photo_format: int
    photo_rate: float
    ad: str
    ad_every: int
    read_more: str | None
    subheads: bool
    bottom: tuple[str, ...]
    bio_format: int
    newsletter: str
    related: str
    comments: str
    prev_next: str
    source: str
    copyright: str
    cookie: str
    padding: tuple[str, ...]
    bullet: str
    copy_rate: float
    css: str


def _make_sites(rng: random.Random, vocab: Vocabulary, count: int) -> list[Site]:
    sites: list[Site] = []
    domains: set[str] = set()
    n_padded = max(1, round(count * 0.2))
    padded = set(rng.sample(range(count), n_padded))
    while len(sites) < count:
        stem = _syllables(rng, 1 + int(rng.random() * 2)).capitalize()
        padding_site = len(sites) in padded
        if padding_site and rng.random() < 0.6:
            brand = stem + rng.choice(("code", "tech", "lens", "hub", "feed", "byte", "wave"))
            brand_word = brand
        else:
            word = rng.choice(BRAND_WORDS)
            brand = f"The {stem} {word}" if rng.random() < 0.5 else f"{stem} {word}"
            brand_word = stem
        domain = f"{brand.lower().replace('the ', '').replace(' ', '')}.{rng.choice(TLDS)}"
        if domain in domains or len(domain) < 6:
            continue
        domains.add(domain)
        sections = tuple(rng.sample(SECTIONS, 4 + int(rng.random() * 5)))
        sep = rng.choice((" | ", " · ", " / ", " ", "  "))
        nav = None if rng.random() < 0.35 else sep.join(("Home", *sections))
        top = tuple(f for f in TOP_FAMILIES if rng.random() < (0.85 if f in ("byline", "dateline") else 0.5))
        bottom = tuple(f for f in BOTTOM_FAMILIES if rng.random() < 0.45)
        if padding_site:
            scheme = rng.choice(PADDING_SCHEMES)
            lens = rng.choice(LENSES)
            padding = tuple(h.format(brand=brand_word, lens=lens) for h in scheme)
        else:
            padding = ()
        sites.append(Site(
            domain=domain, brand=brand, brand_word=brand_word, sections=sections,
            authors=tuple(vocab.person(rng) for _ in range(3 + int(rng.random() * 12))),
            nav=nav, headline_case=rng.choice(("title", "sentence", "sentence")),
            headline_suffix=rng.choice(("", "", "", f" | {brand}", f" - {brand}")),
            top=top, byline_format=int(rng.random() * 6), dateline_format=int(rng.random() * 8),
            listen=rng.choice(LISTEN), share=rng.choice(SHARE), photo_format=int(rng.random() * 4),
            photo_rate=rng.choice((0.0, 0.3, 0.6, 0.9)), ad=rng.choice(ADS),
            ad_every=rng.choice((0, 0, 3, 4, 6)),
            read_more=rng.choice((None, None, *READ_MORE)), subheads=rng.random() < 0.25,
            bottom=bottom, bio_format=int(rng.random() * len(BIO_FORMATS)),
            newsletter=rng.choice(NEWSLETTERS).format(brand=brand, section=sections[0]),
            related=rng.choice(RELATED).format(brand=brand), comments=rng.choice(COMMENTS),
            prev_next=rng.choice(PREV_NEXT), source=rng.choice(SOURCE_LINK),
            copyright=rng.choice(COPYRIGHT), cookie=rng.choice(COOKIES),
            padding=padding, bullet=rng.choice(BULLETS),
            # Sites that pad with AI text are mostly aggregators: they run many wire copies.
            copy_rate=(rng.choice((0.5, 0.7)) if padding_site else rng.choice((0.05, 0.15, 0.25, 0.35))),
            css=rng.choice(("article-body", "story__content", "post-content", "entry-content", "c-article")),
        ))
    return sites


# --- dates -----------------------------------------------------------------------------------------------

def _dateline(fmt: int, when: datetime) -> str:
    month, day, year = MONTHS[when.month - 1], when.day, when.year
    hour12 = when.hour % 12 or 12
    ampm = "AM" if when.hour < 12 else "PM"
    dow = DAYS[when.weekday()]
    if fmt == 0:
        return f"Updated {hour12}:{when.minute:02d} {ampm} ET, {dow[:3]} {month} {day}, {year}"
    if fmt == 1:
        return f"{month} {day}, {year}"
    if fmt == 2:
        return f"{day} {month} {year}, {when.hour:02d}:{when.minute:02d}"
    if fmt == 3:
        return f"{year}-{when.month:02d}-{day:02d}"
    if fmt == 4:
        return f"Published: {month} {day}, {year} at {hour12}:{when.minute:02d} {ampm.lower()[0]}.m."
    if fmt == 5:
        return f"Posted on {month} {day}, {year}"
    if fmt == 6:
        return f"{day:02d}.{when.month:02d}.{year}"
    return f"{dow} {day} {month[:3]} {year} {when.hour:02d}.{when.minute:02d} GMT"


def _byline(fmt: int, author: str, other: str, role: str, brand: str) -> str:
    if fmt == 0:
        return f"By {author}"
    if fmt == 1:
        return f"By {author}, {role}"
    if fmt == 2:
        return f"By {author} and {other}"
    if fmt == 3:
        return f"Written by {author}"
    if fmt == 4:
        return f"By {author.upper()}"
    return f"{author} | {brand}"


# --- the article model -----------------------------------------------------------------------------------

#: Where a paragraph comes from: (article number, paragraph number, text) of its first occurrence, and
#: what was done to it since ("" unchanged, "e" edited, "t" trimmed, "et" both).
Lineage = tuple[int, int, str, str]


@dataclass
class Paragraph:
    sentences: list[str]
    lineage: Lineage
    similarity: float = 1.0  #: Jaccard of word-3-shingle sets with the original text
    text: str = field(init=False)

    def __post_init__(self) -> None:
        self.text = " ".join(self.sentences)


@dataclass
class Article:
    number: int
    site: int
    published: datetime
    headline: str
    paragraphs: list[Paragraph]
    root: int  #: the article this one copies (itself when it is no copy)
    root_site: int
    root_paragraphs: int  #: distinct paragraphs of the root


@dataclass
class CorpusInfo:
    """What :func:`generate` wrote."""

    articles: int
    sites: int
    padded_sites: int
    paragraphs: int  #: body paragraphs (planted repeats included)
    body_words: int
    lines: dict[str, int]  #: text lines by role: headline, body, subhead, chrome, padding
    duplicate_paragraphs: dict[str, int]  #: recorded in truth/paragraphs.jsonl, by kind
    within_documents: int  #: articles repeating one of their paragraphs
    syndicated_documents: int
    syndicated_by_kind: dict[str, int]
    bytes: dict[str, int]  #: per format (text, html) and file (jsonl, truth)


_ROLE_NAMES: Final = {"H": "headline", "B": "body", "S": "subhead", "C": "chrome", "P": "padding"}


def article_id(number: int) -> str:
    return f"a{number:07d}"


def shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    """Word ``k``-shingles of ``text`` (lower-cased runs of letters and digits)."""
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + k]) for i in range(max(1, len(words) - k + 1))}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


class _Generator:
    """Draws articles one after the other; keeps only the last few days of articles (copy sources)."""

    def __init__(self, n_articles: int, seed: int) -> None:
        self.rng = rng = random.Random(seed)
        self.n = n_articles
        self.vocab = vocab = Vocabulary(rng)
        n_sites = max(40, min(200, round(n_articles / 250)))
        self.sites = _make_sites(rng, vocab, n_sites)
        self.site_cum = _zipf_cum(n_sites, 6.0, 0.9)
        mean_copy = sum(s.copy_rate * (w - p) for s, w, p in
                        zip(self.sites, self.site_cum, [0.0, *self.site_cum[:-1]], strict=True))
        self.copy_scale = COPY_RATE / (mean_copy / self.site_cum[-1])
        self.n_days = max(10, min(365, n_articles // 40))
        self.slot = self.n_days * 86400 / n_articles
        tables = vocab.tables
        self.nouns = _stream(rng, tables["nouns"])
        self.fill_streams: list[Iterator[str]] = [
            self.nouns, _stream(rng, tables["plurals"]), _stream(rng, tables["adjectives"]),
            _stream(rng, tables["verbs"]), _stream(rng, tables["past"]), _stream(rng, tables["third"]),
            _stream(rng, tables["gerund"]), _stream(rng, tables["adverbs"]),
            iter(()), iter(()), iter(()),  # person, place, organisation: per article
            _stream(rng, REAL_NOUNS), _stream(rng, ROLES), _stream(rng, WHEN), _stream(rng, DAYS),
            _stream(rng, MONTHS), _stream(rng, NUMBERS),
            _stream(rng, [f"{i / 10:.1f}" if i % 3 else str(i // 10) for i in range(5, 400)]),
            _stream(rng, [str(y) for y in range(1990, 2025)]), _stream(rng, TIME_UNITS),
        ]
        self.fill: list[Callable[[], str]] = [s.__next__ for s in self.fill_streams] * 2
        self.places_any = _stream(rng, tables["places"])
        self.recent: deque[Article] = deque()
        self.site_headlines: list[deque[str]] = [deque(maxlen=8) for _ in self.sites]
        self.within_rate = WITHIN_RATE / (1 - COPY_RATE)
        self.people: list[str] = []
        self.places: list[str] = []

    # --- prose ---------------------------------------------------------------------------------------
    def _cast(self) -> None:
        """Names and topic words of a new story: its sentences keep coming back to them."""
        rng, vocab = self.rng, self.vocab
        people = [vocab.person(rng) for _ in range(2 + int(rng.random() * 3))]
        mentions = people + [p.split(" ", 1)[1] for p in people for _ in range(2)]
        places = [vocab.place(rng) for _ in range(1 + int(rng.random() * 3))]
        orgs = []
        for _ in range(1 + int(rng.random() * 2)):
            kind = int(rng.random() * 5)
            if kind == 0:
                orgs.append(f"the {vocab.place(rng)} {rng.choice(REAL_NOUNS)}")
            elif kind == 1:
                orgs.append(f"{vocab.surnames[int(rng.random() * 3000)]} Group")
            elif kind == 2:
                orgs.append(f"the Ministry of {next(self.nouns).capitalize()}")
            elif kind == 3:
                orgs.append(f"the {next(self.nouns).capitalize()} Party")
            else:
                orgs.append(f"{places[0]} {rng.choice(('Energy', 'Holdings', 'Bank', 'Airlines', 'Police'))}")
        topic = [next(self.nouns) for _ in range(6)]
        self.fill[P] = _stream(rng, mentions, 32).__next__
        self.fill[PL] = _topical(rng, places, self.places_any, iter(()), 0.75, 0.0).__next__
        self.fill[ORG] = _stream(rng, orgs, 16).__next__
        self.fill[N] = _topical(rng, topic, self.nouns, self.fill_streams[A], 0.2, 0.4).__next__
        self.fill[NS] = _topical(rng, [], self.fill_streams[NS], self.fill_streams[A], 0.0, 0.3).__next__
        self.people, self.places = people, places
        fill = self.fill
        for slot in (N, NS, A, NUM, ROLE):
            fill[slot + ARTICLE] = _with_article(fill[slot])

    def sentence(self) -> str:
        rng = self.rng.random
        if rng() < 0.1:
            text = _QUOTE[int(rng() * len(_QUOTE))].render(self.fill)
        else:
            target = 10 + int(rng() * 12)
            fill = self.fill
            main = _MAIN[int(rng() * len(_MAIN))]
            parts = [main.render(fill)]
            words = main.words
            while words < target:
                ext = _EXT[int(rng() * len(_EXT))]
                parts.append(ext.render(fill))
                words += ext.words
                if ext.closing:
                    break
            parts.append(".")
            text = "".join(parts)
        return text[0].upper() + text[1:] if text[0] != "\"" else "\"" + text[1].upper() + text[2:]

    def paragraph_sentences(self) -> list[str]:
        rng = self.rng.random
        while True:
            target = max(40, 24 + int(84 * rng() ** 3))
            sentences: list[str] = []
            words = chars = 0
            while words < target:
                s = self.sentence()
                sentences.append(s)
                words += s.count(" ") + 1
                chars += len(s) + 1
            while len(sentences) > 1 and (words > 120 or chars > 950):
                s = sentences.pop()
                words -= s.count(" ") + 1
                chars -= len(s) + 1
            if words >= 40:
                return sentences

    def headline(self) -> str:
        text = _HEAD[int(self.rng.random() * len(_HEAD))].render(self.fill)
        return text[0].upper() + text[1:]

    def padding_lines(self) -> Iterator[str]:
        """Machine-written lines about the story, no template twice in one article."""
        order = list(range(len(_PAD)))
        while True:
            self.rng.shuffle(order)
            for k in order:
                yield _PAD[k].render(self.fill)

    def question(self) -> str:
        return _QUESTION[int(self.rng.random() * len(_QUESTION))].render(self.fill)

    # --- edits ---------------------------------------------------------------------------------------
    def _edit_word(self, sentences: list[str], typo: bool) -> bool:
        """Change one content word of one sentence (another word, or a typo); False if none found."""
        rng = self.rng
        for _ in range(8):
            k = int(rng.random() * len(sentences))
            tokens = sentences[k].split(" ")
            spots = [i for i, t in enumerate(tokens)
                     if len(t) >= 4 and t.isalpha() and t.islower() and t not in FUNCTION_WORDS]
            if not spots:
                continue
            i = spots[int(rng.random() * len(spots))]
            word = tokens[i]
            if typo:
                j = 1 + int(rng.random() * (len(word) - 2))
                how = int(rng.random() * 3)
                if how == 0 and word[j] != word[j + 1]:
                    new = word[:j] + word[j + 1] + word[j] + word[j + 2:]
                elif how == 1:
                    new = word[:j] + word[j + 1:]
                else:
                    new = word[:j] + word[j] + word[j:]
            else:
                new = next(self.nouns) if rng.random() < 0.5 else self.fill[A]()
            if new == word:
                continue
            tokens[i] = new
            sentences[k] = " ".join(tokens)
            return True
        return False

    def edit(self, para: Paragraph, low: float, high: float, reword: bool, typos: bool) -> Paragraph:
        """A copy of ``para`` edited until its Jaccard with the root text falls in ``[low, high)``."""
        rng = self.rng
        root = shingles(para.lineage[2])

        def similarity(sentences: list[str]) -> float:
            other = shingles(" ".join(sentences))
            return len(root & other) / len(root | other)

        target = low + (high - low) * rng.random()
        sentences = list(para.sentences)
        if reword and len(sentences) >= 3 and rng.random() < 0.5:
            k = int(rng.random() * len(sentences))
            trial = [*sentences[:k], self.sentence(), *sentences[k + 1:]]
            if similarity(trial) >= low:
                sentences = trial
        score = similarity(sentences)
        for _ in range(60):
            if score < high and score <= target:
                break
            trial = list(sentences)
            if not self._edit_word(trial, typos and rng.random() < 0.5):
                break
            new = similarity(trial)
            if new < low:
                break
            sentences, score = trial, new
        r = para.lineage
        return Paragraph(sentences, (r[0], r[1], r[2], r[3] if "e" in r[3] else r[3] + "e"), score)

    def trim(self, para: Paragraph) -> Paragraph | None:
        """``para`` without its first or last sentence, or None when too little would be left."""
        if len(para.sentences) < 2:
            return None
        rest = para.sentences[1:] if self.rng.random() < 0.5 else para.sentences[:-1]
        if sum(s.count(" ") + 1 for s in rest) < TRUTH_MIN_WORDS:
            return None
        r = para.lineage
        return Paragraph(rest, (r[0], r[1], r[2], r[3] if "t" in r[3] else r[3] + "t"),
                         jaccard(" ".join(rest), r[2]))

    # --- articles ------------------------------------------------------------------------------------
    def article(self, number: int) -> Article:
        rng = self.rng
        site = rng.choices(range(len(self.sites)), cum_weights=self.site_cum)[0]
        published = START + timedelta(seconds=int(self.slot * (number + 0.1 + 0.8 * rng.random())))
        day = published.date()
        while self.recent and (day - self.recent[0].published.date()).days > COPY_WINDOW_DAYS:
            self.recent.popleft()
        self._cast()
        copy_p = min(0.95, self.sites[site].copy_rate * self.copy_scale)
        source: Article | None = None
        if rng.random() < copy_p:
            candidates = [a for a in self.recent if a.published.date() < day and a.site != site
                          and a.root_site != site]
            originals = [a for a in candidates if a.root == a.number]
            pool = originals if originals and rng.random() < 0.85 else candidates
            if pool:
                source = pool[int(rng.random() * len(pool))]
        if source is not None:
            art = self._copy(number, site, published, source)
        else:
            paragraphs = [Paragraph(self.paragraph_sentences(), (number, 0, "", ""))
                          for _ in range(8 + int(17 * rng.random() ** 5))]
            for k, p in enumerate(paragraphs):
                p.lineage = (number, k, p.text, "")
            n_own = len(paragraphs)
            if rng.random() < self.within_rate:
                k = int(rng.random() * (n_own - 1))
                original = paragraphs[k]
                if rng.random() < 0.5:
                    repeat = Paragraph(original.sentences, original.lineage)
                else:
                    repeat = self.edit(original, 0.5, 0.9, reword=True, typos=False)
                paragraphs.insert(k + 1 + int(rng.random() * (n_own - k)), repeat)
            art = Article(number, site, published, self.headline(), paragraphs, number, site, n_own)
        self.recent.append(art)
        return art

    def _copy(self, number: int, site: int, published: datetime, source: Article) -> Article:
        rng = self.rng
        r = rng.random()
        paragraphs = list(source.paragraphs)
        if r < 0.35:
            edit_p, trim_p = 0.0, 0.0
        elif r < 0.75 or len(paragraphs) < 5:  # a short story is not cut further
            edit_p, trim_p = 0.35, 0.12
        else:
            edit_p, trim_p = 0.15, 0.05
            keep = max(1, math.ceil(len(paragraphs) * (0.6 + 0.3 * rng.random())))
            paragraphs = paragraphs[:keep] if keep < len(paragraphs) else paragraphs[:-1]
        out: list[Paragraph] = []
        for p in paragraphs:
            x = rng.random()
            if x < trim_p:
                out.append(self.trim(p) or p)
            elif x < trim_p + edit_p:
                out.append(self.edit(p, 0.6, 0.95, reword=False, typos=True))
            else:
                out.append(p)
        if edit_p and all(p is q for p, q in zip(out, paragraphs, strict=True)):
            k = int(rng.random() * len(out))
            out[k] = self.edit(out[k], 0.6, 0.95, reword=False, typos=True)
        if r >= 0.35 and rng.random() < 0.25:  # the copying site adds a paragraph of its own
            own = Paragraph(self.paragraph_sentences(), (number, len(out), "", ""))
            own.lineage = (number, len(out), own.text, "")
            out.append(own)
        return Article(number, site, published, self._headline_variant(source.headline), out,
                       source.root, source.root_site, source.root_paragraphs)

    def _headline_variant(self, headline: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.3:
            return headline
        words = headline.split(" ")
        if r < 0.6:
            spots = [i for i, w in enumerate(words) if w.islower() and w not in FUNCTION_WORDS]
            if spots:
                words[spots[int(rng.random() * len(spots))]] = next(self.nouns)
            return " ".join(words)
        if r < 0.8:
            return f"{rng.choice(('Breaking', 'Watch', 'Update', 'Report', 'Explained'))}: {headline}"
        return f"{headline} ({self.places[0] if self.places else 'report'})"


# --- pages -----------------------------------------------------------------------------------------------

Line = tuple[str, str, str]  # role letter, kind (how HTML shows it), text


def _case(headline: str, style: str) -> str:
    if style == "title":
        return " ".join(w if w in ("a", "of", "the", "in", "to", "as", "for") else w[:1].upper() + w[1:]
                        for w in headline.split(" "))
    return headline


def _page_lines(gen: _Generator, art: Article) -> tuple[list[Line], dict[str, str]]:
    """The lines of an article page (text order) and the metadata its HTML head shows."""
    rng = gen.rng
    site = gen.sites[art.site]
    vocab = gen.vocab
    headline = _case(art.headline, site.headline_case)
    author = site.authors[int(rng.random() * len(site.authors))]
    lines: list[Line] = [("H", "headline", headline)]
    if site.nav:
        lines.append(("C", "nav", site.nav))
    for family in site.top:
        if family == "byline":
            other = site.authors[int(rng.random() * len(site.authors))]
            text = _byline(site.byline_format, author, other, STAFF_ROLES[art.site % len(STAFF_ROLES)],
                           site.brand)
            lines.append(("C", "byline", text))
        elif family == "dateline":
            lines.append(("C", "dateline", _dateline(site.dateline_format, art.published)))
        elif family == "listen":
            minutes = 2 + sum(len(p.sentences) for p in art.paragraphs) // 12
            text = site.listen if rng.random() < 0.7 or site.listen == "Audio version" \
                else f"{site.listen} ({minutes} min)"
            lines.append(("C", "listen", text))
        elif family == "share":
            lines.append(("C", "share", site.share))
        elif family == "photo" and rng.random() < site.photo_rate:
            lines.append(("C", "photo", _photo(gen, site)))
    n_body = len(art.paragraphs)
    read_more_at = 2 + int(rng.random() * max(1, n_body - 3)) if site.read_more else -1
    photo_at = 3 + int(rng.random() * n_body) if rng.random() < site.photo_rate * 0.5 else -1
    earlier = gen.site_headlines[art.site]
    for k, para in enumerate(art.paragraphs):
        if site.subheads and k and k % 5 == 0 and n_body - k > 2:
            lines.append(("S", "subhead", gen.headline().split(" in ")[0][:60].rstrip()))
        lines.append(("B", "body", para.text))
        if site.ad_every and k + 1 < n_body and (k + 1) % site.ad_every == 0:
            lines.append(("C", "ad", site.ad))
        if k == read_more_at and earlier and site.read_more:
            link = earlier[int(rng.random() * len(earlier))]
            lines.append(("C", "readmore", site.read_more.format(h=link)))
        if k == photo_at:
            lines.append(("C", "photo", _photo(gen, site)))
    pad_lines = gen.padding_lines()
    for h, heading in enumerate(site.padding):
        lines.append(("P", "padhead", heading))
        questions = heading.startswith("People Also Ask")
        for j in range(2 + int(rng.random() * 4)):
            if "Headlines" in heading:
                text = gen.headline()
            elif "Call to Action" in heading:
                text = (f"Follow {site.brand_word} for more updates on {gen.fill[N]()} and "
                        f"{gen.fill[NS]()}, and share your thoughts in the comments below.")
                if j:
                    break
            elif questions and j % 2 == 0:
                text = gen.question()
            else:
                text = next(pad_lines)
            if h % 2:
                lines.append(("P", "padline", text))
            else:
                lines.append(("P", "padbullet", site.bullet + text))
    year = art.published.year
    for family in site.bottom:
        if family == "tags":
            tags = [*gen.places[:2], *rng.sample(site.sections, 2)]
            lines.append(("C", "tags", "Tags: " + ", ".join(tags)))
        elif family == "source":
            lines.append(("C", "source", site.source))
        elif family == "bio":
            place = vocab.place(rng)
            text = BIO_FORMATS[site.bio_format].format(
                name=author, role=STAFF_ROLES[(art.site + 3) % len(STAFF_ROLES)].lower(), brand=site.brand,
                topic=BIO_TOPICS[_stable_index(author, len(BIO_TOPICS))],
                topic2=BIO_TOPICS[_stable_index(author[::-1], len(BIO_TOPICS))],
                year=2010 + _stable_index(author, 14), place=place)
            lines.append(("C", "bio", text))
        elif family == "prevnext":
            lines.append(("C", "prevnext", site.prev_next))
        elif family == "comments":
            lines.append(("C", "comments", site.comments))
        elif family == "newsletter":
            lines.append(("C", "newsletter", site.newsletter))
        elif family == "related" and earlier:
            lines.append(("C", "relatedhead", site.related))
            lines.extend(("C", "related", h) for h in list(earlier)[-4:][::-1])
        elif family == "copyright":
            lines.append(("C", "copyright", site.copyright.format(year=year, brand=site.brand)))
        elif family == "cookie":
            lines.append(("C", "cookie", site.cookie))
    earlier.append(headline)
    meta = {"author": author, "headline": headline}
    return lines, meta


def _stable_index(text: str, n: int) -> int:
    """A stable index in ``range(n)`` for ``text`` (never :func:`hash`, which is salted per process)."""
    value = 0
    for ch in text:
        value = (value * 131 + ord(ch)) % 1_000_003
    return value % n


def _photo(gen: _Generator, site: Site) -> str:
    rng = gen.rng
    name = gen.vocab.person(rng)
    agency = AGENCIES[int(rng.random() * len(AGENCIES))]
    if site.photo_format == 0:
        return f"Photo: {agency}/{name}"
    if site.photo_format == 1:
        return f"Image: {agency}"
    if site.photo_format == 2:
        return f"(Photo by {name}/AFP via Getty Images)"
    where = gen.places[0] if gen.places else "the city"
    return f"People gather outside the {gen.fill[N]()} in {where} on {DAYS[int(rng.random() * 7)]}. " \
           f"Photograph: {name}/Reuters"


_BLOCK_TAGS: Final = {
    "byline": ('<p class="byline">', "</p>"), "listen": ('<button class="listen">', "</button>"),
    "share": ('<div class="share-bar">', "</div>"), "ad": ('<div class="ad-slot">', "</div>"),
    "subhead": ("<h2>", "</h2>"), "body": ("<p>", "</p>"),
    "source": ('<p class="source"><a href="#" rel="nofollow">', "</a></p>"),
    "bio": ('<div class="author-bio"><p>', "</p></div>"),
    "prevnext": ('<nav class="post-nav">', "</nav>"),
    "comments": ('<div class="comments"><h3>', "</h3></div>"),
    "newsletter": ('<div class="newsletter-signup"><p>', "</p></div>"),
    "tags": ('<div class="tags">', "</div>"),
}


def _html_page(site: Site, art: Article, lines: list[Line], meta: dict[str, str], url: str) -> str:
    esc = html.escape
    headline = meta["headline"]
    body_lines = [t for r, _, t in lines if r == "B"]
    description = esc(body_lines[0][:160]) if body_lines else ""
    iso = art.published.isoformat()
    head = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{esc(headline)} | {esc(site.brand)}</title>\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="description" content="{description}">\n'
            f'<meta name="author" content="{esc(meta["author"])}">\n'
            f'<meta property="og:title" content="{esc(headline)}">\n'
            f'<meta property="og:site_name" content="{esc(site.brand)}">\n'
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:url" content="{url}">\n'
            f'<meta property="article:published_time" content="{iso}">\n'
            f'<link rel="canonical" href="{url}">\n'
            f'<link rel="stylesheet" href="/static/site.css">\n</head>\n')
    nav_links = "".join(f'<li><a href="/{s.lower()}/">{s}</a></li>' for s in site.sections)
    out = [head, f'<body class="{site.css}-page">\n<header class="site-header">\n'
                 f'<a class="logo" href="https://www.{site.domain}/">{esc(site.brand)}</a>\n'
                 f'<nav class="main-nav"><ul><li><a href="/">Home</a></li>{nav_links}</ul></nav>\n'
                 f'</header>\n<main>\n<article class="{site.css}">\n']
    aside: list[str] = []
    footer: list[str] = []
    in_padding = False
    for role, kind, text in lines:
        t = esc(text, quote=False)
        if kind == "nav":
            continue  # the header's menu
        if role == "P":
            if not in_padding:
                out.append('<section class="ai-commentary">\n')
                in_padding = True
            if kind == "padhead":
                out.append(f"<h2>{t}</h2>\n")
            else:
                out.append(f"<p>{t}</p>\n" if kind == "padline" else f'<p class="bullet">{t}</p>\n')
            continue
        if in_padding:
            out.append("</section>\n")
            in_padding = False
        if kind == "headline":
            out.append(f"<h1>{t}</h1>\n")
        elif kind == "dateline":
            out.append(f'<time datetime="{iso}">{t}</time>\n')
        elif kind == "photo":
            out.append(f'<figure><img src="/img/{article_id(art.number)}.jpg" alt="">'
                       f"<figcaption>{t}</figcaption></figure>\n")
        elif kind == "readmore":
            out.append(f'<p class="read-more"><a href="/news/{_slug(text)}">{t}</a></p>\n')
        elif kind in ("relatedhead", "related"):
            aside.append(f"<h2>{t}</h2>\n" if kind == "relatedhead"
                         else f'<li><a href="/news/{_slug(text)}">{t}</a></li>\n')
        elif kind in ("copyright", "cookie"):
            footer.append(f'<p class="{kind}">{t}</p>\n')
        else:
            start, end = _BLOCK_TAGS[kind]
            out.append(f"{start}{t}{end}\n")
    if in_padding:
        out.append("</section>\n")
    out.append("</article>\n")
    if aside:
        heads = [a for a in aside if a.startswith("<h2>")]
        items = [a for a in aside if a.startswith("<li>")]
        out.append(f'<aside class="related">\n{"".join(heads)}<ul>\n{"".join(items)}</ul>\n</aside>\n')
    out.append(f'</main>\n<footer class="site-footer">\n{"".join(footer)}'
               f'<ul class="footer-links"><li><a href="/about/">About us</a></li>'
               f'<li><a href="/privacy/">Privacy policy</a></li>'
               f'<li><a href="/contact/">Contact</a></li></ul>\n'
               f"</footer>\n</body>\n</html>\n")
    return "".join(out)


def _slug(headline: str) -> str:
    return "-".join(_WORD.findall(headline.lower())[:8])


# --- writing ---------------------------------------------------------------------------------------------

def _params(n_articles: int, seed: int, formats: tuple[str, ...]) -> dict[str, Any]:
    return {"generator_version": GENERATOR_VERSION, "n_articles": n_articles, "seed": seed,
            "formats": list(formats)}


def _cached(out_dir: Path, params: dict[str, Any]) -> CorpusInfo | None:
    try:
        stored = json.loads((out_dir / "info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stored.get("params") != params or (out_dir / _INCOMPLETE).exists():
        return None
    return CorpusInfo(**stored["info"])


def _clear(out_dir: Path) -> None:
    """Remove an earlier generation (only one this module wrote: it left info.json or its marker)."""
    if not out_dir.exists():
        return
    ours = (out_dir / "info.json").exists() or (out_dir / _INCOMPLETE).exists()
    if not ours:
        if any(out_dir.iterdir()):
            raise FileExistsError(f"{out_dir} is not empty and holds no generated corpus; not overwriting it")
        return
    for name in ("text", "html", "truth"):
        shutil.rmtree(out_dir / name, ignore_errors=True)
    for name in ("articles.jsonl", "info.json"):
        (out_dir / name).unlink(missing_ok=True)


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def generate(out_dir: Path, n_articles: int, seed: int = 0,
             formats: tuple[str, ...] = ("text", "html")) -> CorpusInfo:
    """Write a corpus of ``n_articles`` articles under ``out_dir`` (see the module docs for the layout),
    or return the counts of the one already there with the same parameters."""
    out_dir = Path(out_dir)
    if n_articles < 1:
        raise ValueError("n_articles must be positive")
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown format(s): {', '.join(unknown)}; known: {', '.join(FORMATS)}")
    formats = tuple(f for f in FORMATS if f in formats)
    params = _params(n_articles, seed, formats)
    cached = _cached(out_dir, params)
    if cached is not None:
        return cached
    _clear(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / _INCOMPLETE).touch()
    gen = _Generator(n_articles, seed)
    for fmt in formats:
        for site in gen.sites:
            (out_dir / fmt / site.domain).mkdir(parents=True, exist_ok=True)
    (out_dir / "truth").mkdir(exist_ok=True)
    kinds = dict.fromkeys(PARAGRAPH_KINDS, 0)
    doc_kinds = dict.fromkeys(DOCUMENT_KINDS, 0)
    lines_by_role = dict.fromkeys(_ROLE_NAMES.values(), 0)
    sizes = {**dict.fromkeys(formats, 0), "jsonl": 0, "truth": 0}
    n_paragraphs = body_words = within_docs = 0
    write_text, write_html = "text" in formats, "html" in formats
    with open(out_dir / "articles.jsonl", "w", encoding="utf-8", newline="\n") as articles, \
            open(out_dir / "truth" / "paragraphs.jsonl", "w", encoding="utf-8", newline="\n") as truth_p, \
            open(out_dir / "truth" / "documents.jsonl", "w", encoding="utf-8", newline="\n") as truth_d, \
            open(out_dir / "truth" / "lines.jsonl", "w", encoding="utf-8", newline="\n") as truth_l:
        for number in range(n_articles):
            art = gen.article(number)
            site = gen.sites[art.site]
            aid = article_id(number)
            lines, meta = _page_lines(gen, art)
            text = "\n".join(t for _, _, t in lines) + "\n"
            url = (f"https://www.{site.domain}/{site.sections[number % len(site.sections)].lower()}/"
                   f"{art.published:%Y/%m/%d}/{_slug(meta['headline'])}-{aid}")
            if write_text:
                data = text.encode("utf-8")
                with open(out_dir / "text" / site.domain / f"{aid}.txt", "wb") as f:
                    f.write(data)
                sizes["text"] += len(data)
            if write_html:
                data = _html_page(site, art, lines, meta, url).encode("utf-8")
                with open(out_dir / "html" / site.domain / f"{aid}.html", "wb") as f:
                    f.write(data)
                sizes["html"] += len(data)
            sizes["jsonl"] += _write(articles, {"id": aid, "site": site.domain, "url": url,
                                                "published": art.published.isoformat(), "text": text})
            roles = "".join(r for r, _, _ in lines)
            sizes["truth"] += _write(truth_l, {"article_id": aid, "roles": roles})
            for r in roles:
                lines_by_role[_ROLE_NAMES[r]] += 1
            n_paragraphs += len(art.paragraphs)
            body_words += sum(p.text.count(" ") + 1 for p in art.paragraphs)
            within = _truth_paragraphs(art, kinds, truth_p, sizes)
            within_docs += within
            if art.root != number:
                kind, fraction = _document_kind(art)
                doc_kinds[kind] += 1
                sizes["truth"] += _write(truth_d, {
                    "article_id": aid, "original_article_id": article_id(art.root), "kind": kind,
                    "shared_fraction": fraction})
    info = CorpusInfo(
        articles=n_articles, sites=len(gen.sites), padded_sites=sum(1 for s in gen.sites if s.padding),
        paragraphs=n_paragraphs, body_words=body_words, lines=lines_by_role, duplicate_paragraphs=kinds,
        within_documents=within_docs, syndicated_documents=sum(doc_kinds.values()),
        syndicated_by_kind=doc_kinds, bytes=sizes)
    record = {"params": params, "info": asdict(info)}
    (out_dir / "info.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (out_dir / _INCOMPLETE).unlink()
    return info


def _write(stream: IO[str], record: dict[str, Any]) -> int:
    line = _dump(record)
    stream.write(line)
    return len(line.encode("utf-8"))


def _truth_paragraphs(art: Article, kinds: dict[str, int], stream: IO[str], sizes: dict[str, int]) -> int:
    """Write the planted duplicates of ``art``; return 1 if it repeats one of its own paragraphs."""
    seen: set[tuple[int, int]] = set()
    within = 0
    aid = article_id(art.number)
    for para in art.paragraphs:
        root, k, root_text, ops = para.lineage
        key = (root, k)
        if root == art.number and key not in seen:
            seen.add(key)  # the first occurrence: an original
            continue
        text = para.text
        if text.count(" ") + 1 < TRUTH_MIN_WORDS:
            continue
        prefix = "within" if root == art.number else "syndicated"
        if text == root_text:
            kind = f"{prefix}_exact"
        elif prefix == "syndicated" and "t" in ops:
            kind = "syndicated_trimmed"
        else:
            kind = f"{prefix}_edited"
        within |= prefix == "within"
        kinds[kind] += 1
        score = 1.0 if text == root_text else round(para.similarity, 4)
        sizes["truth"] += _write(stream, {
            "article_id": aid, "text": text, "original_article_id": article_id(root),
            "original_text": root_text, "kind": kind, "jaccard": score})
    return within


def _document_kind(art: Article) -> tuple[str, float]:
    reproduced = {p.lineage[1] for p in art.paragraphs if p.lineage[0] == art.root}
    fraction = round(len(reproduced) / art.root_paragraphs, 4)
    if fraction < 1.0:
        return "partial_copy", fraction
    changed = any(p.lineage[0] == art.root and p.text != p.lineage[2] for p in art.paragraphs)
    return ("edited_copy" if changed else "full_copy"), fraction


# --- command line ----------------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.corpus_gen",
                                     description="Write a seeded synthetic news corpus with ground truth.")
    parser.add_argument("out", type=Path, help="output folder")
    parser.add_argument("--articles", type=int, default=1000, help="number of articles (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="text,html", help="comma-separated: text, html (default both)")
    parser.add_argument("--force", action="store_true", help="regenerate even when cached")
    args = parser.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    if args.force:
        _clear(args.out)
    started = time.perf_counter()
    info = generate(args.out, args.articles, seed=args.seed, formats=formats)
    print(json.dumps(asdict(info), indent=2))
    print(f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
