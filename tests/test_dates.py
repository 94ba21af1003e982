"""Typed publication dates (issue 15): UTC timestamps from metadata, bylines and datelines, with the
original string and the precision; `added` on every document."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.dates import _dateparser, _numeric, parse_published
from dedupe.run import run_pipeline
from dedupe.settings import Settings

from .conftest import shared_or_skip


@pytest.mark.parametrize(("raw", "utc", "precision"), [
    ("2025-04-11", "2025-04-11T00:00:00", "day"),
    ("2025-04-11T09:24:00Z", "2025-04-11T09:24:00", "second"),
    ("2025-04-11T09:24:00-04:00", "2025-04-11T13:24:00", "second"),
    ("Updated: 2025-04-11 09:24", "2025-04-11T09:24:00", "minute"),
    ("11 April 2025, 09:24", "2025-04-11T09:24:00", "minute"),
    ("April 11, 2025 9:24 PM EDT", "2025-04-12T01:24:00", "minute"),
    ("Fri, Apr 11 20259:24 AM EST", "2025-04-11T14:24:00", "minute"),  # year run into the time
    ("By Jane Roe | Sept. 3, 2024", "2024-09-03T00:00:00", "day"),
    ("3rd March 2024 at 12:05 a.m. GMT", "2024-03-03T00:05:00", "minute"),
    ("Опубліковано 11 квітня 2025, 09:24", "2025-04-11T09:24:00", "minute"),
    ("le 1 mars 2024", "2024-03-01T00:00:00", "day"),
])
def test_dates_in_many_shapes_become_utc_with_their_precision(raw: str, utc: str, precision: str) -> None:
    found = parse_published(raw)
    assert found is not None, raw
    assert found.timestamp == datetime.fromisoformat(utc).replace(tzinfo=UTC)
    assert found.precision == precision


@pytest.mark.parametrize("raw", ["", "no date here", "3 hours ago", "Chapter 12:30 of 1066", "May 2024 issue",
                                 "Call 0800 1234 5678", "31 February 2024"])
def test_strings_that_name_no_date_give_none(raw: str) -> None:
    assert parse_published(raw) is None


def _documents(out: Path) -> list[tuple[object, ...]]:
    return duckdb.sql(f"select path, published, published_raw, published_precision, added "
                      f"from '{out}/documents/**/*.parquet' order by path").fetchall()


def test_seed_001_is_dated_to_the_minute_and_every_document_has_added(tmp_path: Path, seeds_dir: Path) -> None:
    summary = run_pipeline([seeds_dir], tmp_path / "out", Settings(workers=1))
    rows = {r[0]: r for r in _documents(tmp_path / "out")}
    _, published, raw, precision, _ = rows["001_927cb4e43b5f7477.txt"]
    assert published == datetime(2025, 4, 11, 9, 24, tzinfo=UTC)
    assert raw and precision == "minute"
    (added,) = {r[4] for r in rows.values()}  # one moment for the whole run: when it started
    run_started = datetime.strptime(summary.run_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    assert abs((added - run_started).total_seconds()) < 5
    assert duckdb.sql(f"select typeof(published), typeof(added) from '{tmp_path}/out/documents/**/*.parquet' "
                      "limit 1").fetchall() == [("TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE")]


@pytest.mark.slow
def test_dates_of_text_pages_match_their_html_metadata(tmp_path: Path) -> None:
    fundus = shared_or_skip("eval") / "fundus"
    run_pipeline([fundus / "text"], tmp_path / "text", Settings(dedup=False))
    run_pipeline([fundus / "html"], tmp_path / "html", Settings(dedup=False))

    def by_page(out: Path) -> dict[str, datetime]:
        return {Path(str(path)).with_suffix("").as_posix(): published
                for path, published, *_ in _documents(out) if published is not None}

    text, html = by_page(tmp_path / "text"), by_page(tmp_path / "html")
    both = sorted(set(text) & set(html))
    assert len(both) >= 0.5 * len(text) and len(text) >= 20, (len(both), len(text), len(html))
    same_day = sum(abs((text[k] - html[k]).total_seconds()) < 86400 for k in both)
    assert same_day >= 0.9 * len(both), (same_day, len(both))


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 31), st.integers(1, 31), st.sampled_from("./-"), st.integers(1995, 2030),
       st.booleans())
def test_numeric_dates_read_fast_as_dateparser_reads_them(a: int, b: int, sep: str, year: int,
                                                          padded: bool) -> None:
    # The fast path for "05.01.2025" must give dateparser's own answer (month first where both fit).
    fmt = "{:02d}" if padded else "{}"
    text = f"{fmt.format(a)}{sep}{fmt.format(b)}{sep}{year}"
    assert _numeric(text) == _dateparser(text)
    if year <= 2025:  # later years are not plausible publication dates
        assert parse_published(text) == _dateparser(text)
