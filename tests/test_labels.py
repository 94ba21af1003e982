"""Training labels: which blocks of a scraped page are article text, by alignment with the truth."""

from __future__ import annotations

from dedupe.train.labels import aligned_shares
from dedupe.train.metrics import CATASTROPHE_DROP, summarise, word_prf


def test_blocks_are_article_text_when_their_words_align_in_order() -> None:
    truth = ("The council voted to open a second ferry route.\nResidents argued about the noise for weeks.\n"
             "Share prices of the operator rose.")
    blocks = ["Home", "Share", "The council voted to open a second ferry route.", "Related: storms",
              "Residents argued about the noise for weeks.", "Share prices of the operator rose.", "Share"]
    shares = aligned_shares(blocks, truth)
    # "Share" is a word of the story, but not a line of it: the menu item stays out.
    assert [round(s) for s in shares] == [0, 0, 1, 0, 1, 1, 0]


def test_a_paragraph_the_truth_merged_or_split_still_aligns() -> None:
    truth = "First sentence of the story. Second sentence of the story."
    shares = aligned_shares(["First sentence of the story.", "Second sentence of the story."], truth)
    assert shares == [1.0, 1.0]
    shares = aligned_shares(["First sentence of the story. Second sentence of the story. Read more"], truth)
    assert 0.8 < shares[0] < 1.0


def test_blocks_without_words_follow_their_neighbours() -> None:
    shares = aligned_shares(["The council voted on Thursday.", "—", "Residents argued about the noise."],
                            "The council voted on Thursday. Residents argued about the noise.")
    assert shares == [1.0, 1.0, 1.0]


def test_the_word_metric_and_the_catastrophe_count() -> None:
    assert word_prf("a b c", "a b c d") == (1.0, 0.75, 2 * 0.75 / 1.75)
    assert word_prf("", "") == (1.0, 1.0, 1.0) and word_prf("", "x") == (0.0, 0.0, 0.0)
    baseline = {"p1": (0.5, 1.0, 0.67), "p2": (0.5, 1.0, 0.67)}
    ours = {"p1": (1.0, 1.0, 1.0), "p2": (1.0, 0.3, 0.67 - CATASTROPHE_DROP - 0.01)}
    figures = summarise(ours, baseline)
    assert figures["catastrophes"] == 1 and figures["pages"] == 2
