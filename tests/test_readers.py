from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from dedupe.document import Document, InputError, InputFile
from dedupe.readers.discover import discover
from dedupe.readers.formats import normalise_date, read_input, site_of_url, sniff_format, source_of
from dedupe.readers.staged import read_documents
from dedupe.run_folder import STAGED_BLOCKS, RunFolder
from dedupe.segment import segment_document
from dedupe.settings import Settings
from dedupe.writers.part import PartWriter
from dedupe.writers.staging import StagingWriter, read_staged

DATA = Path(__file__).parent / "data"


def _read(path: Path, settings: Settings | None = None) -> list[Document | InputError]:
    items = list(discover([path]))
    assert len(items) == 1 and isinstance(items[0], InputFile), items
    return list(read_input(items[0], settings or Settings()))


def _files(items: list[InputFile | InputError]) -> list[str]:
    return [i.rel_path for i in items if isinstance(i, InputFile)]


# --- discovery ---------------------------------------------------------------------------------

def test_discovery_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ["b/2.txt", "b/1.txt", "a.txt", ".git/config", "c/.DS_Store", "c/d/e.html"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert _files(list(discover([tmp_path]))) == ["a.txt", "b/1.txt", "b/2.txt", "c/d/e.html"]


def test_discovery_accepts_files_and_globs(tmp_path: Path) -> None:
    (tmp_path / "site" / "deep").mkdir(parents=True)
    for rel in ["site/x.txt", "site/deep/y.txt", "site/z.html"]:
        (tmp_path / rel).write_text("x")
    assert _files(list(discover([tmp_path / "site" / "x.txt"]))) == ["x.txt"]
    assert _files(list(discover([str(tmp_path / "site" / "**" / "*.txt")]))) == ["deep/y.txt", "x.txt"]
    with pytest.raises(FileNotFoundError):
        list(discover([tmp_path / "missing"]))


def test_symlinks_leaving_the_root_are_reported_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("outside the root")
    (root / "real.txt").write_text("inside")
    os.symlink(outside / "secret.txt", root / "leak.txt")
    os.symlink(outside, root / "leakdir")
    os.symlink(root / "real.txt", root / "alias.txt")  # stays inside: followed
    items = list(discover([root]))
    assert _files(items) == ["alias.txt", "real.txt"]
    errors = {e.path: e.error for e in items if isinstance(e, InputError)}
    assert errors == {"leak.txt": "symlink_outside_root", "leakdir": "symlink_outside_root"}


def test_special_and_dangling_files_are_errors(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink(tmp_path / "gone.txt", tmp_path / "dangling.txt")
    errors = {e.path: e.error for e in discover([tmp_path]) if isinstance(e, InputError)}
    assert errors["pipe.txt"] == "not_regular_file"
    assert errors["dangling.txt"] in ("unreadable", "symlink_outside_root")


# --- formats -----------------------------------------------------------------------------------

def test_text_file_keeps_raw_text_and_takes_source_from_folder(tmp_path: Path) -> None:
    (tmp_path / "example.org").mkdir()
    path = tmp_path / "example.org" / "story.txt"
    text = "Заголовок\r\nРосійські вербувальники поширюють відео в китайських соцмережах.\r\n"
    path.write_bytes(text.encode("cp1251"))
    (doc,) = list(read_input(next(f for f in discover([tmp_path]) if isinstance(f, InputFile)),
                             Settings()))
    assert isinstance(doc, Document)
    assert doc.raw_text == text
    assert (doc.format, doc.source, doc.path, doc.extracted_text) == ("text", "example.org",
                                                                       "example.org/story.txt", None)


def test_html_page_is_read_block_by_block_with_metadata(tmp_path: Path) -> None:
    shutil.copy(DATA / "article.html", tmp_path / "page.html")
    (doc,) = _read(tmp_path / "page.html")
    assert isinstance(doc, Document)
    assert doc.format == "html" and doc.raw_text.startswith("<!DOCTYPE html>")
    assert doc.extracted_text is not None
    # Every visible block, the page's chrome included (the cleaner labels it), one per line, and
    # the reader's features of each line beside it.
    lines = doc.extracted_text.split("\n")
    assert "Most read" in lines and "Cookie settings" in lines
    assert any("second ferry route" in line for line in lines)
    assert doc.line_features is not None and doc.line_features.shape[0] == len(lines)
    assert doc.title == "Harbour council approves new ferry route"
    assert doc.author == "Ines Okafor"
    assert doc.published is not None and doc.published.startswith("2025-03-14")
    assert doc.source == "coastline-gazette.example"


def test_html_content_in_a_txt_file_is_read_as_html(tmp_path: Path) -> None:
    shutil.copy(DATA / "article.html", tmp_path / "page.txt")
    (doc,) = _read(tmp_path / "page.txt")
    assert isinstance(doc, Document) and doc.format == "html"


def test_page_without_main_text_is_an_extract_error(tmp_path: Path) -> None:
    (tmp_path / "nav.html").write_text("<html><head><script>var x = 1;</script></head><body></body></html>")
    (err,) = _read(tmp_path / "nav.html")
    assert isinstance(err, InputError) and (err.stage, err.error) == ("extract", "no_main_text")


def _jsonl_lines() -> list[str]:
    html = (DATA / "article.html").read_text(encoding="utf-8")
    return [
        json.dumps({"text": "First story.\nSecond paragraph.", "url": "https://www.news.example/a",
                    "title": "First", "published": "2025-04-11T09:24:00Z"}),
        "",
        "{not json",
        json.dumps({"url": "https://x.example/b"}),
        json.dumps(["a", "list"]),
        json.dumps({"text": "   "}),
        json.dumps({"html": html}),
        json.dumps({"text": 42}),
    ]


@pytest.mark.parametrize("gz", [False, True], ids=["jsonl", "jsonl.gz"])
def test_jsonl_records_each_become_a_document_or_an_error(tmp_path: Path, gz: bool) -> None:
    body = ("\n".join(_jsonl_lines()) + "\n").encode()
    path = tmp_path / ("feed.jsonl.gz" if gz else "feed.jsonl")
    path.write_bytes(gzip.compress(body) if gz else body)
    items = _read(path)
    docs = [i for i in items if isinstance(i, Document)]
    errors = {i.record: i.error for i in items if isinstance(i, InputError)}
    assert [d.record for d in docs] == [1, 7]
    assert docs[0].source == "news.example" and docs[0].title == "First"
    assert docs[0].published == "2025-04-11T09:24:00+00:00"
    assert docs[1].format == "jsonl" and docs[1].extracted_text and docs[1].source == "coastline-gazette.example"
    assert errors == {3: "malformed_json", 4: "missing_text", 5: "malformed_json", 6: "empty",
                      8: "missing_text"}


def test_unknown_extension_is_sniffed(tmp_path: Path) -> None:
    (tmp_path / "dump.data").write_text('{"text": "A record."}\n{"text": "Another."}\n')
    assert [d.record for d in _read(tmp_path / "dump.data") if isinstance(d, Document)] == [1, 2]
    assert sniff_format(b"  <!-- saved -->\n<!DOCTYPE html><html>") == "html"
    assert sniff_format(b"Plain words.\n{not json}") == "text"


def test_oversized_inputs_are_refused_without_reading_them(tmp_path: Path) -> None:
    small = Settings(max_file_bytes=1000, max_record_bytes=100)
    (tmp_path / "big.txt").write_text("word " * 1000)
    (err,) = _read(tmp_path / "big.txt", small)
    assert isinstance(err, InputError) and err.error == "oversized" and "1,000" in err.message

    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 100_000))
    (err,) = _read(tmp_path / "bomb.txt.gz", small)
    assert isinstance(err, InputError) and err.error == "oversized"

    lines = [json.dumps({"text": "x" * 500}), json.dumps({"text": "fits"})]
    (tmp_path / "records.jsonl").write_text("\n".join(lines) + "\n")
    items = _read(tmp_path / "records.jsonl", small)
    assert [(type(i).__name__, i.record) for i in items] == [("InputError", 1), ("Document", 2)]


