"""Write one part (one batch) of the tables reading makes: documents, blocks, errors and inputs.

``inputs`` and ``errors`` are final; ``documents`` and ``blocks`` are the run's working files
(``staged_documents``, ``staged_blocks`` of :mod:`dedupe.run_folder`) until the assemble stage
writes them with their labels.

>>> import tempfile
>>> from dedupe.document import Block, Document
>>> from dedupe.run_folder import RunFolder
>>> folder = RunFolder(tempfile.mkdtemp())
>>> doc = Document.from_text("Hello world.", path="a.txt", format="text")
>>> doc.blocks = [Block(0, 0, 12, "Hello world.")]
>>> with PartWriter(folder, "part-0", run_id="r1", metadata={}) as part:
...     part.write_document(doc, size=12, mtime_ns=0)
>>> folder.read("staged_blocks", "part-0").column("text").to_pylist()
['Hello world.']
>>> folder.read("inputs", "part-0").column("status").to_pylist()
['document']
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from dedupe.document import Document, InputError
from dedupe.run_folder import RunFolder
from dedupe.writers.parquet import AtomicWriter, TableWriter

#: ``added`` while staged (set when the part is assembled).
ADDED_UNKNOWN = datetime(1970, 1, 1, tzinfo=UTC)
#: The run folder's files a batch writes a part of while it is read, by table.
READ_FILES = {"inputs": "inputs", "errors": "errors", "blocks": "staged_blocks",
              "documents": "staged_documents"}


def write_document(documents: TableWriter, blocks: TableWriter, doc: Document, run_id: str) -> None:
    """Append ``doc`` to a documents writer and its blocks to a blocks writer."""
    counts = doc.label_counts()
    documents.write({
        "doc_id": doc.doc_id, "path": doc.path, "record": doc.record, "source": doc.source,
        "format": doc.format, "url": doc.url, "title": doc.title, "author": doc.author,
        # The date is typed when the document is assembled (cleaning may find it in a dateline).
        "published": None, "published_raw": doc.published, "published_precision": None,
        "added": ADDED_UNKNOWN, "raw_text": doc.raw_text, "extracted_text": doc.extracted_text,
        "text": doc.text, "n_blocks": len(doc.blocks),
        **{f"n_{label}": n for label, n in counts.items()},
        "duplicate_ratio": doc.duplicate_ratio, "near_duplicate_of": doc.near_duplicate_of,
        "run_id": run_id,
        "line_features": (None if doc.line_features is None
                          else doc.line_features.astype(np.float16).tobytes()),
    })
    n = len(doc.blocks)
    bs = doc.blocks
    blocks.extend({
        "doc_id": [doc.doc_id] * n, "source": [doc.source] * n, "block_idx": [b.idx for b in bs],
        "start": [b.start for b in bs], "end": [b.end for b in bs], "text": [b.text for b in bs],
        "label": [b.label for b in bs],
        "reason": [b.reason for b in bs], "duplicate_of_doc": [b.duplicate_of_doc for b in bs],
        "duplicate_of_block": [b.duplicate_of_block for b in bs], "similarity": [b.similarity for b in bs],
        "score": [b.score for b in bs], "line_key": [b.line_key for b in bs], "run_id": [run_id] * n,
    }, n)


class PartWriter(AtomicWriter):
    """The writers of one part of the tables of :data:`READ_FILES`, closed together."""

    def __init__(self, folder: RunFolder, part: str, *, run_id: str, metadata: dict[str, str],
                 rows_per_group: int = 512) -> None:
        self.run_id = run_id
        meta = {"run_id": run_id, **metadata}
        # Documents are flushed more often: a row holds a whole page (a JSON Lines file may hold
        # thousands).
        self.writers = {table: folder.writer(name, part, metadata=meta, rows_per_group=(
                            rows_per_group if table == "documents" else rows_per_group * 32))
                        for table, name in READ_FILES.items()}

    def write_document(self, doc: Document, *, size: int, mtime_ns: int) -> None:
        """The document, its blocks, and the input row that produced it."""
        write_document(self.writers["documents"], self.writers["blocks"], doc, self.run_id)
        self.write_input(doc.path, doc.record, size=size, mtime_ns=mtime_ns, doc_id=doc.doc_id,
                         status="document")

    def write_input(self, path: str, record: int | None, *, size: int, mtime_ns: int,
                    doc_id: str | None, status: str) -> None:
        self.writers["inputs"].write({
            "path": path, "record": record, "size": size, "mtime_ns": mtime_ns, "doc_id": doc_id,
            "status": status, "run_id": self.run_id,
        })

    def write_error(self, err: InputError, *, size: int, mtime_ns: int) -> None:
        self.writers["errors"].write({
            "path": err.path, "record": err.record, "stage": err.stage, "error": err.error,
            "message": err.message, "run_id": self.run_id,
        })
        self.write_input(err.path, err.record, size=size, mtime_ns=mtime_ns, doc_id=None, status="error")

    def close(self) -> None:
        """Close every table that got rows; a table without rows gets no file in this part."""
        for writer in self.writers.values():
            if writer.has_rows:
                writer.close()
            else:
                writer.abort()

    def abort(self) -> None:
        for writer in self.writers.values():
            writer.abort()
