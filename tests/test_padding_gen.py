"""The synthetic AI-padding generator of ``dedupe.train.padding_gen``: deterministic, varied, about the
article, with held-out families that share nothing with the training ones, and nothing of the seeds."""

from __future__ import annotations

import csv
import os
import random
import re
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

from dedupe.train.padding_gen import (
    BRANDS,
    FAMILIES,
    FORMS,
    HELD_OUT_FAMILIES,
    POSITIONS,
    TRAIN_FAMILIES,
    PaddedLine,
    main,
    pad_article,
    padding_section,
)

from .conftest import PROJECT, SHARED, shared_or_skip

ALL_FAMILIES = TRAIN_FAMILIES + HELD_OUT_FAMILIES
_WORD = re.compile(r"\w+")

# Used when the evaluation pages are not beside the project.
_FALLBACK_ARTICLES: tuple[tuple[str, ...], ...] = (
    (
        "The harbour board of Port Clare voted on Tuesday to extend the ferry terminal by two berths.",
        "Board chair Ana Ruiz said the ferry terminal had been running at capacity since the spring.",
        "Residents of Port Clare raised concerns about traffic on Quay Street during construction.",
        "The extension is expected to open next summer, Ana Ruiz said.",
    ),
    (
        "Greenfield Rovers beat Millbrook Athletic 3-1 on Saturday to reach the county cup final.",
        "Striker Tomas Okafor scored twice in the second half after Millbrook took an early lead.",
        "Rovers manager Linda Hale praised the defence and said the final would be a sell-out.",
    ),
    (
        "Researchers at Northvale University have mapped the nesting sites of the marsh warbler.",
        "The survey found the marsh warbler nesting in reed beds along the Lune estuary.",
        "Dr Priya Nandakumar said the reed beds need protection from drainage work.",
        "The Northvale team will repeat the survey next spring with volunteers.",
        "Volunteers can register through the university's field station.",
    ),
)


@cache
def articles() -> tuple[tuple[str, ...], ...]:
    """Real article bodies (one paragraph per line) of the evaluation pages, else the fallback."""
    root = SHARED / "eval" / "wcxb-dev" / "truth"
    found: list[tuple[str, ...]] = []
    if root.is_dir():
        for path in sorted(root.glob("*/*.txt"))[:250]:
            paragraphs = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
            if 2 <= len(paragraphs) <= 60:
                found.append(paragraphs)
    return tuple(found) or _FALLBACK_ARTICLES


def pages(n: int, families: Sequence[str] = ALL_FAMILIES, seed: int = 0) -> list[tuple[tuple[str, ...], list[PaddedLine]]]:
    arts = articles()
    out = []
    for i in range(n):
        article = arts[i % len(arts)]
        title = None if i % 3 else f"A headline for page {i}"
        out.append((article, pad_article(title, article, random.Random(seed * 100_003 + i), families)))
    return out


def sections(page: list[PaddedLine]) -> dict[str, list[PaddedLine]]:
    """The padding lines of a page by family (a page uses a family once)."""
    out: dict[str, list[PaddedLine]] = {}
    for line in page:
        if line.role == "padding":
            assert line.family is not None
            out.setdefault(line.family, []).append(line)
    return out


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def norm(text: str) -> str:
    """A heading wording without case, punctuation and spacing differences."""
    return " ".join(re.findall(r"\{brand\}|\w+", text.lower()))


def test_deterministic_for_a_seed() -> None:
    article = articles()[0]
    a = pad_article("Title", article, random.Random(42), ALL_FAMILIES, n_sections=4)
    b = pad_article("Title", article, random.Random(42), ALL_FAMILIES, n_sections=4)
    c = pad_article("Title", article, random.Random(43), ALL_FAMILIES, n_sections=4)
    assert a == b
    assert a != c
    assert padding_section("brand_take", article, random.Random(5)) == padding_section(
        "brand_take", article, random.Random(5)
    )


def test_deterministic_across_processes(tmp_path: Path) -> None:
    """No dependence on string hashing: two interpreters with different hash seeds agree."""
    path = tmp_path / "article.txt"
    path.write_text("\n\n".join(articles()[1]), encoding="utf-8")
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-m", "dedupe.train.padding_gen", str(path), "--seed", "3", "--sections", "4"],
            cwd=PROJECT, env=env, capture_output=True, text=True, check=True,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) > len(articles()[1])