def test_corrupt_gzip_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n' * 100)[:40])
    *records, last = _read(tmp_path / "broken.jsonl.gz")
    # Records before the damage are kept; the rest of the file is one error.
    assert all(isinstance(r, Document) for r in records)
    assert isinstance(last, InputError) and last.error == "corrupt_gzip"


def test_site_and_date_helpers() -> None:
    assert site_of_url("https://WWW.Reuters.com/world/x") == "reuters.com"
    assert site_of_url("news.bbc.co.uk/path") == "news.bbc.co.uk"
    assert site_of_url(None) == site_of_url("") == ""
    assert source_of(None, "apnews.com/2025/a.txt") == "apnews.com"
    assert source_of(None, "a.txt") == ""
    assert source_of("https://www.cnn.com/x", "apnews.com/a.txt") == "cnn.com"
    assert normalise_date("2025-04-11") == "2025-04-11T00:00:00"
    assert normalise_date("11 April 2025, 09:24") == "11 April 2025, 09:24"
    assert normalise_date("  ") is None


# --- staged parts read back -----------------------------------------------------------------------

def _staged_part(folder: Path, pages: list[str]) -> list[Document]:
    docs = [segment_document(Document.from_text(page, path=f"{i}.txt", format="text"), Settings())
            for i, page in enumerate(pages)]
    with PartWriter(RunFolder(folder), "part-0", run_id="r", metadata={}) as part:
        for doc in docs:
            part.write_document(doc, size=1, mtime_ns=0)
    # Record batches of 4 blocks (as a rewrite of a filtered part may have): documents span them.
    path = folder / "blocks" / "part-0.arrow"
    blocks = read_staged(path)
    with StagingWriter(path, STAGED_BLOCKS, table="blocks", metadata={}) as writer:
        writer.write_table(pa.Table.from_batches(blocks.to_batches(max_chunksize=4)))
    assert pa.ipc.open_file(path).num_record_batches > 1
    return docs


