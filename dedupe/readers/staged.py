"""Read documents back from a run's staged parts (documents + blocks working files), streaming.

Blocks are written in document order and each document row says how many it has, so the two
files are read side by side, one record batch at a time: memory holds a batch of documents, not a
whole part.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dedupe.document import Block, Document
from dedupe.readers.html import LINE_FEATURES

_DOC_FIELDS = ("doc_id", "path", "format", "raw_text", "extracted_text", "record", "source", "url",
               "title", "author", "published_raw", "n_blocks", "line_features")
_BLOCK_FIELDS = ("doc_id", "block_idx", "start", "end", "text", "line_key")


def _batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The record batches of an IPC file, one at a time."""
    with pa.OSFile(str(path)) as source:
        reader = pa.ipc.open_file(source)
        for i in range(reader.num_record_batches):
            yield reader.get_batch(i)


def _blocks(path: Path) -> Iterator[tuple[str, Block]]:
    for batch in _batches(path):
        for doc_id, idx, start, end, text, key in zip(*(batch.column(c).to_pylist() for c in _BLOCK_FIELDS),
                                                      strict=True):
            yield doc_id, Block(idx, start, end, text, line_key=key)


def read_documents(documents: Path, blocks: Path, *, base_text_only: bool = False) -> Iterator[Document]:
    """Yield the staged documents of a part with their (unlabelled) blocks, in the order written.

    ``base_text_only`` leaves ``raw_text`` empty where the blocks index into ``extracted_text``
    (an HTML page's markup, which the cleaner never reads, is then not turned into a string).
    """
    block_stream = _blocks(blocks)
    for batch in _batches(documents):
        columns = {c: batch.column(c) for c in _DOC_FIELDS}
        if base_text_only:
            columns["raw_text"] = pc.if_else(pc.is_null(columns["extracted_text"]), columns["raw_text"],
                                             pa.scalar("", columns["raw_text"].type))
        for (doc_id, path, format_, raw_text, extracted_text, record, source, url, title, author,
             published, n_blocks, features) in zip(*(c.to_pylist() for c in columns.values()), strict=True):
            lines = None if features is None else np.frombuffer(features, np.float16)
            doc = Document(doc_id, path, format_, raw_text, extracted_text, record, source, url, title,
                           author, published, line_features=None if lines is None else
                           lines.reshape(-1, len(LINE_FEATURES)).astype(np.float32))
            for owner, block in islice(block_stream, n_blocks):
                if owner != doc_id:
                    raise ValueError(f"{blocks}: the blocks of {owner} do not follow their document")
                doc.blocks.append(block)
            if len(doc.blocks) != n_blocks:
                raise ValueError(f"{blocks}: {doc_id} has {len(doc.blocks)} blocks, not {n_blocks}")
            yield doc
    if next(block_stream, None) is not None:
        raise ValueError(f"{blocks}: blocks left after the last document")
