"""The stages end to end in one process, with the Parquet read back by DuckDB, pyarrow and Polars."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest

from dedupe.corpus import Manifest
from dedupe.document import Document
from dedupe.run import run_pipeline
from dedupe.run_folder import STAGING
from dedupe.schema import SCHEMA_VERSION, TABLES
from dedupe.settings import Settings
from dedupe.stages import read

DATA = Path(__file__).parent / "data"


def _sql(query: str) -> list[tuple]:  # type: ignore[type-arg]
    return duckdb.sql(query).fetchall()


@pytest.fixture(scope="module")
def seed_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    run_pipeline([Path(__file__).parent.parent / "seeds"], out)
    return out


def test_seeds_give_five_documents_with_the_contract_schema(seed_corpus: Path) -> None:
    assert _sql(f"select count(*), count(distinct doc_id) from '{seed_corpus}/documents/**/*.parquet'") == [(5, 5)]
    for table, schema in TABLES.items():
        files = list((seed_corpus / table).glob("run=*/*.parquet"))
        assert files, table
        stored = pq.read_schema(files[0])
        assert stored.metadata[b"dedupe.schema_version"].decode() == SCHEMA_VERSION
        assert stored.metadata[b"dedupe.table"].decode() == table
        assert json.loads(stored.metadata[b"dedupe.settings"]) == json.loads(Settings().to_json())
        assert stored.remove_metadata().equals(schema.remove_metadata()), table
        # DuckDB sees the contract's columns (plus the hive partition column `run`).
        columns = [row[0] for row in duckdb.sql(f"describe select * from '{seed_corpus}/{table}/**/*.parquet'").fetchall()]
        assert columns == [*schema.names, "run"]


def test_block_offsets_are_exact_in_sql(seed_corpus: Path) -> None:
    # DuckDB's substring counts characters from 1, as Python's slices count them from 0.
    mismatches = _sql(f"""
        select count(*) from '{seed_corpus}/blocks/**/*.parquet' b
        join '{seed_corpus}/documents/**/*.parquet' d using (doc_id)
        where substring(coalesce(d.extracted_text, d.raw_text), b.start + 1, b."end" - b.start) <> b.text
    """)
    assert mismatches == [(0,)]
    assert _sql(f"select count(*), count(*) filter (label = 'content') "
                f"from '{seed_corpus}/blocks/**/*.parquet'")[0][0] > 200


def test_blocks_cover_every_non_blank_line_of_every_seed(seed_corpus: Path, seeds_dir: Path) -> None:
    blocks = pl.scan_parquet(f"{seed_corpus}/blocks/**/*.parquet").collect()
    docs = pl.scan_parquet(f"{seed_corpus}/documents/**/*.parquet").select("doc_id", "path").collect()
    by_path = dict(zip(docs["path"], docs["doc_id"], strict=True))
    for seed in sorted(seeds_dir.iterdir()):
        text = seed.read_text(encoding="utf-8")
        spans = blocks.filter(pl.col("doc_id") == by_path[seed.name]).sort("block_idx")
        covered = set()
        for start, end in zip(spans["start"], spans["end"], strict=True):
            covered.update(range(start, end))
        pos = 0
        for line in text.splitlines(keepends=True):
            body = line.strip()
            if body:
                first = pos + line.index(body)
                visible = {i for i in range(first, first + len(body)) if not text[i].isspace()}
                assert visible <= covered, (seed.name, body[:40])
            pos += len(line)


def test_documents_text_is_the_content_blocks(seed_corpus: Path) -> None:
    rows = _sql(f"""
        select d.text = string_agg(b.text, chr(10) || chr(10) order by b.block_idx)
        from '{seed_corpus}/documents/**/*.parquet' d join '{seed_corpus}/blocks/**/*.parquet' b using (doc_id)
        where b.label = 'content' group by d.doc_id, d.text
    """)
    assert rows and all(ok for (ok,) in rows)


def _bad_input_tree(root: Path) -> None:
    (root / "site.example").mkdir(parents=True)
    shutil.copy(Path(__file__).parent.parent / "seeds" / "003_72180aae3a89e1a6.txt", root / "site.example" / "good.txt")
    (root / "empty.txt").write_bytes(b"")
    (root / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (root / "bad-utf16.txt").write_bytes(b"\xff\xfe\x00\xd8\x41\x00")
    (root / "huge.txt").write_text("many words " * 20_000)
    (root / "feed.jsonl.gz").write_bytes(gzip.compress(b'{"text": "A wire story."}\n{broken\n'))
    (root / "outside.txt").symlink_to("/etc/hostname")


def test_bad_inputs_become_error_rows_and_the_run_goes_on(tmp_path: Path) -> None:
    _bad_input_tree(tmp_path / "in")
    summary = run_pipeline([tmp_path / "in"], tmp_path / "out", Settings(max_file_bytes=100_000))
    assert summary.documents == 2
    assert summary.errors == {"binary": 1, "empty": 1, "malformed_json": 1, "oversized": 1,
                              "symlink_outside_root": 1, "undecodable": 1}
    rows = _sql(f"select path, stage, error, message, record from '{tmp_path}/out/errors/**/*.parquet' order by path")
    assert [r[:3] for r in rows] == [
        ("bad-utf16.txt", "decode", "undecodable"), ("empty.txt", "decode", "empty"),
        ("feed.jsonl.gz", "parse", "malformed_json"), ("huge.txt", "read", "oversized"),
        ("image.txt", "decode", "binary"), ("outside.txt", "discover", "symlink_outside_root")]
    assert all(r[3] for r in rows)
    assert [r[4] for r in rows if r[0] == "feed.jsonl.gz"] == [2]
    sources = _sql(f"select path, source from '{tmp_path}/out/documents/**/*.parquet' order by path")
    assert sources == [("feed.jsonl.gz", ""), ("site.example/good.txt", "site.example")]
    statuses = dict(_sql(f"select status, count(*) from '{tmp_path}/out/inputs/**/*.parquet' group by 1"))
    assert statuses == {"document": 2, "error": 6}


def test_one_article_under_two_paths_is_one_document(tmp_path: Path, seeds_dir: Path) -> None:
    for name in ["a/copy.txt", "b/copy.txt", "c/other.txt", "d/copy.txt"]:
        (tmp_path / "in" / name).parent.mkdir(parents=True, exist_ok=True)
    for name in ["a/copy.txt", "b/copy.txt", "d/copy.txt"]:
        shutil.copy(seeds_dir / "000_e574e73bf55754a8.txt", tmp_path / "in" / name)
    shutil.copy(seeds_dir / "001_927cb4e43b5f7477.txt", tmp_path / "in" / "c" / "other.txt")
    # One file per batch, so the repeats are found across batches, not only within one.
    summary = run_pipeline([tmp_path / "in"], tmp_path / "out", Settings(batch_files=1))
    assert (summary.documents, summary.same_as_earlier) == (2, 2)
    docs = _sql(f"select path from '{tmp_path}/out/documents/**/*.parquet' order by path")
    assert docs == [("a/copy.txt",), ("c/other.txt",)]
    inputs = _sql(f"select path, status from '{tmp_path}/out/inputs/**/*.parquet' order by path")
    assert inputs == [("a/copy.txt", "document"), ("b/copy.txt", "same_as_earlier"),
                      ("c/other.txt", "document"), ("d/copy.txt", "same_as_earlier")]
    n_blocks = _sql(f"select count(*), count(distinct (doc_id, block_idx)) from '{tmp_path}/out/blocks/**/*.parquet'")
    assert n_blocks[0][0] == n_blocks[0][1]


def test_a_crash_mid_run_publishes_nothing(tmp_path: Path, seeds_dir: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    calls = {"n": 0}

    def explode_on_third(doc: Document, settings: Settings) -> Document:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("injected failure")
        return doc

    monkeypatch.setattr(read, "DOCUMENT_STEPS", (*read.DOCUMENT_STEPS, explode_on_third))
    with pytest.raises(RuntimeError, match="injected"):
        # One worker: the injected step lives in this process only.
        run_pipeline([seeds_dir], tmp_path / "out", Settings(batch_files=2, workers=1))
    published = [p for p in (tmp_path / "out").rglob("*.parquet") if "_staging" not in p.parts]
    assert published == []
    assert Manifest.load(tmp_path / "out").run_ids == []
    # What was staged is complete Parquet or nothing: no temporary file is left looking like one.
    staged = list((tmp_path / "out").rglob("*.parquet"))
    for path in staged:
        pq.read_metadata(path)


def _corpus_files(out: Path) -> dict[str, float]:
    return {str(p.relative_to(out)): p.stat().st_mtime for p in out.rglob("*") if p.is_file()
            and "lock" not in p.name}


def test_a_second_run_over_unchanged_input_adds_nothing(tmp_path: Path, seeds_dir: Path) -> None:
    (tmp_path / "in").mkdir()
    for seed in seeds_dir.iterdir():
        shutil.copy2(seed, tmp_path / "in" / seed.name)
    first = run_pipeline([tmp_path / "in"], tmp_path / "out")
    before = _corpus_files(tmp_path / "out")
    second = run_pipeline([tmp_path / "in"], tmp_path / "out")
    assert (first.files, first.documents) == (5, 5)
    assert (second.files, second.unchanged, second.documents) == (0, 5, 0)
    assert _corpus_files(tmp_path / "out") == before  # not one file touched
    # A new file is read; a touched but unchanged file is read again but adds no document.
    (tmp_path / "in" / "new.txt").write_text("A brand new article about the harbour ferries, which "
                                             "the council approved on Thursday evening.\n")
    (tmp_path / "in" / "001_927cb4e43b5f7477.txt").touch()
    third = run_pipeline([tmp_path / "in"], tmp_path / "out")
    assert (third.files, third.documents, third.same_as_earlier) == (2, 1, 1)
    runs = _sql(f"select run, count(*) from '{tmp_path}/out/documents/**/*.parquet' group by run order by run")
    assert [n for _, n in runs] == [5, 1]
    assert Manifest.load(tmp_path / "out").run_ids == [first.run_id, third.run_id]
    assert not (tmp_path / "out" / STAGING).exists()


def test_readme_documents_the_stored_schema() -> None:
    from dedupe.schema import schema_markdown

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert schema_markdown().rstrip() in readme, "run `dedupe schema` and paste it into the README"


def _labels(out: Path) -> list[tuple]:  # type: ignore[type-arg]
    return _sql(f"""select d.path, b.block_idx, b.label, b.reason, k.path, b.duplicate_of_block
        from '{out}/blocks/**/*.parquet' b join '{out}/documents/**/*.parquet' d using (doc_id)
        left join '{out}/documents/**/*.parquet' k on k.doc_id = b.duplicate_of_doc
        order by 1, 2""")


def _syndicated_inputs(root: Path, seeds_dir: Path, sites: int = 2) -> list[Path]:
    """Seeds plus copies of them under other sites' chrome: duplicates within and across articles."""
    files = []
    wrappers = [(f"s{n:02d}.example", "{}" if n % 2 == 0 else f"Share this article\n{{}}\nFollow site {n} on X")
                for n in range(sites)]
    for i, seed in enumerate(sorted(seeds_dir.iterdir())):
        body = seed.read_text(encoding="utf-8")
        for site, wrapper in wrappers:
            path = root / site / f"{i}-{seed.name}"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(wrapper.format(body), encoding="utf-8")
            files.append(path)
    return sorted(files)


