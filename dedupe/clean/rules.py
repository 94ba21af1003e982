"""Cleaning rules as data: named, versioned pattern lists. The cleaner only interprets them.

Each rule is ``(name, pattern)``; the name is what a block's ``reason`` records (``chrome:share``,
``padding:what_x_says``), so every removal can be traced to one line here. Patterns are matched
against a whole block, case-insensitively, after trimming. They describe *families* of wording
("What <Site> Says", "<Brand> AI Summary"), never one page's literal text, and carry the cheap
multilingual variants (Ukrainian, Russian, German, French, Spanish, Portuguese).

Change a pattern, bump :data:`RULES_VERSION` (stored with every run's settings).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from typing import Any, Final

RULES_VERSION: Final = "2026.11.21"



_UPPER_LITERAL = re.compile(r"(?<!\\)(?<!\\[pPN])[A-Z]")

#: The regex parser, to read what a pattern's matches start with or hold (no stubs: typed Any).
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
#: Widest character range (``[a-z]``) :func:`first_chars` spells out; a wider one counts as any.
_RANGE_MAX: Final = 256


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, from its parsed form; None when it
    may start with any character (or match the empty string). Conservative: what is not
    understood counts as any character, zero-width items (``^``, ``\\b``, look-arounds) are
    passed over (they only constrain).

    >>> sorted(first_chars(r"^(?:share|tweet)\\b") or ()), first_chars(r"^\\d+"), first_chars(r"^a?$")
    (['s', 't'], None, None)
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    chars, nullable = _first_of_sequence(list(parsed))
    return None if chars is None or nullable else frozenset(chars)


def _first_of_sequence(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """First characters of a sequence of parsed items (None: any), and whether it can match empty."""
    found: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_item(op, av)
        if chars is None:
            return None, True
        found |= chars
        if not nullable:
            return found, False
    return found, True


def _first_of_item(op: Any, av: Any) -> tuple[set[str] | None, bool]:
    if op is _c.LITERAL:
        return {chr(av)}, False
    if op is _c.IN:
        chars: set[str] = set()
        for kind, value in av:
            if kind is _c.LITERAL:
                chars.add(chr(value))
            elif kind is _c.RANGE and value[1] - value[0] < _RANGE_MAX:
                chars.update(chr(c) for c in range(value[0], value[1] + 1))
            else:  # a category (\\d, \\w), a negation, a wide range
                return None, True
        return chars, False
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero-width: the next item consumes the first character
        return set(), True
    if op is _c.SUBPATTERN:
        _, add_flags, _, sub = av
        return (None, True) if add_flags & re.IGNORECASE else _first_of_sequence(list(sub))
    if op is _c.ATOMIC_GROUP:
        return _first_of_sequence(list(av))
    if op is _c.BRANCH:
        union: set[str] = set()
        any_nullable = False
        for alternative in av[1]:
            chars_of, nullable = _first_of_sequence(list(alternative))
            if chars_of is None:
                return None, True
            union |= chars_of
            any_nullable = any_nullable or nullable
        return union, any_nullable
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
        low, high, sub = av
        if high == 0:
            return set(), True
        chars_of, nullable = _first_of_sequence(list(sub))
        return chars_of, nullable or low == 0
    return None, True  # ANY, NOT_LITERAL, group references...


def needles(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, from its parsed form (the set
    whose shortest string is longest); None when no such set is found. A line holding none of them
    cannot match: a substring test (:mod:`dedupe.clean.needles`) saves the regex.

    >>> sorted(needles(r"\\b(?:this|the) (?:article|story)\\b") or ()), needles(r"^\\d+$")
    (['article', 'story'], None)
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & re.IGNORECASE:
        return None
    return _needles_of_sequence(list(parsed))


def _needles_of_sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The best needle set of a sequence: a run of literals, or any mandatory item's set."""
    options: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            options.append(frozenset(("".join(run),)))
            run = []
        found = _needles_of_item(op, av)
        if found:
            options.append(found)
    if run:
        options.append(frozenset(("".join(run),)))
    return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _needles_of_item(op: Any, av: Any) -> frozenset[str] | None:
    if op is _c.SUBPATTERN:
        _, add_flags, _, sub = av
        return None if add_flags & re.IGNORECASE else _needles_of_sequence(list(sub))
    if op is _c.ATOMIC_GROUP:
        return _needles_of_sequence(list(av))
    if op is _c.BRANCH:  # each alternative brings one of its own
        union: set[str] = set()
        for alternative in av[1]:
            found = _needles_of_sequence(list(alternative))
            if not found:
                return None
            union |= found
        return frozenset(union)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _needles_of_sequence(list(av[2]))
    return None  # optional, zero-width, a character class...


