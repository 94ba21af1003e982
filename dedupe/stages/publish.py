"""Publish the run: commit it to the corpus, then move every table of the run folder into
``OUT/<table>/run=<id>/`` by renaming it (:mod:`dedupe.corpus` says how a commit survives a crash)."""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dedupe.corpus import Manifest, begin_publish, end_publish, move_into_place
from dedupe.schema import SCHEMA_VERSION, TABLES
from dedupe.stages.stage import RunPlan
from dedupe.verify import describe_files
from dedupe.views import write_views
from dedupe.writers.parquet import TableWriter


def has_news(plan: RunPlan) -> bool:
    """Whether the run found anything to add (a new or changed input, or an input error)."""
    return plan.n_files > 0 or plan.n_discovery_errors > 0


def publish_run(plan: RunPlan, record: dict[str, Any] | None = None) -> Path:
    """Commit the run, then move every staged table into ``OUT/<table>/run=<id>/``.

    The intent is recorded first (``_corpus/pending.json``); the new manifest, listing every file
    of the run with its size and rows (and ``record``: the run's figures) and renamed into place,
    is the commit; then each table's partition appears with one ``rename`` (``documents`` last). A
    glob never shows a run that is not committed; a crash after the commit is finished by the next
    run (:func:`~dedupe.corpus.recover`). A run with nothing new publishes nothing.
    """
    stage = Path(plan.staging_dir)
    out = Path(plan.out_dir)
    if not has_news(plan):
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            stage.parent.rmdir()
        return out
    files: dict[str, dict[str, int]] = {}  # every file of the run, as the manifest lists it
    for table, schema in TABLES.items():
        staged = stage / table
        if not any(staged.glob("*.parquet")):
            # An empty partition still holds a file, so globs and schema inference never fail.
            with TableWriter(staged / "part-empty.parquet", schema, table=table, metadata=plan.metadata):
                pass
        files |= describe_files(staged, f"{table}/run={plan.run_id}")
    begin_publish(out, plan.run_id, list(TABLES), stage)
    committed: dict[str, Any] = {"run_id": plan.run_id, "committed": datetime.now(UTC).isoformat(),
                                 "schema_version": SCHEMA_VERSION}
    Manifest.load(out).commit(out, committed | (record or {}) | {"parts": files})
    move_into_place(out, plan.run_id, list(TABLES), stage)
    end_publish(out)
    write_views(out)
    shutil.rmtree(stage)
    with contextlib.suppress(OSError):
        stage.parent.rmdir()  # only when no other run is staging
    return out