def test_incremental_runs_equal_one_run_over_all(tmp_path: Path, seeds_dir: Path) -> None:
    files = _syndicated_inputs(tmp_path / "in", seeds_dir)
    run_pipeline([tmp_path / "in"], tmp_path / "batch")
    # The same files arriving in three runs, in input order.
    for n in (3, 7, len(files)):
        staged = tmp_path / f"in{n}"
        for f in files[:n]:
            target = staged / f.relative_to(tmp_path / "in")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, target)
        run_pipeline([staged], tmp_path / "incremental")
        shutil.rmtree(staged)
    assert len(Manifest.load(tmp_path / "incremental").run_ids) == 3
    batch, incremental = _labels(tmp_path / "batch"), _labels(tmp_path / "incremental")
    assert incremental == batch
    assert sum(1 for row in batch if row[2] == "duplicate" and row[4] != row[0]) > 20  # across sites


def test_a_changed_file_becomes_a_new_document_whose_unchanged_paragraphs_are_duplicates(
        tmp_path: Path, seeds_dir: Path) -> None:
    (tmp_path / "in").mkdir()
    story = (seeds_dir / "001_927cb4e43b5f7477.txt").read_text(encoding="utf-8")
    (tmp_path / "in" / "story.txt").write_text(story, encoding="utf-8")
    first = run_pipeline([tmp_path / "in"], tmp_path / "out")
    updated = story.rstrip("\n") + "\nUpdate: the ministry said on Friday it had opened an inquiry into the recruitment.\n"
    (tmp_path / "in" / "story.txt").write_text(updated, encoding="utf-8")
    second = run_pipeline([tmp_path / "in"], tmp_path / "out")
    assert (first.documents, second.files, second.documents) == (1, 1, 1)
    versions = _sql(f"select run, n_content, n_duplicate from '{tmp_path}/out/documents/**/*.parquet' order by run")
    assert len(versions) == 2 and versions[1][1] == 1  # only the update is new content
    kept_in = _sql(f"""select distinct k.run from '{tmp_path}/out/blocks/**/*.parquet' b
        join '{tmp_path}/out/documents/**/*.parquet' d using (doc_id)
        join '{tmp_path}/out/documents/**/*.parquet' k on k.doc_id = b.duplicate_of_doc
        where d.run = '{second.run_id}' and b.reason like 'duplicate:%'""")
    assert kept_in == [(first.run_id,)]  # the new version points into the earlier partition
    paths = _sql(f"select path, run from '{tmp_path}/out/inputs/**/*.parquet' order by run")
    assert [p for p, _ in paths] == ["story.txt", "story.txt"]


def test_worker_processes_give_the_same_corpus(tmp_path: Path, seeds_dir: Path) -> None:
    _syndicated_inputs(tmp_path / "in", seeds_dir, sites=4)
    run_pipeline([tmp_path / "in"], tmp_path / "one", Settings(batch_files=3, workers=1))
    run_pipeline([tmp_path / "in"], tmp_path / "two", Settings(batch_files=3, workers=2))
    assert _labels(tmp_path / "two") == _labels(tmp_path / "one")


def test_the_external_sort_of_the_duplicate_pass_does_not_change_decisions(tmp_path: Path, seeds_dir: Path) -> None:
    _syndicated_inputs(tmp_path / "in", seeds_dir, sites=3)
    run_pipeline([tmp_path / "in"], tmp_path / "one", Settings(workers=1))
    run_pipeline([tmp_path / "in"], tmp_path / "many", Settings(workers=1, dedup_bucket_docs=2))
    assert _labels(tmp_path / "many") == _labels(tmp_path / "one")
    assert sum(1 for row in _labels(tmp_path / "one") if row[2] == "duplicate") > 20