class RuleSet:
    """Named patterns compiled into one alternation: one regex search per line, whatever the count.

    Patterns are written in lower case and matched against lower-cased text: case-sensitive
    matching is about twice as fast as ``re.IGNORECASE``, and it runs on every line of every page.

    A line is matched against the alternation of only the rules that can start with its first
    character (:func:`first_chars`), in their order: the first rule that matches is the same as in
    the whole alternation, the regex engine just does not try the others (rule sets are mostly
    words to start a line with; a line's first letter rules most of them out).

    >>> rules = RuleSet(("a", r"^alpha$"), ("b", r"^beta\\b"))
    >>> rules.match("beta version"), rules.match("gamma")
    ('b', None)
    """

    def __init__(self, *pairs: tuple[str, str]) -> None:
        for name, pattern in pairs:  # a bad pattern fails here, alone, not inside the alternation
            re.compile(pattern)
            if _UPPER_LITERAL.search(pattern):
                raise ValueError(f"rule {name}: patterns match lower-cased text, write them in lower case")
        self.pairs = pairs
        self._combined = _alternation(pairs)
        starts = [first_chars(pattern) for _, pattern in pairs]
        known = set().union(*(chars for chars in starts if chars is not None))
        #: Per first character, the alternation of the rules that can start with it (None: no rule).
        self._by_first: dict[str, re.Pattern[str] | None] = {
            char: _alternation([pair for pair, chars in zip(pairs, starts, strict=True)
                                if chars is None or char in chars])
            for char in known}
        self._by_first[""] = self._combined  # the empty line: whatever the whole alternation says
        #: Lines starting with any other character.
        self._others = _alternation([pair for pair, chars in zip(pairs, starts, strict=True)
                                     if chars is None])
        found = [needles(pattern) for _, pattern in pairs]
        #: A line that matches holds one of these (None: some rule has no needles).
        self.needles: frozenset[str] | None = (
            None if any(f is None for f in found) else frozenset().union(*(f for f in found if f)))

    def match(self, text: str) -> str | None:
        """Name of the first rule whose pattern matches the start of ``text`` (lower-cased)."""
        pattern = self._by_first.get(text[:1], self._others)
        if pattern is None:
            return None
        found = pattern.match(text)
        return found.lastgroup if found else None

    def match_all(self, text: str) -> str | None:
        """:meth:`match` by the whole alternation (what the dispatch must agree with)."""
        found = self._combined.match(text) if self._combined is not None else None
        return found.lastgroup if found else None


def _alternation(pairs: Sequence[tuple[str, str]]) -> re.Pattern[str] | None:
    if not pairs:
        return None
    return re.compile("|".join(f"(?P<{n}>{p})" for n, p in pairs), re.UNICODE)


_rules = RuleSet


def holds_any(text: str, needles: tuple[str, ...]) -> bool:
    """Whether ``text`` contains one of ``needles`` (plain substring tests: no regex, no generator)."""
    for needle in needles:  # noqa: SIM110 - a loop is faster than any() over a generator here
        if needle in text:
            return True
    return False


