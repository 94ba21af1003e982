"""The synthetic news corpus of ``benchmarks.corpus_gen``: deterministic, and its ground truth holds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.html  # type: ignore[import-untyped]
import pytest

from benchmarks.corpus_gen import DOCUMENT_KINDS, PARAGRAPH_KINDS, TRUTH_MIN_WORDS, CorpusInfo, generate

N_ARTICLES = 300
PROJECT = Path(__file__).resolve().parent.parent
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def jaccard3(a: str, b: str) -> float:
    """Jaccard similarity of the word-3-shingle sets, computed here independently of the generator."""
    wa, wb = words(a), words(b)
    sa = {tuple(wa[i:i + 3]) for i in range(len(wa) - 2)}
    sb = {tuple(wb[i:i + 3]) for i in range(len(wb) - 2)}
    return len(sa & sb) / len(sa | sb)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class Corpus:
    def __init__(self, root: Path, info: CorpusInfo) -> None:
        self.root = root
        self.info = info
        self.articles = {r["id"]: r for r in read_jsonl(root / "articles.jsonl")}
        self.roles = {r["article_id"]: r["roles"] for r in read_jsonl(root / "truth" / "lines.jsonl")}
        self.paragraphs = read_jsonl(root / "truth" / "paragraphs.jsonl")
        self.documents = read_jsonl(root / "truth" / "documents.jsonl")

    def lines(self, article_id: str) -> list[str]:
        text: str = self.articles[article_id]["text"]
        return text.rstrip("\n").split("\n")

    def body(self, article_id: str) -> list[str]:
        return [line for line, role in zip(self.lines(article_id), self.roles[article_id], strict=True)
                if role == "B"]

    def text_file(self, article_id: str) -> Path:
        site: str = self.articles[article_id]["site"]
        return self.root / "text" / site / f"{article_id}.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("corpus") / "out"
    return Corpus(root, generate(root, N_ARTICLES, seed=0))


def test_same_seed_gives_identical_bytes(corpus: Corpus, tmp_path: Path) -> None:
    again = tmp_path / "again"
    assert generate(again, N_ARTICLES, seed=0) == corpus.info
    first, second = all_files(corpus.root), all_files(again)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_another_seed_gives_another_corpus(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", 40, seed=1)
    b = generate(tmp_path / "b", 40, seed=2)
    assert a.articles == b.articles == 40
    assert (tmp_path / "a" / "articles.jsonl").read_bytes() != (tmp_path / "b" / "articles.jsonl").read_bytes()


def test_cached_when_parameters_match(tmp_path: Path) -> None:
    out = tmp_path / "c"
    info = generate(out, 30, seed=3, formats=("text",))
    stamp = (out / "info.json").stat().st_mtime_ns
    assert generate(out, 30, seed=3, formats=("text",)) == info
    assert (out / "info.json").stat().st_mtime_ns == stamp
    assert not (out / "html").exists()
    # Other parameters regenerate in place, leaving nothing of the earlier corpus behind.
    generate(out, 20, seed=3, formats=("html",))
    assert not (out / "text").exists()
    assert len(list((out / "html").rglob("*.html"))) == 20
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate(foreign, 10)


def test_layout_and_jsonl_text_equals_text_file(corpus: Corpus) -> None:
    ids = list(corpus.articles)
    assert ids == sorted(ids) and len(ids) == N_ARTICLES
    published = [r["published"] for r in corpus.articles.values()]
    assert published == sorted(published) and len(set(published)) == len(published)
    assert len(list((corpus.root / "text").rglob("*.txt"))) == N_ARTICLES
    assert len(list((corpus.root / "html").rglob("*.html"))) == N_ARTICLES
    for aid, record in corpus.articles.items():
        assert set(record) >= {"id", "site", "url", "text"}
        assert corpus.text_file(aid).read_text(encoding="utf-8") == record["text"]
        assert urlsplit(record["url"]).hostname == f"www.{record['site']}"
        roles = corpus.roles[aid]
        assert len(roles) == len(corpus.lines(aid)) and roles[0] == "H"
        assert all(line == line.strip() and line for line in corpus.lines(aid))
    assert 40 <= corpus.info.sites <= 200
    assert sum(corpus.info.lines.values()) == sum(len(r) for r in corpus.roles.values())


def test_realistic_sizes(corpus: Corpus) -> None:
    n = N_ARTICLES
    assert 450 <= corpus.info.body_words / n <= 800
    assert 3000 <= corpus.info.bytes["text"] / n <= 6000
    copies = {d["article_id"] for d in corpus.documents}
    for aid in corpus.articles:
        body = corpus.body(aid)
        # a story has 8-25 paragraphs (one more when it repeats one); a partial copy fewer
        assert (4 if aid in copies else 8) <= len(body) <= 27
        assert all(TRUTH_MIN_WORDS <= len(p.split()) <= 125 for p in body)
    assert corpus.info.lines["padding"] > 0 and corpus.info.lines["chrome"] > corpus.info.lines["headline"]


def test_truth_paragraphs_are_in_the_files(corpus: Corpus) -> None:
    assert corpus.paragraphs
    for t in corpus.paragraphs:
        assert t["kind"] in PARAGRAPH_KINDS
        assert t["original_article_id"] < t["article_id"] or t["kind"].startswith("within")
        lines = corpus.text_file(t["article_id"]).read_text(encoding="utf-8").split("\n")
        original = corpus.text_file(t["original_article_id"]).read_text(encoding="utf-8").split("\n")
        assert t["text"] in lines and t["original_text"] in original
        assert len(words(t["text"])) >= TRUTH_MIN_WORDS
        if t["kind"].startswith("within"):
            assert t["original_article_id"] == t["article_id"]
            # the original comes first in the article
            assert lines.index(t["original_text"]) < len(lines) - 1 - lines[::-1].index(t["text"])
        else:
            a, o = corpus.articles[t["article_id"]], corpus.articles[t["original_article_id"]]
            assert a["site"] != o["site"] and o["published"][:10] < a["published"][:10]
        if t["kind"].endswith("exact"):
            assert t["text"] == t["original_text"]
        else:
            assert t["text"] != t["original_text"]


def test_every_kind_appears(corpus: Corpus) -> None:
    found = {t["kind"] for t in corpus.paragraphs}
    assert found == set(PARAGRAPH_KINDS)
    assert {d["kind"] for d in corpus.documents} == set(DOCUMENT_KINDS)
    counts = corpus.info.duplicate_paragraphs
    assert sum(counts.values()) == len(corpus.paragraphs)
    assert 0.05 <= corpus.info.within_documents / N_ARTICLES <= 0.15
    assert 0.18 <= corpus.info.syndicated_documents / N_ARTICLES <= 0.32


def test_edited_copies_have_sensible_similarity(corpus: Corpus) -> None:
    for t in corpus.paragraphs:
        score = jaccard3(t["text"], t["original_text"])
        assert score == pytest.approx(t["jaccard"], abs=1e-3)
        if t["kind"] == "within_edited":
            assert 0.5 <= score <= 0.9
        elif t["kind"] == "syndicated_edited":
            assert 0.5 <= score < 1.0
        elif t["kind"] == "syndicated_trimmed":
            assert len(words(t["text"])) < len(words(t["original_text"]))
            assert score >= 0.3


def test_document_truth(corpus: Corpus) -> None:
    assert corpus.documents
    for d in corpus.documents:
        assert d["original_article_id"] < d["article_id"]
        assert 0.0 < d["shared_fraction"] <= 1.0
        copy, original = set(corpus.body(d["article_id"])), corpus.body(d["original_article_id"])
        if d["kind"] == "full_copy":
            assert d["shared_fraction"] == 1.0 and set(original) <= copy
        elif d["kind"] == "partial_copy":
            # the story's start is there, verbatim or edited
            assert d["shared_fraction"] < 1.0 and original[0] in copy | {
                t["original_text"] for t in corpus.paragraphs if t["article_id"] == d["article_id"]}
    copies = {d["article_id"] for d in corpus.documents}
    syndicated = {t["article_id"] for t in corpus.paragraphs if t["kind"].startswith("syndicated")}
    assert syndicated <= copies


def test_unrelated_paragraphs_do_not_collide(corpus: Corpus) -> None:
    """Body paragraphs not linked by the truth share no long run of words and few shingles."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(x: tuple[str, str]) -> tuple[str, str]:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for t in corpus.paragraphs:
        a, b = find((t["article_id"], t["text"])), find((t["original_article_id"], t["original_text"]))
        if a != b:
            parent[a] = b
    runs: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
    for aid in corpus.articles:
        for para in corpus.body(aid):
            group = find((aid, para))
            w = words(para)
            for i in range(len(w) - 19):
                runs[tuple(w[i:i + 20])].add(group)
    assert [" ".join(k) for k, groups in runs.items() if len(groups) > 1] == []