def test_staged_documents_come_back_with_their_blocks_across_record_batches(tmp_path: Path) -> None:
    pages = ["\n".join(f"Line {d}.{i} of page {d}." for i in range(7 + 5 * d)) for d in range(6)]
    written = _staged_part(tmp_path, pages)
    read = list(read_documents(tmp_path / "documents" / "part-0.arrow", tmp_path / "blocks" / "part-0.arrow"))
    assert [d.doc_id for d in read] == [d.doc_id for d in written]
    assert [[(b.idx, b.start, b.end, b.text) for b in d.blocks] for d in read] == \
        [[(b.idx, b.start, b.end, b.text) for b in d.blocks] for d in written]
    assert all(b.label == "content" for d in read for b in d.blocks)


@pytest.mark.parametrize("damage", ["missing", "extra", "swapped"])
def test_staged_blocks_out_of_step_with_their_documents_are_an_error(tmp_path: Path, damage: str) -> None:
    _staged_part(tmp_path, ["One.\nTwo.\nThree.", "Four.\nFive."])
    path = tmp_path / "blocks" / "part-0.arrow"
    blocks = read_staged(path)
    if damage == "missing":
        blocks = blocks.slice(0, blocks.num_rows - 1)
    elif damage == "extra":
        blocks = pa.concat_tables([blocks, blocks.slice(blocks.num_rows - 1)])
    else:
        blocks = blocks.take([0, 3, 2, 1, 4])  # a block of the second document among the first's
    with StagingWriter(path, STAGED_BLOCKS, table="blocks", metadata={}) as writer:
        writer.write_table(blocks)
    with pytest.raises(ValueError, match="blocks"):
        list(read_documents(tmp_path / "documents" / "part-0.arrow", path))
