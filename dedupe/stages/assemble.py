"""Assemble a part: the staged text with the cleaner's labels and the duplicate decisions applied
(column operations), written once more as the part's final ``documents`` and ``blocks``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pyarrow as pa

from dedupe.dates import parse_published
from dedupe.document import LABELS
from dedupe.run_folder import RunFolder
from dedupe.schema import DOCUMENTS
from dedupe.stages.stage import Counts, RunPlan

#: The columns of ``blocks`` a duplicate decision sets, and their types (the labels' ``score``,
#: which no decision changes, is carried over as it is).
DECIDED_COLUMNS: dict[str, pa.DataType] = {
    "label": pa.string(), "reason": pa.string(), "duplicate_of_doc": pa.string(),
    "duplicate_of_block": pa.int32(), "similarity": pa.float32()}


@dataclass
class BlockLabels:
    """The labels of a part's blocks (row for row with its staged blocks): the columns a duplicate
    decision sets as arrays of Python values, one each, and the cleaner's table for the rest."""

    table: pa.Table  #: the staged labels
    columns: dict[str, np.ndarray]  #: :data:`DECIDED_COLUMNS`

    @classmethod
    def read(cls, folder: RunFolder, part: str) -> BlockLabels:
        labels = folder.read("labels", part)
        return cls(labels, {name: _objects(labels[name]) for name in DECIDED_COLUMNS})

    @property
    def label(self) -> np.ndarray:
        return self.columns["label"]

    def apply(self, decisions: pa.Table) -> None:
        """Label ``duplicate`` each content block the deduplicator found a copy of (a block the
        cleaner removed stays what the cleaner said)."""
        rows, first = np.unique(decisions["row"].to_numpy(), return_index=True)
        open_ = self.label[rows] == "content"
        rows, first = rows[open_], first[open_]
        self.columns["label"][rows] = "duplicate"
        self.columns["reason"][rows] = [f"duplicate:{why}" for why in _objects(decisions["reason"])[first]]
        for name, source in (("duplicate_of_doc", "dup_doc"), ("duplicate_of_block", "dup_block"),
                             ("similarity", "similarity")):
            self.columns[name][rows] = _objects(decisions[source])[first]

    def on(self, blocks: pa.Table) -> pa.Table:
        """``blocks`` with these labels."""
        for name, type_ in DECIDED_COLUMNS.items():
            blocks = blocks.set_column(blocks.schema.get_field_index(name), name,
                                       pa.array(self.columns[name].tolist(), type_))
        return blocks.set_column(blocks.schema.get_field_index("score"), "score", self.table["score"])


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """A column as a 1-D array of its Python values (None for nulls)."""
    out = np.empty(len(column), dtype=object)
    out[:] = column.to_pylist()
    return out


def assemble_part(plan: RunPlan, part: str) -> Counts:
    """Write one part's final documents and blocks (atomically; the working files then go)."""
    folder = plan.folder
    if not folder.exists("staged_documents", part):
        return Counts()
    labels = BlockLabels.read(folder, part)
    if folder.exists("decisions", part):
        labels.apply(folder.read("decisions", part))
    blocks = labels.on(folder.read("staged_blocks", part))
    docs = _assemble_documents(plan, part, blocks, labels.label)
    rows = plan.settings.rows_per_group
    # The final files appear (atomically) beside the working files, which are then removed.
    with folder.writer("documents", part, metadata=plan.metadata, rows_per_group=rows) as w:
        w.write_table(docs)
    with folder.writer("blocks", part, metadata=plan.metadata, rows_per_group=rows * 32) as w:
        w.write_table(blocks)
    folder.path("staged_documents", part).unlink()  # first: a part without it is assembled
    folder.path("staged_blocks", part).unlink()
    return Counts(blocks=dict(Counter(labels.label.tolist())))


def _assemble_documents(plan: RunPlan, part: str, blocks: pa.Table, label: np.ndarray) -> pa.Table:
    """The documents of a part with what cleaning and deduplication decided: facts, label counts,
    the clean body and the duplicate shares."""
    folder = plan.folder
    docs = folder.read("staged_documents", part)
    facts = folder.read("doc_facts", part)
    n_blocks = docs["n_blocks"].to_numpy()
    doc_of_row = np.repeat(np.arange(docs.num_rows), n_blocks)
    for name in ("title", "author"):
        docs = docs.set_column(docs.schema.get_field_index(name), name, facts[name])
    raw = facts["published"].to_pylist()
    dates = [parse_published(r) for r in raw]
    for name, values, type_ in (
            ("published", [d.timestamp if d else None for d in dates], DOCUMENTS.field("published").type),
            ("published_raw", raw, pa.string()),
            ("published_precision", [d.precision if d else None for d in dates], pa.string()),
            ("added", [datetime.fromisoformat(plan.started)] * docs.num_rows, DOCUMENTS.field("added").type)):
        docs = docs.set_column(docs.schema.get_field_index(name), name, pa.array(values, type_))
    for name in LABELS:
        counts = np.bincount(doc_of_row[label == name], minlength=docs.num_rows).astype(np.int32)
        docs = docs.set_column(docs.schema.get_field_index(f"n_{name}"), f"n_{name}", pa.array(counts))
    content_rows = np.flatnonzero(label == "content")
    texts = blocks["text"].take(pa.array(content_rows)).to_pylist()
    bounds = np.searchsorted(doc_of_row[content_rows], np.arange(docs.num_rows + 1)).tolist()
    body = ["\n\n".join(texts[bounds[d]:bounds[d + 1]]) for d in range(docs.num_rows)]
    docs = docs.set_column(docs.schema.get_field_index("text"), "text", pa.array(body, pa.large_string()))
    stats = folder.read("doc_stats", part) if folder.exists("doc_stats", part) else None
    if stats is not None and stats.num_rows:
        by_doc = {d["doc_id"]: d for d in stats.to_pylist()}
        ratio = [by_doc[d]["duplicate_ratio"] if d in by_doc else 0.0 for d in docs["doc_id"].to_pylist()]
        near = [by_doc[d]["near_duplicate_of"] if d in by_doc else None for d in docs["doc_id"].to_pylist()]
        docs = docs.set_column(docs.schema.get_field_index("duplicate_ratio"), "duplicate_ratio",
                               pa.array(ratio, pa.float32()))
        docs = docs.set_column(docs.schema.get_field_index("near_duplicate_of"), "near_duplicate_of",
                               pa.array(near, pa.string()))
    return docs