def test_html_pages_hold_the_article(corpus: Corpus) -> None:
    for aid, record in corpus.articles.items():
        raw = (corpus.root / "html" / record["site"] / f"{aid}.html").read_text(encoding="utf-8")
        assert raw.startswith("<!DOCTYPE html>")
        page = lxml.html.fromstring(raw)
        lines = corpus.lines(aid)
        assert page.findtext(".//title").startswith(lines[0])
        assert page.xpath("//meta[@property='article:published_time']/@content") == [record["published"]]
        assert page.xpath("//header//nav//a") and page.xpath("//footer")
        article = page.xpath("//article")[0]
        assert article.findtext(".//h1") == lines[0]
        paragraphs = {p.text_content() for p in article.iter("p")}
        for line, role in zip(lines, corpus.roles[aid], strict=True):
            if role in "BP":
                assert line in paragraphs or (role == "P" and line in {h.text_content() for h in article.iter("h2")})


def test_output_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    """Another process with another hash seed writes the same bytes (no set or hash() ordering)."""
    here = generate(tmp_path / "here", 40, seed=5, formats=("text",))
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "benchmarks.corpus_gen", str(tmp_path / "there"), "--articles", "40",
                    "--seed", "5", "--formats", "text"], cwd=PROJECT, env=env, check=True, capture_output=True)
    assert json.loads((tmp_path / "there" / "info.json").read_text())["info"] == asdict(here)
    assert all_files(tmp_path / "here") == all_files(tmp_path / "there")
