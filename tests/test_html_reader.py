"""The HTML reader: every visible block of a page, where it sat, and what trafilatura kept of it.

Pages here are written for these tests (other sites, other layouts); the last test runs the real
pipeline, with real trafilatura, on a real page.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pytest

from dedupe.document import InputProblem
from dedupe.readers.dom import DOM_FEATURES, dom_features, dump_blocks, parse
from dedupe.readers.html import LINE_FEATURES, extract_html, headline_blocks, kept_share
from dedupe.run import run_pipeline

STORY = ("The harbour council voted on Thursday to open a second ferry route between the old town pier "
         "and the northern islands, ending two years of debate over cost and noise.")
MORE = ("Councillors approved the plan by nine votes to four after a three-hour session in which residents "
        "of the waterfront argued that evening sailings would keep them awake.")


def page(body: str, title: str = "Ferry route approved") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


def texts(html: str) -> list[str]:
    return [b.text for b in dump_blocks(parse(html))]


def column(html: str, name: str) -> list[float]:
    return [float(v) for v in dom_features(dump_blocks(parse(html)))[:, DOM_FEATURES.index(name)]]


def test_blocks_are_visible_elements_with_inline_text_merged() -> None:
    html = page(f"<div><p>{STORY[:40]}<b>bold</b> <a href='#'>link</a> end.</p>"
                "<ul><li>One</li><li>Two <i>too</i></li></ul><p>a<br>b</p></div>")
    assert texts(html) == [f"{STORY[:40]}bold link end.", "One", "Two too", "a", "b"]


@pytest.mark.parametrize("hidden", ["<p hidden>Secret</p>", "<p aria-hidden='true'>Secret</p>",
                                    "<p style='color:red; display: none'>Secret</p>",
                                    "<script>var secret = 1;</script>", "<template><p>Secret</p></template>",
                                    "<noscript>Secret</noscript>", "<!-- Secret -->"])
def test_what_a_reader_cannot_see_is_not_a_block(hidden: str) -> None:
    assert texts(page(f"<p>Shown</p>{hidden}<p>Also shown</p>")) == ["Shown", "Also shown"]


def test_a_streamed_react_part_goes_where_its_template_stands() -> None:
    html = page("<main><p>First</p><template id='B:0'></template><p>Last</p></main>"
                "<div hidden id='S:0'><p>Streamed middle</p></div>")
    assert texts(html) == ["First", "Streamed middle", "Last"]


def test_table_rows_and_preformatted_lines() -> None:
    html = page("<table><tr><th>City</th><th>Boats</th></tr><tr><td>Port Clare</td><td>4</td></tr></table>"
                "<pre>line one\n\n  line two</pre>")
    assert texts(html) == ["City | Boats", "Port Clare | 4", "line one", "line two"]


def test_dom_features_tell_navigation_from_the_article() -> None:
    html = page("<header class='site-header'><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></header>"
                f"<main><article class='post-body'><h2>Ferries</h2><p>{STORY}</p><p>{MORE}</p></article></main>"
                "<footer><p>© Coastline</p></footer>")
    assert texts(html)[0] == "Home News"
    assert column(html, "anc_nav")[0] == 1.0 and column(html, "link_density")[0] == 1.0
    assert column(html, "anc_footer")[-1] == 1.0 and column(html, "anc_article")[2] == 1.0
    assert column(html, "heading_level")[1] == 2.0
    # The article's paragraphs sit in the element holding the page's long text.
    assert column(html, "in_best")[2:4] == [1.0, 1.0] and column(html, "in_best")[0] == 0.0
    assert column(html, "chrome_anc")[0] >= 1 and column(html, "content_anc")[2] >= 1


def test_dom_features_tell_a_repeated_template_from_the_article_paragraphs() -> None:
    # Three teasers, each its own item of one template (ids numbered: "teaser-17"), beside an
    # article whose paragraphs share their parent.
    teasers = "".join(f"<li class='teaser teaser-{n}'><div class='card'><p>Teaser {n}: {STORY}</p></div></li>"
                      for n in (17, 18, 251))
    html = page(f"<article><p>{STORY}</p><p>{MORE}</p><p>{STORY} Again.</p></article><ul>{teasers}</ul>")
    parents = column(html, "repeat_parents_log")
    assert parents[:3] == [0.0] * 3  # one parent
    assert parents[3:] == pytest.approx([np.log(3)] * 3)
    share = column(html, "repeat_share")
    assert share[0] == share[2] and share[3] == share[5]
    assert share[0] + share[3] == pytest.approx(1.0)


def test_kept_share_counts_trigrams_and_whole_short_lines() -> None:
    blocks = ["Home", "The council voted on Thursday", "Something else entirely here", "Ferries"]
    kept = kept_share(blocks, "Ferries\nThe council voted on Thursday to open a route")
    assert kept.tolist() == [0.0, 1.0, 0.0, 1.0]
    assert kept_share(blocks, "").tolist() == [0.0] * 4


def test_the_headline_is_found_by_the_metadata_title_or_its_part_before_the_site_name() -> None:
    blocks = ["Coastline Gazette", "Second ferry route approved after two years", "Body text here."]
    assert headline_blocks(blocks, "Second ferry route approved after two years | Coastline Gazette").tolist() \
        == [False, True, False]
    assert not headline_blocks(blocks, None).any()


def test_extract_html_gives_every_block_its_features_and_the_metadata() -> None:
    html = page(f"<nav><a href='/'>Home</a></nav><article><h1>Ferry route approved</h1><p>{STORY}</p>"
                f"<p>{MORE}</p></article><footer>Contact us</footer>")
    extracted = extract_html(html, "https://coast.example/ferries")
    assert extracted.text.split("\n") == ["Home", "Ferry route approved", STORY, MORE, "Contact us"]
    assert extracted.features.shape == (5, len(LINE_FEATURES)) and extracted.features.dtype == np.float32
    kept = extracted.features[:, LINE_FEATURES.index("traf_mem")]
    assert kept[2] == kept[3] == 1.0 and kept[0] == 0.0
    assert extracted.title == "Ferry route approved" and extracted.url == "https://coast.example/ferries"


def test_a_page_without_visible_text_is_an_error_and_a_page_trafilatura_rejects_keeps_its_blocks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputProblem) as problem:
        extract_html(page("<script>x = 1</script><img src='a.png'>"))
    assert problem.value.error == "no_main_text"
    assert extract_html(page("<p>Opening hours: 9 to 5</p>")).text == "Opening hours: 9 to 5"

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a page trafilatura chokes on")

    monkeypatch.setattr("dedupe.readers.html.trafilatura.bare_extraction", broken)
    kept = extract_html(page(f"<p>{STORY}</p><p>{MORE}</p>"))
    assert kept.text.split("\n") == [STORY, MORE]
    assert kept.features[:, LINE_FEATURES.index("traf_page_empty")].tolist() == [1.0, 1.0]
    with pytest.raises(InputProblem) as failed:  # nothing visible and trafilatura failed: its error
        extract_html(page("<script>x = 1</script>"))
    assert failed.value.error == "extraction_failed"


def test_the_pipeline_labels_every_block_of_a_real_page(tmp_path: Path) -> None:
    html = (Path(__file__).parent / "data" / "article.html").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(html, encoding="utf-8")
    run_pipeline([tmp_path / "in"], tmp_path / "out")
    blocks = duckdb.sql(f"select text, label, reason, score from '{tmp_path}/out/blocks/**/*.parquet' "
                        "order by block_idx").fetchall()
    ((extracted, body),) = duckdb.sql(
        f"select extracted_text, text from '{tmp_path}/out/documents/**/*.parquet'").fetchall()
    # Every visible block is in the corpus, with a reason and, unless a certain rule decided, the
    # model's score.
    assert [b[0] for b in blocks] == extracted.split("\n")
    assert all(0.0 <= b[3] <= 1.0 for b in blocks if b[3] is not None)
    assert all(b[2] not in ("body", "chrome:model") for b in blocks if b[3] is None)
    content = [b for b in blocks if b[1] == "content"]
    assert len(content) >= 3 and all(b[0] in body for b in content)
    assert any(b[1] == "chrome" and b[2] == "chrome:model" for b in blocks)