class PhraseRules:
    """Patterns searched anywhere in a line, each only when the line holds one of its needles
    (a plain substring test, far cheaper than a regex search over every line).

    >>> rules = PhraseRules([("rights", ("reserved",), r"\\brights reserved\\b")])
    >>> rules.match("© acme. all rights reserved."), rules.match("the reserved seats")
    ('rights', None)
    """

    def __init__(self, entries: Sequence[tuple[str, tuple[str, ...], str]]) -> None:
        for name, _, pattern in entries:
            if _UPPER_LITERAL.search(pattern):
                raise ValueError(f"rule {name}: patterns match lower-cased text, write them in lower case")
        self.entries = [(name, tuple(needles), re.compile(pattern)) for name, needles, pattern in entries]

    def match(self, text: str) -> str | None:
        for name, needles, pattern in self.entries:
            if holds_any(text, needles) and pattern.search(text):
                return name
        return None

    def match_present(self, text: str, present: int) -> str | None:
        """:meth:`match`, told which entries' needles ``text`` holds (bit ``k``: entry ``k``'s,
        as :class:`~dedupe.clean.needles.NeedleGroups` of :attr:`entries`' needles finds)."""
        k = 0
        while present:
            if present & 1 and self.entries[k][2].search(text):
                return self.entries[k][0]
            present >>= 1
            k += 1
        return None


_END = r"\s*[:.!]?\s*$"
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|"
           r"січ\w*|лют\w*|берез\w*|квіт\w*|трав\w*|черв\w*|лип\w*|серп\w*|верес\w*|жовт\w*|листоп\w*|груд\w*|"
           r"янв\w*|фев\w*|мар\w*|апр\w*|ма[яй]|июн\w*|июл\w*|авг\w*|сен\w*|окт\w*|ноя\w*|дек\w*|"
           r"januar|februar|märz|mai|juni|juli|oktober|dezember|"
           r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre|"
           r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
           r"janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro)")
_WEEKDAYS = (r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?|"
             r"понеділок|вівторок|середа|четвер|п'ятниця|субота|неділя")
_TIME = (r"(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?)"  # 09:24, 3:05 pm, 3 AM
         r"(?:\s*(?:[a-z]{2,4})(?:[+-]\d+)?)?")
_DATE = (rf"(?:(?:{_WEEKDAYS}),?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?\.?\s+{_MONTHS}\.?,?\s+\d{{4}}"
         rf"|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]{_TIME})?"
         rf"|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}})")

#: A block that is a date, a time, or both ("11 April 2025, 09:24", "2025-04-11", "Updated 3:05 PM EST").
DATELINE: Final = re.compile(
    rf"^(?:(?:published|updated|posted|last updated|опубліковано|оновлено|опубликовано)\s*(?:on|at)?:?\s*)?"
    rf"(?:{_DATE})(?:\s*(?:,|at|\||·|-|о|в)?\s*{_TIME})?(?:\s*updated\b.{{0,30}})?\s*$"
    rf"|^(?:updated\s+)?{_TIME}\s*$",
    re.IGNORECASE,
)

#: How every byline starts (lower-cased): BYLINE is only tried on lines starting so.
BYLINE_STARTS: Final = ("by ", "written by", "words by", "reporting by", "story by", "von ", "par ", "por ",
                        "автор", "от ")
#: Bylines: "By Jane Doe", "Written by ...", "Автор: ...". Group ``name`` is the author.
BYLINE: Final = re.compile(
    r"^(?:by|written by|words by|reporting by|story by|von|par|por|автор(?:ка)?:?|от)\s+"
    r"(?P<name>[\w.'’-]+(?:\s+[\w.'’-]+){0,3}(?:\s*(?:,|and|&|і|и|und|et|y)\s*[\w.'’-]+(?:\s+[\w.'’-]+){0,3})*)"
    r"(?:\s*[,|·•]\s*.*)?$",
    re.IGNORECASE,
)

_NEWSLETTER = (r"^(?:sign up|subscribe|get|join)\b.{0,160}\b(?:newsletters?|inbox|alerts?|email updates|"
               r"briefing)\b.{0,80}$|^(?:subscribe(?: now)?|newsletters?|sign up|підписатися|"
               r"подписаться)\s*[:.!]?$|^privacy (?:notice|policy)\s*:.{0,400}$")
_COPYRIGHT = r"^(?:©|\(c\)|copyright\b).{0,300}$"
_APPEAL = (r"^(?:dear reader|support (?:our|independent|quality) journalism|become a (?:member|subscriber|"
           r"patron|supporter)|donate (?:now|today)|please consider (?:supporting|subscribing|donating))"
           r"\b.{0,600}$")
