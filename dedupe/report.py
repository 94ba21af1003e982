"""A short report of one committed run, from the corpus alone (used for Prefect artifacts).

>>> import tempfile
>>> from dedupe.run import run_pipeline
>>> out = tempfile.mkdtemp()
>>> summary = run_pipeline(["seeds"], out)
>>> "| padding |" in run_markdown(out, summary.run_id)
True
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from dedupe.schema import TABLES


def run_table(out_dir: str | Path, table: str, run_id: str, columns: list[str],
              where: pc.Expression | None = None, parts: Collection[str] | None = None) -> pa.Table:
    """``columns`` of one run's partition of ``table`` (rows matching ``where``; in the files named
    ``parts`` only, when given); empty, with the contract's types, when the run wrote none.
    ``__filename`` is a column too (where each row was read)."""
    files = sorted((Path(out_dir) / table / f"run={run_id}").glob("*.parquet"))
    if parts is not None:
        files = [f for f in files if f.name in parts]
    if not files:
        empty = TABLES[table].empty_table().append_column("__filename", pa.array([], pa.string()))
        return empty.select(columns)
    return ds.dataset(files, format="parquet").to_table(columns=columns, filter=where)


def label_reason_counts(out_dir: str | Path, run_id: str) -> list[dict[str, Any]]:
    """Blocks of the run by label and reason, most frequent first."""
    blocks = run_table(out_dir, "blocks", run_id, ["label", "reason"])
    if not blocks.num_rows:
        return []
    counts = blocks.group_by(["label", "reason"]).aggregate([("reason", "count")])
    rows = [{"label": r["label"], "reason": r["reason"], "blocks": r["reason_count"]}
            for r in counts.to_pylist()]
    return sorted(rows, key=lambda r: (-r["blocks"], r["label"], r["reason"]))


def largest_clusters(out_dir: str | Path, run_id: str, top: int = 5) -> list[dict[str, Any]]:
    """Kept blocks with the most duplicates in the run: the block's start and how many copy it."""
    blocks = run_table(out_dir, "blocks", run_id,
                       ["label", "reason", "duplicate_of_doc", "duplicate_of_block"])
    dups = blocks.filter(pc.and_(pc.equal(blocks["label"], "duplicate"),
                                 pc.starts_with(blocks["reason"], "duplicate:")))
    if not dups.num_rows:
        return []
    counts = dups.group_by(["duplicate_of_doc", "duplicate_of_block"]).aggregate(
        [("duplicate_of_block", "count")]).sort_by([("duplicate_of_block_count", "descending")])
    return [{"doc_id": r["duplicate_of_doc"], "block_idx": r["duplicate_of_block"],
             "copies": r["duplicate_of_block_count"]} for r in counts.slice(0, top).to_pylist()]


def run_markdown(out_dir: str | Path, run_id: str) -> str:
    """The run in Markdown: blocks by label and reason, largest duplicate clusters, errors."""
    lines = [f"# dedupe run `{run_id}`", "", "## Blocks by label and reason", "",
             "| label | reason | blocks |", "|---|---|---|"]
    lines += [f"| {r['label']} | {r['reason']} | {r['blocks']:,} |"
              for r in label_reason_counts(out_dir, run_id)]
    lines += ["", "## Largest duplicate clusters", "", "| kept document | block | copies |", "|---|---|---|"]
    lines += [f"| `{c['doc_id']}` | {c['block_idx']} | {c['copies']} |"
              for c in largest_clusters(out_dir, run_id)]
    errors = run_table(out_dir, "errors", run_id, ["path", "error", "message"])
    lines += ["", f"## Errors ({errors.num_rows})", ""]
    if errors.num_rows:
        lines += ["| input | error | message |", "|---|---|---|"]
        lines += [f"| {e['path']} | {e['error']} | {e['message']} |" for e in errors.slice(0, 50).to_pylist()]
    return "\n".join(lines) + "\n"
