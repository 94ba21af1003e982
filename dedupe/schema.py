"""The output contract: Arrow schemas of the corpus tables, with a description of every column.

The descriptions are stored in each Parquet file (field metadata ``description``, schema metadata
``dedupe.*``) and rendered into the README by ``python -m dedupe.schema``, so the documentation and
the files cannot drift apart.

>>> DOCUMENTS.field("doc_id").type
DataType(string)
>>> SCHEMA_VERSION
'3'
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pyarrow as pa

SCHEMA_VERSION: Final = "3"


def _f(name: str, type_: pa.DataType, description: str, nullable: bool = True) -> pa.Field:
    return pa.field(name, type_, nullable=nullable, metadata={"description": description})


_RUN_ID = _f("run_id", pa.string(), "Id of the run that wrote the row (also the `run=` partition).", False)
_RECORD = _f("record", pa.int64(), "1-based line of the record in a JSON Lines file; null for other formats.")

DOCUMENTS: Final = pa.schema([
    _f("doc_id", pa.string(), "xxh3-64 of `raw_text` as 16 hex digits: the same article under two paths "
       "has one id.", False),
    _f("path", pa.string(), "Path of the input file, relative to its input root, `/`-separated.", False),
    _RECORD,
    _f("source", pa.string(), "The site: domain of `url` when known, else the first folder under the "
       "input root, else empty.", False),
    _f("format", pa.string(), "`text`, `html` or `jsonl`.", False),
    _f("url", pa.string(), "URL from the page metadata or the JSON record."),
    _f("title", pa.string(), "Headline from metadata (or, from the cleaner, the title block)."),
    _f("author", pa.string(), "Author from metadata or a recognised byline."),
    _f("published", pa.timestamp("us", tz="UTC"), "When the article was published, in UTC: from the page's "
       "metadata, else its byline or dateline (`dedupe/dates.py`); a date without a time is midnight UTC "
       "(see `published_precision`), a time without a zone is taken as UTC. Null when no date was found."),
    _f("published_raw", pa.string(), "The string `published` was read from, as the page gave it."),
    _f("published_precision", pa.string(), "How much of `published` the string said: `day`, `minute` or "
       "`second`; null with `published`."),
    _f("raw_text", pa.large_string(), "The decoded input, untouched (HTML markup for HTML inputs).", False),
    _f("extracted_text", pa.large_string(), "Text the blocks index into when it is not `raw_text`: for "
       "HTML, the page's visible blocks, one per line; null for text inputs."),
    _f("text", pa.large_string(), "The clean body: blocks labelled `content`, joined by blank lines.", False),
    _f("n_blocks", pa.int32(), "Number of blocks.", False),
    _f("n_content", pa.int32(), "Blocks labelled `content`.", False),
    _f("n_title", pa.int32(), "Blocks labelled `title`.", False),
    _f("n_chrome", pa.int32(), "Blocks labelled `chrome`.", False),
    _f("n_padding", pa.int32(), "Blocks labelled `padding`.", False),
    _f("n_duplicate", pa.int32(), "Blocks labelled `duplicate`.", False),
    _f("duplicate_ratio", pa.float32(), "Share of the document's content characters (content and "
       "duplicate blocks) that duplicate blocks of *other* documents.", False),
    _f("near_duplicate_of", pa.string(), "The document most of them copy, when `duplicate_ratio` reaches "
       "`near_duplicate_ratio` (default 0.8): this article is a copy of that one."),
    _f("added", pa.timestamp("us", tz="UTC"), "When the run that added the document started (it commits "
       "at its end: the manifest's `committed`).", False),
    _RUN_ID,
])

BLOCKS: Final = pa.schema([
    _f("doc_id", pa.string(), "Document of the block.", False),
    _f("source", pa.string(), "The site of its document (as `documents.source`): per-site questions "
       "need no join.", False),
    _f("block_idx", pa.int32(), "0-based position of the block in its document.", False),
    _f("start", pa.int32(), "Offset of the first character in `coalesce(extracted_text, raw_text)`.", False),
    _f("end", pa.int32(), "Offset past the last character: `base_text[start:end] == text`.", False),
    _f("text", pa.large_string(), "The block's text.", False),
    _f("label", pa.string(), "`content`, `title`, `chrome`, `padding` or `duplicate`.", False),
    _f("reason", pa.string(), "The rule, model or detector that decided the label (`chrome:share`, "
       "`site_chrome`, `chrome:model`, `padding:commentary`, `body`, `body:guard`, `duplicate:near`...).",
       False),
    _f("duplicate_of_doc", pa.string(), "For duplicates: document of the kept block it repeats."),
    _f("duplicate_of_block", pa.int32(), "For duplicates: `block_idx` of the kept block it repeats."),
    _f("similarity", pa.float32(), "For duplicates: verified similarity to the kept block (0-1)."),
    _f("score", pa.float32(), "The block model's probability (0-1) that the block is article text. A block "
       "below the model's threshold is `chrome` (`chrome:model`) unless a certain rule decided first; "
       "filter on it to move the cut-off. Null where a certain rule decided (its reason names it) or "
       "cleaning was off."),
    _RUN_ID,
])

ERRORS: Final = pa.schema([
    _f("path", pa.string(), "Input path relative to its root.", False),
    _RECORD,
    _f("stage", pa.string(), "`discover`, `read`, `decode`, `parse` or `extract`.", False),
    _f("error", pa.string(), "Short code: `empty`, `binary`, `undecodable`, `oversized`, `malformed_json`, "
       "`missing_text`, `no_main_text`, `symlink_outside_root`, `unreadable`, ...", False),
    _f("message", pa.string(), "What went wrong, for a person.", False),
    _RUN_ID,
])

INPUTS: Final = pa.schema([
    _f("path", pa.string(), "Input path relative to its root.", False),
    _RECORD,
    _f("size", pa.int64(), "File size in bytes when discovered.", False),
    _f("mtime_ns", pa.int64(), "File modification time (ns since the epoch) when discovered.", False),
    _f("doc_id", pa.string(), "Document read from this input; null when it failed."),
    _f("status", pa.string(), "`document` (written to documents), `same_as_earlier` (text identical to an "
       "input read before it: one document, two paths) or `error` (see errors).", False),
    _RUN_ID,
])

SITE_CHROME: Final = pa.schema([
    _f("source", pa.string(), "The site.", False),
    _f("key", pa.int64(), "Key of the line (`dedupe.clean.site.line_key`: xxh3 of the lower-cased, "
       "space-collapsed text).", False),
    _f("text", pa.string(), "The line (as first seen, cut at 200 characters).", False),
    _f("n_docs", pa.int32(), "Documents of the site in this run that contain the line.", False),
    _RUN_ID,
])

SIGNATURES: Final = pa.schema([
    _f("doc_id", pa.string(), "Document of the block.", False),
    _f("block_idx", pa.int32(), "The block (content blocks of `near_min_words` words or more).", False),
    _f("minhash", pa.list_(pa.uint32()), "MinHash signature: datasketch's `affine32` scheme over xxh32 of "
       "word n-grams; `dedupe.dedup.minhash.MinHasher().lean_minhash(text)` makes a comparable one.",
       False),
    _RUN_ID,
])

INDEX: Final = pa.schema([
    _f("doc_id", pa.string(), "Document of a block kept (not a duplicate) by the run.", False),
    _f("block_idx", pa.int32(), "The block.", False),
    _f("exact_key", pa.int64(), "xxh3 of its folded text (the exact tier).", False),
    _f("band_keys", pa.list_(pa.uint32()), "Its LSH band keys (empty below `near_min_words`).", False),
    _f("anchors", pa.list_(pa.uint32()), "Its anchor shingles (containment candidates).", False),
    _f("shingles", pa.list_(pa.uint32()), "Its shingle set (verification of candidates).", False),
    _RUN_ID,
])

SITE_LINES: Final = pa.schema([
    _f("source", pa.string(), "The site.", False),
    _f("key", pa.int64(), "Key of the line (see `site_chrome`).", False),
    _f("n_docs", pa.int32(), "Documents of the site in this part of the run that contain the line "
       "(a run's count is the sum of its rows).", False),
    _f("prose", pa.bool_(), "Whether the line reads like running text (the syndication guard).", False),
    _f("text", pa.string(), "The line, cut at 200 characters.", False),
    _RUN_ID,
])

#: Table name to schema, in the order a run publishes them.
TABLES: Final = {"inputs": INPUTS, "errors": ERRORS, "site_lines": SITE_LINES, "site_chrome": SITE_CHROME,
                 "index": INDEX, "signatures": SIGNATURES, "blocks": BLOCKS, "documents": DOCUMENTS}

DESCRIPTIONS: Final = {
    "documents": "One row per distinct article (by `doc_id`).",
    "blocks": "One row per block (line or sentence group) of each document, with its label and provenance.",
    "errors": "One row per input (file or JSON record) that could not be used, and why.",
    "inputs": "One row per input file or JSON record seen by the run, and what became of it.",
    "site_chrome": "One row per line learned as a site's chrome (recurring on several of its pages).",
    "signatures": "One row per content block long enough for near-duplicate search: its MinHash.",
    "index": "The duplicate index: one row per block kept by the run, what later runs compare with.",
    "site_lines": "Per-site line counts of the run, one file per part (counted where the part was read); "
                  "later runs add them to their own (chrome learning).",
}


def schema_markdown() -> str:
    """The contract as Markdown tables (pasted into the README)."""
    out: list[str] = []
    for name, schema in TABLES.items():
        out.append(f"#### `{name}/` — {DESCRIPTIONS[name]}\n")
        out.append("| column | type | null | meaning |\n|---|---|---|---|")
        for field in schema:
            desc = (field.metadata or {}).get(b"description", b"").decode()
            out.append(f"| `{field.name}` | {field.type} | {'yes' if field.nullable else 'no'} | {desc} |")
        out.append("")
    return "\n".join(out)


README_START = "<!-- schema:start"
README_END = "<!-- schema:end -->"


def update_readme(path: str | Path) -> None:
    """Replace the README's contract section (between the schema markers) with the current one."""
    text = Path(path).read_text(encoding="utf-8")
    start = text.index(README_START)
    start = text.index("\n", start) + 1
    end = text.index(README_END)
    Path(path).write_text(text[:start] + schema_markdown() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    print(schema_markdown())