# A bio names its person (capitalised: (?-i:...) switches the rules' case-insensitivity off) and
# a writing job. The cleaner applies it in the second half of a document only: a story's first
# sentence may well be "Maria Ressa is a journalist who...".
AUTHOR_BIO: Final = re.compile(
    r"^(?:i am|i'm) (?:an? |the )?(?:[\w-]+ ){0,3}(?:editor|writer|journalist|reporter|author|"
    r"contributor|columnist|correspondent|blogger)\b.{0,600}$|"
    r"^(?-i:(?:[A-Z][\w.]*['’]s )?[A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){1,3}) (?:is|was|has been) (?:an?|the) "
    r"(?:[\w.,'’-]+ ){0,6}(?:editor|writer|journalist|reporter|contributor|columnist|correspondent|"
    r"author|chief|producer|host|anchor|critic)\b.{0,600}$",
    re.IGNORECASE,
)

#: Whole-block chrome: widgets, calls to action, navigation, credits, legal lines. Applied to
#: lines of up to ``SHORT_LINE_WORDS`` words.
CHROME_LINES: Final = _rules(
    ("listen", rf"^(?:listen to (?:this|the) (?:post|article|story)|listen(?: now)?|audio version|"
               rf"слухати|прослушать)(?:\s*\(?\d+\s*min\w*\)?)?{_END}"),
    ("share", rf"^(?:share(?: (?:this|the))?(?: (?:article|post|story|page))?(?: (?:on|to|via))?"
              rf"(?: (?:facebook|twitter|x|linkedin|whatsapp|email|telegram))?|поділитися|поделиться|"
              rf"teilen|partager|compartir|compartilhar|tweet|pin it|copy link|copied)\s*:?{_END}"),
    ("share_buttons", r"^(?:(?:facebook|twitter|x|linkedin|whatsapp|email|e-mail|telegram|reddit|"
                      r"pinterest|flipboard|print|copy link|share|comments?)[\s,|·•/]*){2,}$"),
    ("table_of_contents", rf"^(?:table of contents|contents|зміст|содержание|inhalt){_END}"),
    ("source_link", rf"^(?:source link|source|original (?:article|source)|джерело|источник)"
                    rf"(?:\s*:\s*\S.{{0,60}})?{_END}"),
    ("posted_in", rf"^(?:posted|filed|published) (?:in|under)(?:\s*:?\s*[\w ,&/-]{{0,60}})?{_END}"),
    ("leave_comment", rf"^(?:leave a (?:comment|reply)|add (?:a )?comment|post a comment|"
                      rf"\d*\s*comments?|view comments|show comments|join the (?:conversation|discussion)|"
                      rf"коментарі|комментарии)(?:\s*\(\d+\))?{_END}"),
    ("prev_next", rf"^(?:previous|prev|next|older|newer)(?: (?:article|post|story))?"
                  rf"(?:\s*[|/·]?\s*(?:previous|next|older|newer)(?: (?:article|post|story))?)?{_END}"),
    ("advertisement", rf"^(?:advertisement|advertising|sponsored(?: content)?|ad|ads by \w+|"
                      rf"реклама|anzeige|publicité|publicidad|publicidade|story continues below"
                      rf"(?: (?:this )?advertisement)?|continue reading below){_END}"),
    ("newsletter", _NEWSLETTER),
    ("follow_us", r"^(?:follow us|follow (?:\w+ )?on (?:twitter|x|facebook|instagram|telegram|google news)|"
                  r"like us on facebook|стежте за нами|подписывайтесь на нас).{0,80}$"),
    ("read_more", rf"^(?:read more|read next|read also|more:|see also|related|related (?:articles|stories|"
                  rf"posts|coverage|content|topics)|recommended|more (?:from|on) [\w .'-]{{1,40}}|"
                  rf"читайте також|читайте также|ещё по теме|lesen sie auch|à lire aussi|lea también|"
                  rf"leia também|you (?:may|might) also like|trending(?: now)?|most (?:read|popular))"
                  rf"(?:\s*:.{{0,200}})?{_END}"),
    ("copyright", _COPYRIGHT),
    ("photo_credit", r"^(?:photo|image|credit|фото)s?\s*:\s*.{1,80}$|"
                     r"^\(?(?:getty(?: images)?|shutterstock|unsplash|istock|ap photo|afp|reuters)\)?$"),
    ("skip_link", r"^(?:skip to (?:main )?(?:content|navigation|search)|jump to|back to top|scroll to top|"
                  r"menu|search|close|open menu|toggle navigation|sign in|log in|log out|register)\s*$"),
    ("image_source", rf"^(?:image source|image credit|featured image|image via|images? courtesy(?: of)?)"
                     rf"(?:\s*:\s*.{{0,80}})?{_END}"),
    ("reported_by", rf"^(?:reported by|edited by|additional reporting(?: by)?|compiled by)"
                    rf"(?:\s*:?\s*[\w ,.&'-]{{0,80}})?{_END}"),
    ("url_only", r"^(?:https?://|www\.)\S+$"),
    ("appeal", _APPEAL),
    ("rate_article", r"^(?:was this (?:article|page) (?:helpful|useful)\??|rate this (?:article|post)|"
                     r"(?:\d+ )?(?:likes?|views?|shares?|reads?)|print(?: this)?(?: article)?|"
                     r"save(?: article| for later)?|bookmark)\s*$"),
)