def test_families_and_brands() -> None:
    assert len(FAMILIES) >= 30
    assert len(set(BRANDS)) == len(BRANDS) >= 10
    assert set(TRAIN_FAMILIES) | set(HELD_OUT_FAMILIES) == set(FAMILIES)
    assert not set(TRAIN_FAMILIES) & set(HELD_OUT_FAMILIES)
    assert 0.2 <= len(HELD_OUT_FAMILIES) / len(FAMILIES) <= 0.35
    for name, family in FAMILIES.items():
        assert family.name == name
        assert family.form in FORMS
        assert family.templates
        assert len(family.headings) >= 3 or family.form == "headless"
        assert family.form != "qa" or family.questions
        assert family.form != "labelled" or family.labels
        assert family.branded == any("{brand}" in t for t in family.headings + family.templates)
    assert {FAMILIES[f].form for f in TRAIN_FAMILIES} == set(FORMS)
    held_forms = {FAMILIES[f].form for f in HELD_OUT_FAMILIES}
    assert {"qa", "bullets", "paragraphs", "headless", "note"} <= held_forms
    assert sum(FAMILIES[f].branded for f in FAMILIES) >= 10


def _literal_runs(template: str, n: int) -> set[tuple[str, ...]]:
    """The n-word runs of a template's literal text: each "[a|b]" alternative, and the text between
    choice groups and slots."""
    segments = [alt for group in re.findall(r"\[([^\[\]]*)\]", template) for alt in group.split("|")]
    segments += re.split(r"\[[^\[\]]*\]|\{\w+\}", template)
    runs = set()
    for segment in segments:
        w = re.findall(r"[\w'’-]+", segment.lower())
        runs |= {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}
    return runs


def test_held_out_families_share_no_wording_with_training_families() -> None:
    def wording(names: Sequence[str]) -> tuple[set[str], set[str], set[tuple[str, ...]]]:
        headings = {norm(h) for f in names for h in FAMILIES[f].headings}
        templates = {t for f in names for t in FAMILIES[f].templates + FAMILIES[f].questions + FAMILIES[f].labels}
        runs = {r for t in templates for r in _literal_runs(t, 4)}
        return headings, templates, runs

    train_headings, train_templates, train_runs = wording(TRAIN_FAMILIES)
    held_headings, held_templates, held_runs = wording(HELD_OUT_FAMILIES)
    assert not train_headings & held_headings
    for held in held_headings:  # nor one inside the other ("Outlook" / "Market Outlook")
        for train in train_headings:
            assert f" {train} " not in f" {held} " and f" {held} " not in f" {train} ", (held, train)
    assert not train_templates & held_templates
    assert not train_runs & held_runs, sorted(train_runs & held_runs)[:5]


def test_no_heading_wording_or_template_repeats_across_families() -> None:
    headings = [norm(h) for f in FAMILIES.values() for h in f.headings]
    assert len(headings) == len(set(headings))
    templates = [t for f in FAMILIES.values() for t in f.templates + f.questions]
    assert len(templates) == len(set(templates))


def test_positions_forms_and_markers_all_occur() -> None:
    generated = pages(400)
    positions: set[str] = set()
    forms: set[str] = set()
    headless = headed = 0
    body_lines: list[str] = []
    counts = set()
    for _article, page in generated:
        secs = sections(page)
        counts.add(len(secs))
        for family, lines in secs.items():
            forms.add(FAMILIES[family].form)
            positions |= {line.position for line in lines if line.position}
            assert len({line.position for line in lines}) == 1
            has_heading = lines[0].part == "heading"
            headless += not has_heading
            headed += has_heading
            assert all(line.part == "body" for line in lines[1:])
            body_lines += [line.text for line in lines if line.part == "body"]
    assert positions == set(POSITIONS)
    assert forms == set(FORMS)
    assert counts == {1, 2, 3, 4}
    assert headless > 20 and headed > 200
    stripped = [line.lstrip() for line in body_lines]
    for marker in ("• ", "- ", "* ", "1. "):
        assert any(line.startswith(marker) for line in stripped), marker
    assert any(re.match(r"^(• |- |\* |\d+\. )?[\w ✔✖⚠]+: \S", line) for line in stripped)  # Label: text
    assert any(line.startswith("Q: ") for line in stripped)
    assert any(line.startswith("A: ") for line in stripped)
    assert any(line.endswith("?") and not line.startswith(("Q", "-", "•", "*")) for line in stripped)


def test_article_lines_come_out_unchanged_and_in_order() -> None:
    for i, (article, page) in enumerate(pages(200)):
        kept = [line.text for line in page if line.role == "article"]
        assert kept == list(article)
        if i % 3 == 0:
            assert page[0] == PaddedLine(f"A headline for page {i}", "title")
        else:
            assert all(line.role != "title" for line in page)
        for line in page:
            assert line.text.rstrip() == line.text and line.text.strip()
            if line.role == "padding":
                assert line.family in FAMILIES and line.position in POSITIONS
            else:
                assert line.family is None and line.position is None and line.part is None
        # "before" padding comes before the first paragraph, "after" padding after the last.
        first = next(j for j, line in enumerate(page) if line.role == "article")
        last = max(j for j, line in enumerate(page) if line.role == "article")
        for j, line in enumerate(page):
            if line.position == "before":
                assert j < first
            elif line.position == "after":
                assert j > last
            elif line.position == "inside":
                assert first < j < last


