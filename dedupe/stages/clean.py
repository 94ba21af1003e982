"""Clean a part: label every block (:mod:`dedupe.clean`) and compute the duplicate features of its
content blocks (:mod:`dedupe.dedup.features`).

Only the labels and the features are staged, row for row with the part's staged blocks; the part
itself is not rewritten (the assemble stage writes it once, with everything decided).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dedupe.clean.cleaner import clean_documents
from dedupe.clean.site import chrome_keys
from dedupe.dedup.features import FeatureComputer
from dedupe.document import Document
from dedupe.readers.staged import read_documents
from dedupe.run_folder import RunFolder
from dedupe.settings import Settings
from dedupe.stages.stage import Counts, RunPlan, part_number
from dedupe.writers.parquet import TableWriter

#: Documents cleaned together (the cleaner's models score a batch of lines at once).
CLEAN_BATCH = 64
#: Content blocks whose features are computed together.
FEATURE_BATCH = 4096


@dataclass
class ContentBlocks:
    """The content blocks of a part waiting for their duplicate features: one column each."""

    doc_ids: list[str] = field(default_factory=list)
    block_idxs: list[int] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)  #: the block's row in the part's staged blocks

    def add(self, doc: Document, first_row: int) -> None:
        for row, block in enumerate(doc.blocks, first_row):
            if block.label == "content":
                self.doc_ids.append(doc.doc_id)
                self.block_idxs.append(block.idx)
                self.texts.append(block.text)
                self.rows.append(row)

    def __len__(self) -> int:
        return len(self.texts)

    def clear(self) -> None:
        for values in (self.doc_ids, self.block_idxs, self.texts, self.rows):
            values.clear()


class FeatureWriter:
    """Computes the duplicate features of content blocks and stages them with their MinHash
    signatures (the ``signatures`` table, of blocks long enough for near-duplicate search)."""

    def __init__(self, plan: RunPlan, part: str, features: TableWriter, signatures: TableWriter) -> None:
        self.settings = plan.settings
        self.run_id = plan.run_id
        self.part = part_number(part)
        self.computer = FeatureComputer(plan.settings)
        self.features = features
        self.signatures = signatures

    def write(self, content: ContentBlocks) -> None:
        settings = self.settings
        if settings.dedup and len(content):
            table, signatures = self.computer.compute(content.doc_ids, content.block_idxs, content.texts)
            self.features.write_table(
                table.append_column("part", pa.array([self.part] * len(content), pa.int32()))
                .append_column("row", pa.array(content.rows, pa.int32())))
            near = pa.array(np.flatnonzero(table["n_words"].to_numpy() >= settings.near_min_words))
            self.signatures.write_table(pa.table({
                "doc_id": table["doc_id"].take(near), "block_idx": table["block_idx"].take(near),
                "minhash": pa.FixedSizeListArray.from_arrays(signatures.reshape(-1), settings.num_perm).cast(
                    pa.list_(pa.uint32())),
                "run_id": pa.array([self.run_id] * len(near), pa.string())}))
        content.clear()


def clean_part(plan: RunPlan, part: str) -> Counts:
    """Label every block of one staged part and compute its duplicate features.

    Writes, beside the staged part: the labels row for row with its blocks, the documents' facts
    (title, author, date: the keep-order needs them), the duplicate features of its content blocks
    and its ``signatures`` table.
    """
    settings = plan.settings
    folder = plan.folder
    if not folder.exists("staged_documents", part):
        return Counts()
    site_chrome = _site_chrome(folder) if settings.clean else {}
    meta = plan.metadata
    with folder.writer("labels", part, metadata=meta) as label_writer, \
            folder.writer("doc_facts", part, metadata=meta) as facts_writer, \
            folder.writer("features", part, metadata=meta) as features_writer, \
            folder.writer("signatures", part, metadata=meta) as signatures_writer:
        features = FeatureWriter(plan, part, features_writer, signatures_writer)
        content = ContentBlocks()
        row = 0
        docs = read_documents(folder.path("staged_documents", part), folder.path("staged_blocks", part),
                              base_text_only=True)
        for doc in _cleaned(docs, settings, site_chrome):
            bs = doc.blocks
            label_writer.extend({
                "label": [b.label for b in bs], "reason": [b.reason for b in bs],
                "duplicate_of_doc": [b.duplicate_of_doc for b in bs],
                "duplicate_of_block": [b.duplicate_of_block for b in bs],
                "similarity": [b.similarity for b in bs], "score": [b.score for b in bs]}, len(bs))
            facts_writer.write({"doc_id": doc.doc_id, "path": doc.path, "record": doc.record,
                                "title": doc.title, "author": doc.author, "published": doc.published})
            content.add(doc, row)
            row += len(bs)
            if len(content) >= FEATURE_BATCH:
                features.write(content)
        features.write(content)
    return Counts()


def _cleaned(docs: Iterable[Document], settings: Settings, site_chrome: dict[str, frozenset[int]],
             batch: int = CLEAN_BATCH) -> Iterator[Document]:
    """``docs`` cleaned (when cleaning is on), ``batch`` documents at a time."""
    if not settings.clean:
        yield from docs
        return
    docs = iter(docs)
    while group := list(itertools.islice(docs, batch)):
        yield from clean_documents(group, settings, site_chrome)


def _site_chrome(folder: RunFolder) -> dict[str, frozenset[int]]:
    """The run's chrome line keys per site (read once per worker process: every part needs them,
    and a large run's table takes longer to read than a part takes to clean)."""
    path = folder.path("site_chrome")
    return _chrome_keys_of(str(path), path.stat().st_mtime_ns) if path.exists() else {}


@lru_cache(maxsize=1)
def _chrome_keys_of(path: str, mtime_ns: int) -> dict[str, frozenset[int]]:
    return chrome_keys(pq.read_table(path, columns=["source", "key"]))