#: Longer lines are only checked against these (the rest of CHROME_LINES are short by nature).
SHORT_LINE_WORDS: Final = 30
CHROME_LONG_LINES: Final = _rules(
    ("newsletter", _NEWSLETTER),
    ("copyright", _COPYRIGHT),
    ("appeal", _APPEAL),
)

#: Chrome told by a phrase anywhere in a line (searched, not anchored), in lines of up to
#: ``PHRASE_LINE_WORDS`` words: a cookie banner, a rights notice, a caption ending in its credit.
PHRASE_LINE_WORDS: Final = 60
CHROME_PHRASES: Final = PhraseRules([
    # (name, needles: the pattern is searched only in a line holding one of them, pattern). Every
    # match of the pattern holds a needle: the needles only save the search, never change a result.
    # "SAM LEE/AFP via Getty Images", "Photo by Jane Roe/Reuters": a credit line, photographer/agency.
    ("photo_credit", ("/",), r"^(?:(?:photo|image|picture|credit|photograph|фото|bild)s?(?: by| credit)?"
                             r"\s*:?\s*)?[\w.' -]{0,60}/\s*(?:getty images|afp|ap|reuters|epa|shutterstock|"
                             r"unsplash|istock|bloomberg|alamy|pa|anadolu|sipa|zuma|xinhua|tass|ria novosti|"
                             r"nurphoto)(?:\s+via\s+getty images)?\s*$"),
    ("cookies", ("cookie",), r"\b(?:we use cookies|this (?:web)?site uses cookies|"
                             r"cookie (?:policy|settings|preferences)|accept (?:all )?cookies)\b"),
    ("copyright", ("rights reserved",), r"\ball rights reserved\b"),
    # AP-style caption: "Biden speaks to reporters, Thursday, June 29, 2023, in Des Moines, Iowa."
    ("caption_dated", ("day, ",),
     rf",\s*(?:{_WEEKDAYS}),\s+{_MONTHS}\.?\s+\d{{1,2}},\s+\d{{4}},\s+(?:in|at|near)\s"),
    # Guardian/BBC-style caption ending in its credit: "Mercedes Gleitze in 1928. Photograph: PA".
    ("caption_labelled", ("photo", "image", "illustration", "picture", "composite"),
     r"[.!?]\s+(?:photograph|photo|image|illustration|picture|composite)"
                                 r"\s*:\s*[\w .,'’/&-]{2,80}$"),
    # "(Photo: Jane Doe/AP)": names, no figures ("(Walk 2 min/ Run 1 min)" is a workout's step).
    ("caption_credit", ("/", "via"), r"\((?![^)]*\d)\s*(?:photo|image|credit|pictured|file photo|фото)?"
                               r"\s*:?\s*[\w .,'’-]{0,60}(?:/|\bvia\b)\s*[\w .'’-]{2,40}\)\s*$"),
])


