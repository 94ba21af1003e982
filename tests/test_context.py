"""A block's features in its page: what the models read, checked on lines written for these tests."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.clean.context import (
    FACT_FEATURES,
    FEATURES,
    OWN_FEATURES,
    EncodedLines,
    fact_features,
    lexical_features,
    page_features,
    token_buckets,
    topic_features,
    word_class_features,
)
from dedupe.clean.line_features import line_features_batch
from dedupe.clean.rules import COMMENTARY_WORDS


def _words(lines: list[str]) -> list[list[int]]:
    buckets = token_buckets(EncodedLines.of([line.lower() for line in lines]))
    return [buckets.flat[a:b].tolist() for a, b in zip(buckets.offsets[:-1], buckets.offsets[1:], strict=True)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab c—,.é東\t", max_size=12), max_size=8))
def test_word_buckets_follow_the_lines(lines: list[str]) -> None:
    lines = [line.replace("\n", " ") for line in lines]
    buckets = _words(lines)
    assert len(buckets) == len(lines)
    # The same word always falls in the same bucket, whatever line it is on.
    assert _words(["ferry ferry"]) == [[_words(["ferry"])[0][0]] * 2]
    assert all(len(b) <= len(line) for b, line in zip(buckets, lines, strict=True))


def test_rare_vocabulary_shared_with_the_running_text() -> None:
    lines = ["Tidewater ferries sail from Portclare harbour every morning before dawn.",
             "Subscribe newsletter",
             "The Portclare harbour master praised the Tidewater crews on Friday evening.",
             "Horoscopes crosswords recipes"]
    prose = np.array([f.prose for f in line_features_batch(lines)])
    words = token_buckets(EncodedLines.of([line.lower() for line in lines]))
    topic = topic_features(words, np.array([0, 4]), prose)
    share = topic[:, 0].tolist()
    assert share[0] > 0.3 and share[2] > 0.3  # the story's lines share its names
    assert share[3] == 0.0  # a menu speaks of other things
    # Another document does not count.
    alone = topic_features(words, np.array([0, 2, 4]), prose)
    assert alone[2, 0] == 0.0


def test_facts_a_line_adds_and_facts_it_repeats() -> None:
    lines = ["Mayor Ana Ruiz opened the Port Clare terminal on 14 April.",
             "The terminal cost Port Clare 4 million pounds, Ruiz said.",
             "This story shows how Port Clare and its mayor Ruiz see the future."]
    facts = fact_features(lines, np.array([0, 3]))
    new, novelty = facts[:, FACT_FEATURES.index("new_facts")], facts[:, FACT_FEATURES.index("fact_novelty")]
    assert novelty[2] < novelty[0] and novelty[2] < novelty[1]  # commentary adds no facts of its own
    assert new[0] > 0 and new[1] > 0
    assert fact_features(["no capitals or digits here at all"], np.array([0, 1]))[0, 1] == -1.0


def test_word_classes_and_weights_per_line() -> None:
    lines = ["Readers may find the article a timely overview", "Prices rose in May"]
    words = token_buckets(EncodedLines.of([line.lower() for line in lines]))
    classes = word_class_features(words.flat, words.offsets)
    column = {name: k for k, name in enumerate(COMMENTARY_WORDS)}
    assert classes[0, column["meta"]] > 0 and classes[0, column["hedge"]] > 0
    assert classes[1, column["meta"]] == 0
    weights = np.zeros(1 << 18, np.float32)
    weights[words.flat[words.offsets[1]:words.offsets[2]]] = 2.0
    lexical = lexical_features(words.flat, words.offsets, weights)
    assert lexical[1].tolist() == [2.0, 2.0, 2.0, 1.0] and lexical[0, 0] < 2.0


def test_page_features_are_computed_document_by_document() -> None:
    own = np.random.default_rng(0).random((7, len(OWN_FEATURES))).astype(np.float32)
    both = page_features(own, np.array([0, 3, 7]), np.zeros(2, np.float32))
    first = page_features(own[:3], np.array([0, 3]), np.zeros(1, np.float32))
    second = page_features(own[3:], np.array([0, 4]), np.zeros(1, np.float32))
    assert both.shape == (7, len(FEATURES))
    np.testing.assert_array_equal(both, np.vstack([first, second]))  # no document sees another
