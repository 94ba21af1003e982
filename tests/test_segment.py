from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.segment import group_sentences, iter_lines, iter_sentences, segment

# Text made of the characters that matter to the splitter: words, spaces, every kind of line break,
# sentence punctuation, quotes, CJK and Cyrillic letters.
_ALPHABET = st.sampled_from(
    list("abcXYZ  ") + ["\n", "\r\n", "\r", "\u2028", "\x0c", "\t", "\u00a0", "\u3000"]
    + list(".!?…。！？\"'”»)") + list("Привіт中文字") + ["Mr.", "U.S.", " J. ", "1.5"]
)
texts = st.lists(_ALPHABET, max_size=400).map("".join)


def _lines_by_definition(text: str) -> list[tuple[int, int]]:
    """Non-blank lines of ``str.splitlines``, trimmed by ``str.strip``, as spans."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            start = pos + len(line) - len(line.lstrip())
            spans.append((start, start + len(stripped)))
        pos += len(line)
    return spans


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(list("ab .") + ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e",
                                                "\x1f", "\x85", "\u2028", "\u2029", "\t", "\u00a0", "\u3000",
                                                "\u200b", "\ufeff"]), max_size=200).map("".join))
def test_lines_are_those_of_splitlines_trimmed(text: str) -> None:
    assert list(iter_lines(text)) == _lines_by_definition(text)


def _covered(text: str, spans: list[tuple[int, int]]) -> set[int]:
    return {i for s, e in spans for i in range(s, e)}


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=20, max_value=300), st.integers(min_value=1, max_value=300))
def test_offsets_are_exact_ordered_and_cover_every_visible_character(
    text: str, max_chars: int, target: int
) -> None:
    target = min(target, max_chars)
    spans = segment(text, max_block_chars=max_chars, target_block_chars=target)
    previous_end = 0
    for start, end in spans:
        block = text[start:end]
        assert 0 <= previous_end <= start < end <= len(text)
        assert block == block.strip() and block  # trimmed and non-empty
        previous_end = end
    visible = {i for i, ch in enumerate(text) if not ch.isspace()}
    assert visible <= _covered(text, spans)
    # Blocks never straddle a line break.
    for start, end in spans:
        assert len(text[start:end].splitlines()) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["The cat sat.", "Is it?", "Yes!", "Dr. Who came.", "It costs 1.5 m."]),
                min_size=1, max_size=60))
def test_long_lines_split_into_bounded_sentence_groups(sentences: list[str]) -> None:
    line = " ".join(sentences)
    spans = segment(line, max_block_chars=120, target_block_chars=50)
    if len(line) <= 120:
        assert spans == [(0, len(line))]
        return
    for start, end in spans:
        assert end - start <= 120
        # Groups end at a sentence end.
        assert line[end - 1] in ".?!"
    assert " ".join(line[s:e] for s, e in spans) == line


def test_blank_lines_and_whitespace_are_not_blocks() -> None:
    text = "\ufeffTitle\r\n\r\n   \t\n  Body line one.  \n\u00a0\nLast"
    assert [text[s:e] for s, e in segment(text)] == ["\ufeffTitle", "Body line one.", "Last"]


def test_sentences_respect_abbreviations_initials_and_decimals() -> None:
    text = ("Mr. Smith met Dr. Jones in the U.S. capital on Jan. 5. Prices rose 1.5 per cent. "
            "J. K. Rowling agreed. «Так», сказав він. Потім пішов! 中文句子。第二句。")
    got = [text[s:e] for s, e in iter_sentences(text, 0, len(text))]
    assert got == [
        "Mr. Smith met Dr. Jones in the U.S. capital on Jan. 5.",
        "Prices rose 1.5 per cent.",
        "J. K. Rowling agreed.",
        "«Так», сказав він.",
        "Потім пішов!",
        "中文句子。",
        "第二句。",
    ]


def test_words_that_look_like_abbreviations_still_end_sentences() -> None:
    text = "The cat sat. The sun rose. She said no. Then came No. 5 and Vol. 2 of the series."
    assert [text[s:e] for s, e in iter_sentences(text, 0, len(text))] == [
        "The cat sat.", "The sun rose.", "She said no.", "Then came No. 5 and Vol. 2 of the series."]


def test_quoted_sentence_end_keeps_its_closing_quote() -> None:
    text = "“We will win,” he said. “It is certain.” Then he left."
    assert [text[s:e] for s, e in iter_sentences(text, 0, len(text))] == [
        "“We will win,” he said.", "“It is certain.”", "Then he left."]


def test_unpunctuated_run_is_cut_at_whitespace() -> None:
    text = " ".join(["word"] * 500)
    spans = group_sentences(text, 0, len(text), target_chars=100, max_chars=200)
    assert all(e - s <= 200 for s, e in spans)
    assert " ".join(text[s:e] for s, e in spans) == text


def test_seed_002_single_line_article_becomes_paragraph_sized_blocks(seeds_dir) -> None:  # type: ignore[no-untyped-def]
    text = (seeds_dir / "002_7cb81bb87bd4af5a.txt").read_text(encoding="utf-8")
    first_line_end = text.index("\n")
    spans = [sp for sp in segment(text) if sp[1] <= first_line_end]
    assert len(spans) >= 20
    assert all(150 <= e - s <= 1000 for s, e in spans)
    assert text[spans[0][0]:spans[-1][1]] == text[:first_line_end].strip()
