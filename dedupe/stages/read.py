"""Read a batch: decode, extract and segment its files into a staged part (one per batch).

A document repeated inside the batch (the same text under two paths) is kept once. Beside the
part, the line statistics of its documents with a site and their per-site counts are staged
(:func:`write_line_tables`), so that learning the site chrome only adds the counts up.
"""

from __future__ import annotations

import json
from dataclasses import asdict

import pyarrow as pa

from dedupe.clean.site import count_site_lines, line_key, line_stats
from dedupe.document import Document, InputError
from dedupe.readers.formats import read_input
from dedupe.segment import segment_document
from dedupe.settings import Settings
from dedupe.stages.plan import read_batch_files
from dedupe.stages.stage import Counts, RunPlan, part_of_batch
from dedupe.writers.part import PartWriter


def key_lines(doc: Document, settings: Settings) -> Document:
    """Give each block of a document with a site its :func:`~dedupe.clean.site.line_key`: the site
    chrome learner counts lines by it and the cleaner matches them by it (computed once, here)."""
    if doc.source:
        for block in doc.blocks:
            block.line_key = line_key(block.text)
    return doc


#: The per-document steps while reading a batch (cleaning and duplicates need the whole run: later).
DOCUMENT_STEPS = (segment_document, key_lines)


def read_batch(plan: RunPlan, batch: str) -> Counts:
    """Read the files of ``batch`` into the staged part of the same number.

    Blocks are all ``content`` here; the clean stage labels them once the whole run has been seen
    (site chrome needs every page of a site).
    """
    settings = plan.settings
    part = part_of_batch(batch)
    counts = Counts()
    seen: set[str] = set()
    with PartWriter(plan.folder, part, run_id=plan.run_id, metadata=plan.metadata,
                    rows_per_group=settings.rows_per_group) as writer:
        for f in read_batch_files(plan, batch):
            counts.files += 1
            for item in read_input(f, settings):
                if isinstance(item, InputError):
                    writer.write_error(item, size=f.size, mtime_ns=f.mtime_ns)
                    counts.errors[item.error] = counts.errors.get(item.error, 0) + 1
                    continue
                if item.doc_id in seen:
                    writer.write_input(item.path, item.record, size=f.size, mtime_ns=f.mtime_ns,
                                       doc_id=item.doc_id, status="same_as_earlier")
                    counts.same_as_earlier += 1
                    continue
                seen.add(item.doc_id)
                doc = item
                for step in DOCUMENT_STEPS:
                    doc = step(doc, settings)
                writer.write_document(doc, size=f.size, mtime_ns=f.mtime_ns)
                counts.documents += 1
    write_line_tables(plan, part)
    marker = plan.folder.path("read_counts", batch)
    marker.parent.mkdir(exist_ok=True)
    marker.write_text(json.dumps(asdict(counts)), encoding="utf-8")
    return counts


def write_line_tables(plan: RunPlan, part: str) -> None:
    """Stage the line statistics of a staged part (:func:`~dedupe.clean.site.line_stats`, from its
    blocks) and its ``site_lines``: the lines counted per site
    (:func:`~dedupe.clean.site.count_site_lines`)."""
    folder = plan.folder
    if not plan.settings.clean or not folder.exists("staged_documents", part):
        return
    stats = line_stats(folder.read("staged_documents", part, ["doc_id", "source", "n_blocks"]),
                       folder.read("staged_blocks", part, ["text", "line_key"]))
    with folder.writer("line_stats", part, metadata=plan.metadata,
                       rows_per_group=plan.settings.rows_per_group * 32) as writer:
        writer.write_table(stats)
    counts = count_site_lines(stats)
    with folder.writer("site_lines", part, metadata=plan.metadata) as site_lines:
        site_lines.write_table(counts.append_column(
            "run_id", pa.repeat(pa.scalar(plan.run_id, pa.string()), counts.num_rows)))