def test_sections_count_and_families() -> None:
    article = articles()[2]
    for n in range(5):
        page = pad_article(None, article, random.Random(n), HELD_OUT_FAMILIES, n_sections=n)
        secs = sections(page)
        assert len(secs) == n
        assert set(secs) <= set(HELD_OUT_FAMILIES)
    # Default families are the training ones.
    for _ in range(30):
        assert set(sections(pad_article(None, article, random.Random(_)))) <= set(TRAIN_FAMILIES)
    with pytest.raises(ValueError):
        pad_article(None, article, random.Random(0), ["no_such_family"])


def test_short_and_empty_articles() -> None:
    for article in ([], ["One lonely paragraph about the Lune estuary."]):
        for seed in range(20):
            page = pad_article("Title", article, random.Random(seed), ALL_FAMILIES)
            assert [line.text for line in page if line.role == "article"] == article
            assert all(line.position != "inside" for line in page)


def _generator_vocabulary() -> set[str]:
    text = " ".join(t for f in FAMILIES.values() for t in f.headings + f.templates + f.questions + f.labels)
    return set(words(text + " " + " ".join(BRANDS)))


def test_bodies_mention_words_of_the_article() -> None:
    vocabulary = _generator_vocabulary()
    missing = total = 0
    for article, page in pages(300):
        own = {w for w in words(" ".join(article)) if len(w) >= 3} - vocabulary
        for family, lines in sections(page).items():
            total += 1
            body = {w for line in lines if line.part == "body" for w in words(line.text)}
            if not body & own:
                missing += 1
                print(family, [line.text for line in lines])
    assert missing <= total * 0.02


def test_two_pages_rarely_share_a_sentence() -> None:
    def sentences(generated: list[tuple[tuple[str, ...], list[PaddedLine]]]) -> list[str]:
        return [
            s
            for _article, page in generated
            for line in page
            if line.part == "body"
            for s in re.split(r"(?<=[.!?])\s+", line.text)
            if len(s.split()) >= 8
        ]

    many = sentences(pages(300))
    assert len(set(many)) >= 0.97 * len(many)
    # The same article padded again and again still rarely repeats itself.
    same = sentences([(articles()[0], pad_article(None, articles()[0], random.Random(s), ALL_FAMILIES))
                      for s in range(150)])
    assert len(set(same)) >= 0.9 * len(same)


def test_headings_vary_in_case_and_punctuation() -> None:
    headings = [line.text for _a, page in pages(400) for line in page if line.part == "heading"]
    assert any(h.isupper() for h in headings)
    assert any(h.endswith(":") for h in headings)
    assert any(h.endswith(("—", "-", "–")) for h in headings)
    assert any(h[-1].isalnum() for h in headings)
    brand_headings = [h for h in headings if any(b.lower() in h.lower() for b in BRANDS)]
    assert len(brand_headings) > 20


def _seed_lines() -> tuple[list[str], list[str], str]:
    """The seeds' padding lines, their newsroom section headings ("either"), and all their text."""
    gold = shared_or_skip("gold", "seeds.tsv")
    seeds = gold.parent.parent / "seeds"
    if not seeds.is_dir():
        seeds = PROJECT / "seeds"
    if not seeds.is_dir():
        pytest.skip("the seed pages are not available")
    files: dict[str, list[str]] = {}
    padding: list[str] = []
    either: list[str] = []
    with open(gold, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["file"] not in files:
                files[row["file"]] = (seeds / row["file"]).read_text(encoding="utf-8").split("\n")
            text = files[row["file"]][int(row["line"]) - 1]
            if row["label"] == "padding":
                padding.append(text)
            elif row["label"] == "either":
                either.append(text)
    assert padding
    return padding, either, "\n".join("\n".join(lines) for lines in files.values())


def _ngrams(text: str, n: int) -> set[tuple[str, ...]]:
    w = words(text)
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def test_nothing_of_the_seeds_is_generated() -> None:
    padding, either, seed_text = _seed_lines()
    seed_grams = set().union(*(_ngrams(line, 6) for line in padding))
    for brand in BRANDS:
        assert brand.lower() not in seed_text.lower()
    seed_headings = {norm(line) for line in padding + either if len(line.split()) <= 8}
    for family in FAMILIES.values():
        for heading in family.headings:
            assert norm(heading) not in seed_headings, heading
    for _article, page in pages(500, seed=7):
        for line in page:
            if line.role == "padding":
                assert not _ngrams(line.text, 6) & seed_grams, line.text
                if line.part == "heading":
                    assert norm(line.text) not in seed_headings


def test_cli_prints_a_padded_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "article.txt"
    path.write_text("\n\n".join(_FALLBACK_ARTICLES[0]) + "\n", encoding="utf-8")
    assert main([str(path), "--seed", "3", "--sections", "3", "--families", "held-out"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum(" article " in f" {line} " for line in out) == len(_FALLBACK_ARTICLES[0])
    assert any(line.strip().split()[0].split("/")[0] in HELD_OUT_FAMILIES for line in out)
