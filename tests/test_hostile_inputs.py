"""A folder of hostile inputs beside good articles: every bad input is a bounded set of error rows,
the good articles are published, and nothing stops the run (issue 14)."""

from __future__ import annotations

import gzip
import json
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pytest

from dedupe.dedup.features import SAME_DOCUMENT_CANDIDATES, _same_document_overlaps
from dedupe.document import InputError, InputFile
from dedupe.readers.discover import discover
from dedupe.readers.formats import MAX_ERRORS_PER_INPUT
from dedupe.run import run_pipeline
from dedupe.settings import Settings

ARTICLE = ("The harbour council voted on Thursday to open a second ferry route between the old town pier "
           "and the northern islands, ending two years of debate over cost and noise.\n"
           "Councillors approved the plan by nine votes to four after a three-hour session in which "
           "residents of the waterfront argued that evening sailings would keep them awake.\n")
RUSSIAN = ("Городской совет в четверг одобрил второй паромный маршрут между старым причалом и северными "
           "островами, завершив два года споров о стоимости и шуме.\n") * 3


def _sql(query: str) -> list[tuple[object, ...]]:
    return duckdb.sql(query).fetchall()


def _hostile_tree(root: Path) -> None:
    root.mkdir(parents=True)
    (root / "good.txt").write_text(ARTICLE, encoding="utf-8")
    # A record nested 100,000 deep, then a good record: the good one is read.
    (root / "deep.jsonl").write_text("[" * 100_000 + "\n" + json.dumps({"text": ARTICLE.replace("Thursday", "Monday")})
                                     + "\n", encoding="utf-8")
    (root / "loop.txt").symlink_to("loop.txt")  # a symlink that resolves to itself
    (root / "a.txt").symlink_to("b.txt")
    (root / "b.txt").symlink_to("a.txt")
    # A file name that is not UTF-8 (Latin-1 "é"), holding a good article.
    with open(os.fsencode(root) + b"/caf\xe9.txt", "wb") as fh:
        fh.write(ARTICLE.replace("harbour", "river").encode())
    (root / "mojibake.txt").write_bytes(b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xe2\x82\x28\xf0\x28\x8c\xbc" * 20)
    (root / "nul.txt").write_bytes(ARTICLE.encode() + b"\x00\x00" + ARTICLE.encode())
    (root / "russian-utf16.txt").write_bytes(RUSSIAN.encode("utf-16-le"))  # no BOM
    # 3 MB of JSON Lines under a 1 MB limit: refused as a whole, not read record by record.
    record = json.dumps({"text": "x" * 990}) + "\n"
    (root / "big.jsonl").write_text(record * 3000, encoding="utf-8")
    # A small gzip of 100,000 bad lines: a bounded number of error rows.
    (root / "bad.jsonl.gz").write_bytes(gzip.compress(b"not json\n" * 100_000))
    # A gzip that decompresses past the limit: what came before is read, then one error.
    (root / "bomb.jsonl.gz").write_bytes(gzip.compress(b"not json\n" * 200_000))


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    _hostile_tree(tmp / "in")
    run_pipeline([tmp / "in"], tmp / "out", Settings(max_file_bytes=1024 * 1024))
    return tmp / "out"


def test_the_good_articles_are_published(hostile_run: Path) -> None:
    paths = [r[0] for r in _sql(f"select path from '{hostile_run}/documents/**/*.parquet' order by path")]
    assert paths == ["caf\\xe9.txt", "deep.jsonl", "good.txt", "russian-utf16.txt"]
    (text,) = _sql(f"select text from '{hostile_run}/documents/**/*.parquet' where path = 'russian-utf16.txt'")[0]
    assert "паромный маршрут" in str(text)


def test_every_bad_input_is_a_row_with_its_reason(hostile_run: Path) -> None:
    rows = _sql(f"select path, error, count(*) from '{hostile_run}/errors/**/*.parquet' group by 1, 2 order by 1, 2")
    assert rows == [
        ("a.txt", "symlink_loop", 1), ("b.txt", "symlink_loop", 1),
        ("bad.jsonl.gz", "malformed_json", MAX_ERRORS_PER_INPUT), ("bad.jsonl.gz", "more_errors", 1),
        ("big.jsonl", "oversized", 1), ("bomb.jsonl.gz", "malformed_json", MAX_ERRORS_PER_INPUT),
        ("bomb.jsonl.gz", "more_errors", 1), ("bomb.jsonl.gz", "oversized", 1), ("deep.jsonl", "malformed_json", 1), ("loop.txt", "symlink_loop", 1),
        ("mojibake.txt", "undecodable", 1), ("nul.txt", "binary", 1)]
    (message,) = _sql(f"select message from '{hostile_run}/errors/**/*.parquet' "
                      "where error = 'more_errors' and path = 'bad.jsonl.gz'")[0]
    assert f"{100_000 - MAX_ERRORS_PER_INPUT:,} more" in str(message)


def _discover_as(uid: int, root: Path) -> list[InputFile | InputError]:
    """Discovery in a child process running as ``uid`` (root reads any folder)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            os.setuid(uid)
            os.write(write, pickle.dumps(list(discover([root]))))
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def test_a_folder_that_cannot_be_read_is_an_error_row() -> None:
    # Under /tmp, not pytest's folder (private to root): the unprivileged child must reach it.
    base = Path(tempfile.mkdtemp(prefix="dedupe-locked-"))
    root = base / "in"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "hidden-away.txt").write_text(ARTICLE)
    (root / "good.txt").write_text(ARTICLE)
    for folder in (base, root):
        folder.chmod(0o755)
    (root / "locked").chmod(0o000)
    try:
        found = _discover_as(65534, root) if os.geteuid() == 0 else list(discover([root]))
    finally:
        (root / "locked").chmod(0o755)
        shutil.rmtree(base)
    assert [f.rel_path for f in found if isinstance(f, InputFile)] == ["good.txt"]
    assert [(e.path, e.error) for e in found if isinstance(e, InputError)] == [("locked", "unreadable")]


def test_pairs_within_one_document_are_bounded() -> None:
    # 20,000 identical blocks of one document: every one is a candidate copy of every earlier one,
    # which unbounded is 200 million pairs; each block keeps a bounded few.
    n = 20_000
    signatures = np.ones((n, 8), np.uint32)
    values, offsets = _same_document_overlaps(["doc"] * n, signatures, np.arange(0, 10 * (n + 1), 10), 0.5)
    assert len(values) <= n * SAME_DOCUMENT_CANDIDATES
    assert offsets[1] - offsets[0] == 0 and values[offsets[1]] == 0  # the second block: the first
