"""What the pipeline did to a document, or every block of a label, read back from the corpus alone.

The data behind ``dedupe inspect`` (the terminal view) and the HTML report: plain dicts, ready for
JSON. Only committed runs are read (:func:`dedupe.corpus.committed_files`).

>>> import tempfile
>>> from dedupe.run import run_pipeline
>>> out = tempfile.mkdtemp()
>>> _ = run_pipeline(["seeds"], out)
>>> view = document_view(out, "001_927cb4e43b5f7477.txt")
>>> line_7 = view["blocks"][6]
>>> line_7["label"], line_7["reason"], line_7["kept"]["block_idx"], line_7["kept"]["path"]
('duplicate', 'duplicate:exact', 5, '001_927cb4e43b5f7477.txt')
>>> "padding:what_x_says" in {b["reason"] for b in blocks_with_label(out, "padding")}
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from dedupe.corpus import committed_files
from dedupe.document import LABELS

#: Columns of a block in a view.
BLOCK_COLUMNS = ["doc_id", "block_idx", "start", "end", "text", "label", "reason", "duplicate_of_doc",
                 "duplicate_of_block", "similarity", "score", "run_id"]
DOCUMENT_COLUMNS = ["doc_id", "path", "record", "source", "format", "url", "title", "author", "published",
                    "raw_text", "extracted_text", "n_blocks", *[f"n_{label}" for label in LABELS],
                    "duplicate_ratio", "near_duplicate_of", "run_id"]


class NotFound(LookupError):
    """No committed document matches the key."""


def _dataset(out_dir: str | Path, table: str) -> ds.Dataset | None:
    files = committed_files(out_dir, table)
    return ds.dataset(files, format="parquet") if files else None


def _rows(out_dir: str | Path, table: str, columns: list[str], where: pc.Expression) -> list[dict[str, Any]]:
    dataset = _dataset(out_dir, table)
    if dataset is None:
        return []
    rows: list[dict[str, Any]] = dataset.to_table(columns=columns, filter=where).to_pylist()
    return rows


def find_document(out_dir: str | Path, key: str) -> dict[str, Any]:
    """The committed document whose ``doc_id`` is ``key``, else whose path is ``key`` (or ends with
    ``/key``), else ``key`` as typed on the command line with its input folder in front
    (``seeds/001.txt`` for the stored ``001.txt``); the latest run's when a path was read more
    than once."""
    parts = Path(key).parts
    shorter = ["/".join(parts[k:]) for k in range(1, len(parts))]
    for where in (pc.field("doc_id") == key, pc.field("path") == key,
                  pc.ends_with(pc.field("path"), pattern="/" + key),
                  *(pc.field("path") == tail for tail in shorter)):
        rows = _rows(out_dir, "documents", DOCUMENT_COLUMNS, where)
        if rows:
            return max(rows, key=lambda r: r["run_id"])
    raise NotFound(f"no document {key!r} in {out_dir} (give a doc_id or a path as listed in documents/)")


def kept_blocks(out_dir: str | Path, refs: set[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The kept blocks ``(doc_id, block_idx)`` that duplicates point to, with their document's path."""
    if not refs:
        return {}
    doc_ids = sorted({d for d, _ in refs})
    blocks = _rows(out_dir, "blocks", ["doc_id", "block_idx", "text", "run_id"],
                   pc.field("doc_id").isin(doc_ids))
    paths = {r["doc_id"]: r["path"] for r in _rows(out_dir, "documents", ["doc_id", "path"],
                                                     pc.field("doc_id").isin(doc_ids))}
    return {(b["doc_id"], b["block_idx"]): {**b, "path": paths.get(b["doc_id"])}
            for b in blocks if (b["doc_id"], b["block_idx"]) in refs}


def document_view(out_dir: str | Path, key: str) -> dict[str, Any]:
    """A document with its blocks in order; each duplicate carries the kept block it repeats
    (``kept``: document, path, block, text) and the similarity."""
    doc = find_document(out_dir, key)
    blocks = sorted(_rows(out_dir, "blocks", BLOCK_COLUMNS, pc.field("doc_id") == doc["doc_id"]),
                    key=lambda b: b["block_idx"])
    refs = {(b["duplicate_of_doc"], b["duplicate_of_block"]) for b in blocks if b["duplicate_of_doc"]}
    kept = kept_blocks(out_dir, refs)
    for b in blocks:
        if b["duplicate_of_doc"]:
            b["kept"] = kept.get((b["duplicate_of_doc"], b["duplicate_of_block"]))
    doc["base_text"] = doc["extracted_text"] if doc["extracted_text"] is not None else doc["raw_text"]
    doc["blocks"] = blocks
    return doc


def blocks_with_label(out_dir: str | Path, label: str, limit: int | None = None) -> list[dict[str, Any]]:
    """Every committed block labelled ``label`` (path, block, reason, text), in path order."""
    if label not in LABELS:
        raise ValueError(f"unknown label {label!r}; one of: {', '.join(LABELS)}")
    dataset = _dataset(out_dir, "blocks")
    if dataset is None:
        return []
    blocks = dataset.to_table(columns=BLOCK_COLUMNS, filter=pc.field("label") == label)
    docs = _dataset(out_dir, "documents")
    assert docs is not None
    paths = docs.to_table(columns=["doc_id", "path"], filter=pc.field("doc_id").isin(
        pc.unique(blocks["doc_id"]) if blocks.num_rows else pa.array([], pa.string())))
    joined = blocks.join(paths, "doc_id").sort_by([("path", "ascending"), ("block_idx", "ascending")])
    if limit is not None:
        joined = joined.slice(0, limit)
    rows: list[dict[str, Any]] = joined.to_pylist()
    return rows


def corpus_overview(out_dir: str | Path) -> dict[str, Any]:
    """Committed runs, documents and blocks by label."""
    docs = _dataset(out_dir, "documents")
    blocks = _dataset(out_dir, "blocks")
    by_label = {}
    if blocks is not None:
        counts = blocks.to_table(columns=["label"]).group_by("label").aggregate([("label", "count")])
        by_label = dict(zip(counts["label"].to_pylist(), counts["label_count"].to_pylist(), strict=True))
    return {"documents": docs.count_rows() if docs is not None else 0,
            "blocks": {label: by_label.get(label, 0) for label in LABELS}}
