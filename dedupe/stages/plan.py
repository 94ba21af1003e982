"""Plan a run: find the input files and write them as batches into the run folder.

>>> import tempfile
>>> plan = plan_run(["seeds"], tempfile.mkdtemp(), Settings(batch_files=2))
>>> plan.n_files, plan.batches
(5, ['batch-000000', 'batch-000001', 'batch-000002'])
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from dedupe.corpus import committed_inputs
from dedupe.document import InputError, InputFile
from dedupe.readers.discover import discover
from dedupe.run_folder import RunFolder
from dedupe.settings import Settings
from dedupe.stages.stage import RunPlan
from dedupe.writers.part import PartWriter

#: The part that holds what discovery could not use (errors and inputs).
DISCOVERY_PART = "part-discover"


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as ``20261121T192033.123456Z-3f9a1c``."""
    now = now or datetime.now(UTC)
    # Microseconds: two runs started within one second still sort in start order.
    return f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}"


def plan_run(inputs: Sequence[str | Path], out_dir: str | Path, settings: Settings | None = None,
             run_id: str | None = None) -> RunPlan:
    """Discover the inputs and write batches of ``settings.batch_files`` files each; input files
    an earlier run read, unchanged since (same size and time), are left out."""
    settings = settings or Settings()
    run_id = run_id or new_run_id()
    folder = RunFolder.of(out_dir, run_id)
    folder.folder("batch").mkdir(parents=True, exist_ok=False)
    batches: list[str] = []
    current: list[InputFile] = []
    n_files = n_unchanged = 0
    discovery_errors: list[InputError] = []
    done_before = committed_inputs(out_dir)

    def flush() -> None:
        name = f"batch-{len(batches):06d}"
        folder.path("batch", name).write_text("".join(json.dumps(vars(f)) + "\n" for f in current),
                                              encoding="utf-8")
        batches.append(name)
        current.clear()

    for item in discover([str(i) for i in inputs]):
        if isinstance(item, InputError):
            discovery_errors.append(item)
            continue
        if (item.rel_path, item.size, item.mtime_ns) in done_before:
            n_unchanged += 1  # read by an earlier run and not touched since
            continue
        current.append(item)
        n_files += 1
        if len(current) >= settings.batch_files:
            flush()
    if current:
        flush()
    plan = RunPlan(run_id=run_id, out_dir=str(out_dir), staging_dir=str(folder.root), batches=batches,
                   n_files=n_files, n_discovery_errors=len(discovery_errors), settings=settings,
                   n_unchanged=n_unchanged)
    with PartWriter(folder, DISCOVERY_PART, run_id=run_id, metadata=plan.metadata) as part:
        for err in discovery_errors:
            part.write_error(err, size=0, mtime_ns=0)
    folder.path("plan").write_text(json.dumps(asdict(plan), indent=1), encoding="utf-8")
    return plan


def read_batch_files(plan: RunPlan, batch: str) -> list[InputFile]:
    """The input files of one batch of the plan."""
    with open(plan.folder.path("batch", batch), encoding="utf-8") as fh:
        return [InputFile(**json.loads(line)) for line in fh if line.strip()]
