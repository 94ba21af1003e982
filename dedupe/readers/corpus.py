"""Read documents back from corpus Parquet parts (documents + blocks), streaming.

Blocks are written in document order, so the two files are read side by side, one row group at a
time: memory holds a row group of documents, not a whole part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from dedupe.document import Block, Document

_DOC_FIELDS = ("doc_id", "path", "format", "raw_text", "extracted_text", "record", "source", "url",
               "title", "author", "published", "duplicate_ratio", "near_duplicate_of")
_BLOCK_FIELDS = ("block_idx", "start", "end", "text", "label", "reason", "duplicate_of_doc",
                 "duplicate_of_block", "similarity")


def _rows(path: Path, columns: tuple[str, ...], batch_size: int) -> Iterator[dict[str, Any]]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=list(columns)):
        yield from batch.to_pylist()


def read_documents(documents: Path, blocks: Path, batch_size: int = 256) -> Iterator[Document]:
    """Yield the documents of a part with their blocks, in the order they were written."""
    block_rows = _rows(blocks, ("doc_id", *_BLOCK_FIELDS), batch_size * 64)
    pending = next(block_rows, None)
    for row in _rows(documents, _DOC_FIELDS, batch_size):
        doc = Document(**row)
        while pending is not None and pending["doc_id"] == doc.doc_id:
            b = {k: pending[k] for k in _BLOCK_FIELDS}
            doc.blocks.append(Block(idx=b.pop("block_idx"), **b))
            pending = next(block_rows, None)
        yield doc
    if pending is not None:
        raise ValueError(f"{blocks}: blocks of {pending['doc_id']} do not follow its document")