#: A heading that opens a list of chrome (references, image sources, tags): the short lines after it
#: are chrome too, until running text resumes.
CHROME_SECTION_HEADINGS: Final = _rules(
    ("references", rf"^(?:references|sources|further reading|external links|bibliography|джерела|"
                   rf"источники|quellen){_END}"),
    ("image_sources", rf"^(?:image sources?|photo credits?|image credits?){_END}"),
    ("tags", rf"^(?:tags|topics|categories|filed under|теги|мітки|темы){_END}"),
    ("related", rf"^(?:related(?: (?:articles|stories|posts|content|coverage|topics|news))?|"
                rf"more (?:stories|news|articles)|recommended(?: for you)?|you (?:may|might) also like|"
                rf"read (?:more|next)|trending|most (?:read|popular)|popular (?:posts|stories)|"
                rf"latest (?:news|stories|articles)|читайте також|читайте также){_END}"),
)

#: Rules whose matches the block model may overrule: on the development sets more than 2 % of the
#: words they take are article text (a dateline inside the story, "Source: ..." credits of a
#: table, a caption the article keeps). Where the model agrees, the rule still names the chrome.
MODEL_CHECKED_RULES: Final = frozenset({
    "chrome:dateline", "chrome:author_bio", "chrome:promo", "chrome:url_only", "chrome:read_more",
    "chrome:caption_credit", "chrome:references", "chrome:appeal", "chrome:source_link",
    "chrome:image_source", "chrome:image_sources", "chrome:posted_in", "chrome:rate_article",
    "chrome:related", "chrome:share_buttons",
})

#: Headings that open an AI-commentary padding section; it runs to the end of the document, or to
#: a heading that restarts the story (a repeat of the title). These wordings are the templates' own.
PADDING_HEADINGS: Final = _rules(
    # "What Undercode Says:", "What The Hacker News Says" - a brand commenting on the story it
    # reprints. Newsroom sections ("What People Are Saying", "What Experts Say") are excluded.
    ("what_x_says", r"^what\s+(?!(?:people|experts|analysts|officials|critics|others|they|we|fans|"
     r"residents|lawmakers|the (?:data|research|science|law|experts|critics|study))\b)"
     r"[\w.&'’-]+(?:\s+[\w.&'’-]+){0,3}\s+says\s*:?\s*$"),
    # ("... AI review" is a product review: not in the list.)
    ("brand_ai", r"^(?:[\w.&'’-]+\s+){1,3}ai(?:\s+|-)(?:summary|analysis|suggested headlines?|insights?|"
     r"commentary|take|verdict|overview|highlights|perspective|assessment|breakdown|"
     r"recap)\s*:?\s*$"),
    ("ai_generated", r"^(?:ai[- ]generated|ai) (?:summary|analysis|insights?|commentary|overview)\s*:?\s*$"),
    ("suggested_headline", r"^(?:suggested|alternative|seo) (?:headlines?|titles?)\s*:?\s*$"),
    ("fact_checker", r"^(?:fact[- ]?check(?:er|ing)? (?:results?|verdict|summary|analysis)|"
                                r"fact[- ]?checker)\s*:?\s*$"),
    ("why_topic_matters", r"^why (?:this|the) (?:topic|story|issue|news) (?:matters|is important)\s*:?\s*$"),
    ("interactive_elements", r"^interactive elements?\s*:?\s*$"),
    ("transition", r"^transition\s*:.{0,300}$"),
    ("editors_note_padding", r"^editor[’']?s note\s*:\s*(?:concerns|this article (?:explores|examines|"
     r"delves)|in this article|here we|we explore).{0,600}$"),
    ("call_to_action", r"^call to action\b.{0,20}$|^cta\s*:?\s*$"),
    ("people_also_ask", r"^people also ask\b.{0,40}$"),
)

#: Padding families that are a whole line, possibly long and ending like a sentence ("Editor's
#: Note: this article explores..."): a line that is not heading-like is checked against the padding
#: headings only when it starts with one of these.
LONG_PADDING_PREFIXES: Final = ("editor", "transition", "people also ask")

