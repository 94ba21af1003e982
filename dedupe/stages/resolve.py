"""Resolve the run: keep one document per ``doc_id`` across batches and runs (the first in input
order). Within a batch this was done while reading; here only the parts that repeat an earlier
part's (or an earlier run's) document are rewritten."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

from dedupe.corpus import committed_doc_ids
from dedupe.stages.read import write_line_tables
from dedupe.stages.stage import Counts, RunPlan


def resolve_run(plan: RunPlan) -> Counts:
    """Drop the documents of each part that an earlier part or run holds; their inputs become
    ``same_as_earlier`` (the counts move from documents to repeats)."""
    seen = committed_doc_ids(plan.out_dir)  # a document already in the corpus is not added again
    repeats = 0
    for part in plan.parts():
        ids = plan.folder.read("staged_documents", part, ["doc_id"]).column("doc_id").to_pylist()
        repeated = pa.array(sorted({i for i in ids if i in seen}), pa.string())
        seen.update(ids)
        if not len(repeated):
            continue
        repeats += len(repeated)

        def drop_repeated(t: pa.Table, repeated: pa.Array = repeated) -> pa.Table:
            return t.filter(pc.invert(pc.is_in(t["doc_id"], value_set=repeated)))

        def mark_repeated(t: pa.Table, repeated: pa.Array = repeated) -> pa.Table:
            hit = pc.and_(pc.equal(t["status"], "document"),
                          pc.fill_null(pc.is_in(t["doc_id"], value_set=repeated), False))
            status = pc.if_else(hit, "same_as_earlier", t["status"])
            return t.set_column(t.schema.get_field_index("status"), "status", status)

        _rewrite(plan, "staged_documents", part, drop_repeated)
        _rewrite(plan, "staged_blocks", part, drop_repeated)
        write_line_tables(plan, part)  # without the repeats
        _rewrite(plan, "inputs", part, mark_repeated)
    return Counts(documents=-repeats, same_as_earlier=repeats)


def _rewrite(plan: RunPlan, name: str, part: str, transform: Callable[[pa.Table], pa.Table]) -> None:
    """Rewrite one file of a part through ``transform`` (atomically, like every write)."""
    data = transform(plan.folder.read(name, part))
    with plan.folder.writer(name, part, metadata=plan.metadata,
                            rows_per_group=plan.settings.rows_per_group) as writer:
        writer.write_table(data)
