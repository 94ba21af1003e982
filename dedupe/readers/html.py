"""Main text and metadata of an HTML page, through trafilatura.

trafilatura's own deduplication is off (it drops repeated paragraphs silently, and finding those is
our job, with provenance) and comments are excluded (reader comments are not the article).
"""

from __future__ import annotations

from dataclasses import dataclass

import trafilatura

from dedupe.document import InputProblem


@dataclass(frozen=True)
class ExtractedPage:
    text: str
    title: str | None
    author: str | None
    published: str | None
    url: str | None
    sitename: str | None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def extract_html(html: str, url: str | None = None) -> ExtractedPage:
    """Extract the article body of ``html``; raise :class:`InputProblem` when there is none."""
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            include_comments=False,
            deduplicate=False,
            with_metadata=True,
            include_tables=True,
        )
    except Exception as exc:  # lxml and trafilatura raise many kinds on broken markup
        raise InputProblem("extract", "extraction_failed",
                           f"trafilatura failed on this page: {type(exc).__name__}: {exc}") from exc
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise InputProblem("extract", "no_main_text", "trafilatura found no main text in this page")
    return ExtractedPage(
        text=text,
        title=_clean(getattr(doc, "title", None)),
        author=_clean(getattr(doc, "author", None)),
        published=_clean(getattr(doc, "date", None)),
        url=_clean(getattr(doc, "url", None)) or url,
        sitename=_clean(getattr(doc, "hostname", None)),
    )