#: Headings that SEO templates use but newsrooms sometimes do too ("Key Takeaways", "FAQ"): they
#: open a padding section only in a document that shows template evidence - a heading of
#: :data:`PADDING_HEADINGS`, or two different families of this list.
PADDING_HEADINGS_WEAK: Final = _rules(
    ("key_takeaways", r"^(?:key takeaways|main takeaways|takeaways|tl;?dr)\s*:?\s*$"),
    ("faq", r"^(?:frequently asked questions|faqs?)\b.{0,40}$"),
    ("practical_tips", r"^(?:practical|helpful|useful|quick|expert) tips\b.{0,60}$"),
    ("closing_message", r"^(?:closing (?:message|thoughts|remarks)|final (?:thoughts|words|verdict))"
                        r"\s*:?\s*$"),
    ("our_take", r"^(?:expert (?:insights?|opinion|analysis)|our (?:take|analysis|verdict))\s*:?\s*$"),
)

#: Words typical of a site's own name ("Floen Editorial Media", "Daily Tribune"): such a short line
#: at the top is the masthead, not the headline.
SITE_NAME_WORDS: Final = frozenset("""
    media news times post daily editorial herald tribune gazette journal press network magazine online
    today weekly chronicle observer review report wire digest hub insider blog tv radio
    новини новости вести газета
""".split())


#: Word classes of commentary *about* a story rather than the story itself (features of the
#: padding model, :mod:`dedupe.clean.commentary`, and of the block model): words about the text and
#: its readers, addressing the reader, hedging, judging, summing up, advising, abstracting, and the
#: words of reporting that padding lacks. Whole lower-case words, matched through the word
#: buckets of :func:`dedupe.clean.context.token_buckets`.
COMMENTARY_WORDS: Final = {
    "meta": """article articles story stories report reports reporting piece coverage headline headlines
        author authors journalist journalists outlet outlets publication narrative narratives reader
        readers audience audiences viewers summary analysis commentary takeaway takeaways overview
        content post blog writer""",
    "you": "you your yours yourself",
    "we": "we our ours us",
    "hedge": """may might could likely possibly perhaps potentially seems seem seemed appears appear
        suggests suggest arguably unclear uncertain probably presumably remains whether""",
    "judge": """important crucial significant notable essential vital valuable interesting compelling
        concerning balanced comprehensive insightful effective timely relevant noteworthy worth
        powerful meaningful thoughtful solid nuanced striking critical key useful helpful""",
    "sum_up": """overall summary conclusion ultimately essentially briefly altogether recap summarize
        summarise summarizes summarises highlights underscores illustrates reflects""",
    "advise": """should consider stay ensure remember recommend recommended encourage encouraged must
        tips advice informed follow subscribe share comment comments""",
    "abstract": """implications implication impact impacts significance importance context landscape
        broader wider trend trends dynamics perspective perspectives stakes debate discourse future
        outlook challenges opportunities concerns developments development role aspects""",
    "report": """said says told according announced reported stated added confirmed spokesperson
        spokesman spokeswoman officials police percent million billion yesterday monday tuesday
        wednesday thursday friday saturday sunday january february march april june july august
        september october november december""",
}

#: Phrases of commentary about a story: the text as the subject ("this article suggests", "the
#: report highlights"), its readers, and the stock hedges and conclusions of machine-written
#: analysis. Counted per line (a feature, never a decision on its own).
COMMENTARY_PHRASES: Final = re.compile(
    r"\b(?:this|the|our|that)\s+(?:article|story|report|piece|post|coverage|reporting|write-?up|"
    r"publication|narrative|headline)\b|\breaders?\b|\baudiences?\b|\bit (?:remains|is) (?:to be seen|"
    r"unclear|uncertain|worth noting)\b|\bonly time will tell\b|\bin (?:conclusion|summary|short)\b|"
    r"\b(?:overall|ultimately|notably|crucially)\b|"
    r"\b(?:highlights|underscores|sheds light on|raises questions)\b")
