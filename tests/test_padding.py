"""AI padding judged by its text: the run decisions, and the cleaner on pages written for these tests.

None of these sentences come from the seeds, the evaluation pages or the padding generator: the
padding model must recognise commentary it has never seen, and leave newsroom sections alone.
"""

from __future__ import annotations

from dedupe.clean import clean_document
from dedupe.clean.commentary import MOST, RUN_MEMBER, SURE_ABOVE, padding_runs
from dedupe.document import Document
from dedupe.segment import segment_document
from dedupe.settings import Settings

S = Settings()

STORY = [
    "The harbour council voted on Thursday to open a second ferry route between the old town pier "
    "and the northern islands, ending two years of debate over cost and noise.",
    "Councillors approved the plan by nine votes to four after a three-hour session in which residents "
    "of the waterfront argued that evening sailings would keep them awake.",
    "The operator, Tidewater Lines, says its two new boats run on batteries for most of the 40-minute "
    "crossing and are far quieter than the diesel ferries they replace.",
    "Fares will be capped at £4.20 for island residents for three years, and the first sailings are "
    "planned for 14 April, weather permitting, the council's transport lead Ana Ruiz said.",
    "Opponents have until the end of the month to lodge a formal appeal with the regional planning "
    "board, which could delay the first sailings by at least six months.",
]


HEADLINE = "Harbour council opens a second ferry route"


def clean(lines: list[str]) -> Document:
    """The cleaner on a page: the headline, then ``lines``."""
    doc = Document.from_text("\n".join([HEADLINE, *lines]) + "\n", path="x.txt", format="text")
    return clean_document(segment_document(doc, S), S)


def labels(doc: Document, lines: list[str]) -> list[tuple[str, str]]:
    by_text = {b.text: (b.label, b.reason) for b in doc.blocks}
    return [by_text[line] for line in lines]


# --- the run decisions -------------------------------------------------------------------------

def test_a_run_of_likely_padding_is_padding_and_the_story_resuming_ends_it() -> None:
    probabilities = [0.01, 0.9, 0.8, 0.95, RUN_MEMBER / 2, 0.9]
    words = [90, 20, 25, 20, 60, 3]
    assert padding_runs(probabilities, words, [True] * 6, threshold=0.5) == [(1, 4)]


def test_blocks_not_taken_for_article_text_are_passed_over() -> None:
    probabilities = [0.9, 0.0, 0.9]
    assert padding_runs(probabilities, [20, 5, 20], [True, False, True], threshold=0.5) == [(0, 3)]


def test_one_short_line_alone_is_not_padding() -> None:
    assert padding_runs([0.01, 0.99, 0.01], [40, 4, 40], [True] * 3, threshold=0.5) == []


def test_padding_never_takes_most_of_a_page_without_sure_runs() -> None:
    likely = [0.01, 0.7, 0.7, 0.7]  # three quarters of the words, judged only "likely"
    words = [20, 20, 20, 20]
    assert (sum(words[1:]) + 3) / (sum(words) + 4) > MOST
    assert padding_runs(likely, words, [True] * 4, threshold=0.5) == []
    sure = [0.01, SURE_ABOVE + 0.05, 0.99, 0.99]
    assert padding_runs(sure, words, [True] * 4, threshold=0.5) == [(1, 4)]


# --- the cleaner ----------------------------------------------------------------------------------

COMMENTARY = [  # about this story: its names, its readers, hedged, judged, summed up
    "This story about the harbour council's ferry vote offers a timely look at how island residents "
    "weigh convenience against quiet, and readers may find that it raises broader questions about the "
    "future of the route.",
    "Ultimately, the article suggests that the battery ferries of Tidewater Lines could reshape regional "
    "transport, although it remains unclear whether the benefits will outweigh the concerns of the "
    "waterfront.",
]


def test_a_branded_commentary_section_after_the_story_is_padding() -> None:
    heading = "What Harbourline Says:"
    doc = clean([*STORY, heading, *COMMENTARY])
    assert labels(doc, STORY) == [("content", "body")] * len(STORY)
    assert labels(doc, [heading, *COMMENTARY]) == [("padding", "padding:what_x_says")] * 3


def test_an_ai_summary_that_only_restates_the_story_is_padding() -> None:
    heading = "Portwatch AI Summary"
    summary = ("The harbour council approved a second ferry route by nine votes to four, and the battery "
               "boats of Tidewater Lines will start sailing in April unless an appeal delays them.")
    doc = clean([*STORY, heading, summary])
    assert labels(doc, STORY) == [("content", "body")] * len(STORY)
    assert labels(doc, [heading, summary]) == [("padding", "padding:brand_ai")] * 2


def test_commentary_without_any_heading_is_judged_by_its_text() -> None:
    doc = clean([*STORY, *COMMENTARY])
    assert labels(doc, STORY) == [("content", "body")] * len(STORY)
    # The text alone decides, with no heading to go by (the second paragraph, which the model is
    # sure of, at least: the first scores lower, see the padding model's card for what it misses).
    assert labels(doc, COMMENTARY[1:]) == [("padding", "padding:commentary")]


def test_newsroom_sections_with_facts_stay_whatever_their_heading() -> None:
    takeaways = ["Key Takeaways", "- The route was approved by nine votes to four on Thursday.",
                 "- Island fares are capped at £4.20 until 2028.", "- Sailings start on 14 April."]
    why = ["Why It Matters", "The islands have had no evening connection since the old ferry was "
           "withdrawn in 2019, and 1,200 residents commute to the mainland every day."]
    faq = ["FAQ", "When do sailings start? On 14 April, weather permitting.",
           "How much will a ticket cost? £4.20 for residents, £7.50 for visitors."]
    lines = [STORY[0], *takeaways, STORY[1], *why, *STORY[2:], *faq]
    doc = clean(lines)
    assert all(label == "content" for label, _ in labels(doc, [*STORY, *takeaways[1:], why[1], *faq[1:]]))


def test_a_product_review_of_an_ai_gadget_is_no_ai_summary() -> None:
    heading = "Lumen Slate 14 AI review"
    review = ["The Lumen Slate 14 weighs 1.2 kilograms and its battery lasted 14 hours in our video test, "
              "four more than last year's model.",
              "Its 14-inch screen reaches 500 nits, bright enough for a sunny train, but the speakers are thin."]
    doc = clean(["Best laptops of the year", heading, *review, *STORY[:2]])
    assert all(label == "content" for label, _ in labels(doc, review))
