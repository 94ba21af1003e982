"""Deduplicate the run: decide, over the whole run in keep-order, which content blocks duplicate
an earlier kept block, from the staged features alone (no text).

Documents are taken in keep-order (:func:`dedupe.dedup.order.document_order`), their blocks'
features read back through an external sort; the decisions and the per-document duplicate shares
are staged per part for the assemble stage, and the kept blocks form the run's ``index``. Memory
holds the index of kept blocks and one bucket of features, never text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dedupe.corpus import committed_index
from dedupe.dedup.deduplicator import Deduplicator, DocumentStats
from dedupe.dedup.features import FeatureComputer
from dedupe.dedup.order import document_order
from dedupe.parallel import BackgroundSink, prefetched, release_memory
from dedupe.run_folder import DOC_STATS, RunFolder
from dedupe.stages.stage import Counts, RunPlan, part_number
from dedupe.writers.parquet import TableWriter


def dedup_run(plan: RunPlan) -> Counts:
    """Decide which content blocks of the run duplicate an earlier kept block (of this run or
    of the committed ones)."""
    settings = plan.settings
    folder = plan.folder
    meta = plan.metadata
    fact_parts = folder.units("doc_facts")
    part_of: dict[str, int] = {}
    stats: dict[str, DocumentStats] = {}
    layout = FeatureComputer(settings).layout
    with folder.writer("index", metadata=meta | {"index_layout": json.dumps(layout)}) as index_writer, \
            folder.writer("run_decisions", metadata=meta) as decision_writer:
        if settings.dedup and fact_parts:
            keys = ["doc_id", "path", "record", "published"]
            facts = pa.concat_tables(
                (t := folder.read("doc_facts", p, keys)).append_column(  # the part: where decisions go
                    "part", pa.repeat(pa.scalar(part_number(p), pa.int32()), t.num_rows))
                for p in fact_parts)
            order = document_order(zip(*(facts[c].to_pylist() for c in keys), strict=True))
            part_of = dict(zip(facts["doc_id"].to_pylist(), facts["part"].to_pylist(), strict=True))
            stats = _deduplicate(plan, order, index_writer, decision_writer)
    _split_by_part(plan, stats, part_of)
    folder.path("run_decisions").unlink()
    release_memory()
    return Counts()


def _deduplicate(plan: RunPlan, order: list[str], index_writer: TableWriter,
                 decision_writer: TableWriter) -> dict[str, DocumentStats]:
    """The deduplicator's pass over the run's features in keep-order; the per-document shares."""
    settings = plan.settings
    run_id = pa.scalar(plan.run_id, pa.string())

    def write_kept(kept: pa.Table) -> None:
        index_writer.write_table(kept.append_column("run_id", pa.repeat(run_id, kept.num_rows)))

    # The writes, and the reading of the next bucket, run in threads beside the pass.
    with BackgroundSink(decision_writer.write_table) as on_decisions, BackgroundSink(write_kept) as on_kept:
        deduplicator = Deduplicator(settings, on_decisions=on_decisions, on_kept=on_kept)
        if (prior := committed_index(plan.out_dir, deduplicator.layout)) is not None:
            deduplicator.preload(prior)  # earlier runs' kept blocks stay kept
        for bucket in prefetched(_features_in_keep_order(plan.folder, order, settings.dedup_bucket_docs)):
            deduplicator.add_features(bucket)
        deduplicator.finish()
    return deduplicator.document_stats()


def _split_by_part(plan: RunPlan, stats: dict[str, DocumentStats], part_of: dict[str, int]) -> None:
    """Stage the decisions and shares of each part in its own file (what the assemble stage reads)."""
    folder = plan.folder
    decisions = folder.read("run_decisions").sort_by([("part", "ascending"), ("row", "ascending")])
    parts = decisions["part"].to_numpy()
    stat_rows: dict[int, list[dict[str, Any]]] = {}
    for doc_id, st in stats.items():
        stat_rows.setdefault(part_of[doc_id], []).append({"doc_id": doc_id, **asdict(st)})
    for part in plan.parts():
        number = part_number(part)
        lo, hi = np.searchsorted(parts, [number, number + 1])
        with folder.writer("decisions", part, metadata=plan.metadata) as w:
            w.write_table(decisions.slice(int(lo), int(hi - lo)))
        with folder.writer("doc_stats", part, metadata=plan.metadata) as w:
            w.write_table(pa.Table.from_pylist(stat_rows.get(number, []), schema=DOC_STATS))


def _features_in_keep_order(folder: RunFolder, order: list[str], bucket_docs: int) -> Iterator[pa.Table]:
    """The content blocks' features in keep-order, a bounded bucket at a time (an external sort).

    Each staged part is read once and its rows are appended to the bucket of their document's
    rank (``bucket_docs`` documents per bucket, one working file each); the buckets are then read
    back in order and sorted in memory. Memory holds one part or one bucket, never the run.
    """
    rank_of = {doc_id: rank for rank, doc_id in enumerate(order)}
    writers: dict[int, TableWriter] = {}
    try:
        for part in folder.units("features"):
            features = folder.read("features", part)
            # Ranks of the part's few hundred documents, spread to their blocks.
            encoded = pc.dictionary_encode(features["doc_id"]).combine_chunks()
            doc_ranks = np.array([rank_of[d] for d in encoded.dictionary.to_pylist()], np.int64)
            rank = pa.array(doc_ranks[encoded.indices.to_numpy(zero_copy_only=False)])
            features = features.append_column("rank", rank)
            bucket_of = pc.divide(rank, bucket_docs)  # integer division of int64
            for bucket in pc.unique(bucket_of).to_pylist():
                if bucket not in writers:
                    writers[bucket] = folder.writer("sorted_features", f"{bucket:08d}", metadata={})
                writers[bucket].write_table(features.filter(pc.equal(bucket_of, bucket)))
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for writer in writers.values():
        writer.close()
    for bucket in sorted(writers):
        path = folder.path("sorted_features", f"{bucket:08d}")
        yield folder.read("sorted_features", f"{bucket:08d}").sort_by([("rank", "ascending"),
                                                                       ("block_idx", "ascending")])
        path.unlink()
