"""The rules' shortcuts give the answers of the plain regexes: a rule set's first-character dispatch
(:class:`~dedupe.clean.rules.RuleSet`), the needles read off a pattern
(:func:`~dedupe.clean.rules.needles`) and the compiled needle search
(:class:`~dedupe.clean.needles.NeedleGroups`)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.clean import rules
from dedupe.clean.cleaner import _NEEDLE_GROUPS
from dedupe.clean.needles import NeedleGroups
from dedupe.clean.rules import RuleSet, first_chars, needles

from .conftest import shared_or_skip

RULE_SETS = {name: value for name, value in vars(rules).items() if isinstance(value, RuleSet)}
PATTERNS = [(f"{set_name}.{name}", pattern) for set_name, rule_set in RULE_SETS.items()
            for name, pattern in rule_set.pairs]
PATTERNS += [("COMMENTARY_PHRASES", rules.COMMENTARY_PHRASES.pattern)]
PATTERNS += [(f"CHROME_PHRASES.{name}", pattern.pattern) for name, _, pattern in rules.CHROME_PHRASES.entries]


def _lines() -> st.SearchStrategy[str]:
    """Matches of the rules, their near misses (a character added, dropped or changed in front)
    and any text: what the shortcuts must not change the answer on."""
    matches = st.one_of(*(st.from_regex(pattern) for _, pattern in PATTERNS))
    edited = st.tuples(matches, st.text(max_size=2), st.integers(0, 2)).map(lambda t: t[1] + t[0][t[2]:])
    return st.one_of(matches, edited, st.text()).map(str.lower)


@settings(max_examples=1000, deadline=None)
@given(_lines())
def test_dispatch_is_the_whole_alternation(line: str) -> None:
    for rule_set in RULE_SETS.values():
        assert rule_set.match(line) == rule_set.match_all(line)


@settings(max_examples=1000, deadline=None)
@given(_lines())
def test_needle_groups_are_substring_tests(line: str) -> None:
    lines = [line.replace("\n", " "), "plain", line.replace("\n", "")]
    expected = [sum(1 << k for k, group in enumerate(_NEEDLE_GROUPS.groups)
                    if group is None or any(n in text for n in group)) for text in lines]
    assert _NEEDLE_GROUPS.masks(lines) == expected


@pytest.mark.parametrize(("name", "pattern"), PATTERNS)
def test_every_match_holds_a_needle(name: str, pattern: str) -> None:
    found = needles(pattern)
    if found is None:
        return
    compiled = re.compile(pattern)

    @settings(max_examples=200, deadline=None)
    @given(st.from_regex(pattern))
    def check(text: str) -> None:
        if compiled.search(text):
            assert any(n in text for n in found), (name, text)

    check()


def test_first_chars_and_needles() -> None:
    assert first_chars(r"^(?:listen|share)\b") == frozenset("ls")
    assert first_chars(r"^\d*\s*comments?$") is None  # a digit class: any
    assert first_chars(r"^(?:a|b?)c") == frozenset("abc")
    assert first_chars(r"(?i)^a") is None
    assert needles(r"^what\s+\w+\s+says$") == frozenset({"what"})
    assert needles(r"^(?:ab|c)?d") == frozenset({"d"})
    assert needles(r"^x+(?:yy|zz)") == frozenset({"yy", "zz"})
    assert needles(r"^\w+$") is None


def test_needle_groups_edges() -> None:
    groups = NeedleGroups([("ab", "é"), ("b",), None])
    # A line holding a newline cannot be told apart: every group is reported, the regex decides.
    assert groups.masks(["xab", "é", "", "b"]) == [0b111, 0b101, 0b100, 0b110]
    assert groups.masks(["a\nb", "c"]) == [0b111, 0b111]


def test_eval_lines() -> None:
    """Every line of the evaluation pages, and variants of them."""
    shared_or_skip("eval")
    from dedupe.document import Document, InputFile
    from dedupe.readers.formats import read_input
    from dedupe.segment import segment_document
    from dedupe.settings import Settings
    from dedupe.train.evalsets import SETS, eval_pages

    s = Settings()
    lines: set[str] = set()
    for set_name in SETS:
        for page in eval_pages(set_name):
            path = page.path("text")
            item = InputFile(str(path), path.name, str(path.parent), path.stat().st_size, 0)
            for doc in read_input(item, s):
                if isinstance(doc, Document):
                    lines.update(b.text.lower() for b in segment_document(doc, s).blocks)
    variants = sorted(lines | {line[1:] for line in lines} | {f"what {line[:30]} says" for line in lines})
    for rule_set in RULE_SETS.values():
        assert [rule_set.match(v) for v in variants] == [rule_set.match_all(v) for v in variants]
    masks = _NEEDLE_GROUPS.masks(variants)
    for k, group in enumerate(_NEEDLE_GROUPS.groups):
        if group is not None:
            assert [bool(m >> k & 1) for m in masks] == [any(n in v for n in group) for v in variants]
