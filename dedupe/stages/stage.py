"""What every stage takes and returns: the run's plan in, counts out; and how a stage is declared.

A stage is a plain function of the :class:`RunPlan` (and, for a stage run once per batch or per
part, of that unit's name). It reads and writes files of the run folder
(:class:`~dedupe.run_folder.RunFolder`) and returns :class:`Counts`; it knows nothing of what runs
it (this process, a process pool, a Prefect task on a cluster).

>>> plan = RunPlan(run_id="r1", out_dir="out", staging_dir="out/_staging/run=r1", batches=[],
...                n_files=0, n_discovery_errors=0)
>>> plan.folder.path("labels", "part-000001").as_posix()
'out/_staging/run=r1/labels/part-000001.arrow'
>>> (Counts(documents=2, errors={"binary": 1}) + Counts(documents=3)).documents
5
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from dedupe.document import LABELS
from dedupe.run_folder import RunFolder
from dedupe.settings import Settings

#: How often a stage runs: once for the run, once per batch of input files, once per part (the
#: staged documents of one batch).
Scope = Literal["run", "batch", "part"]


@dataclass
class RunPlan:
    """What a run will do; small enough to pass between Prefect tasks."""

    run_id: str
    out_dir: str
    staging_dir: str  #: the run folder
    batches: list[str]  #: names of the batches (``batch-000000``...), files ``batch`` of the run folder
    n_files: int
    n_discovery_errors: int
    settings: Settings = field(default_factory=Settings)
    n_unchanged: int = 0  #: input files skipped: already in the corpus, same size and time
    #: When the run started (ISO 8601, UTC): the ``added`` of its documents.
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def folder(self) -> RunFolder:
        return RunFolder(self.staging_dir)

    @property
    def metadata(self) -> dict[str, str]:
        """What every file of the run records about it (Parquet and Arrow schema metadata)."""
        return {"settings": self.settings.to_json(), "run_id": self.run_id}

    def parts(self) -> list[str]:
        """The staged parts (``part-000000``...): one per batch that yielded documents."""
        return self.folder.units("staged_documents")


@dataclass
class Counts:
    """What a stage counted, for the run's summary: each stage counts what it establishes (reading
    the documents and errors, resolving the repeats across batches, assembling the labels), so a
    run's figures are the sum of its stages' counts."""

    files: int = 0
    documents: int = 0
    same_as_earlier: int = 0
    blocks: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        def added(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {k: a.get(k, 0) + b.get(k, 0) for k in {*a, *b}}

        return Counts(self.files + other.files, self.documents + other.documents,
                      self.same_as_earlier + other.same_as_earlier, added(self.blocks, other.blocks),
                      added(self.errors, other.errors))

    def block_counts(self) -> dict[str, int]:
        """Blocks by label, every label present."""
        return {label: self.blocks.get(label, 0) for label in LABELS}


@dataclass(frozen=True)
class Stage:
    """One stage of a run, declared: the runners (:func:`dedupe.run.run_pipeline`, the Prefect
    flows in ``flows/``) loop over :data:`dedupe.stages.STAGES`."""

    name: str
    #: ``fn(plan)`` for a stage of the run, ``fn(plan, unit)`` for one per batch or part.
    fn: Callable[..., Counts]
    scope: Scope
    reads: tuple[str, ...]  #: files of the run folder (:data:`~dedupe.run_folder.FILES`) it reads
    writes: tuple[str, ...]  #: and those it writes
    about: str

    def units(self, plan: RunPlan) -> list[str]:
        """What the stage runs once for: the batches, the parts, or the run (one empty name)."""
        if self.scope == "batch":
            return list(plan.batches)
        if self.scope == "part":
            return plan.parts()
        return [""]

    def __call__(self, plan: RunPlan, unit: str = "") -> Counts:
        return self.fn(plan, unit) if self.scope != "run" else self.fn(plan)


def part_of_batch(batch: str) -> str:
    """``batch-000042`` -> ``part-000042``: a part is named after its batch."""
    return batch.replace("batch-", "part-")


def part_number(part: str) -> int:
    """``part-000042`` -> 42."""
    return int(Path(part).name.rsplit("-", 1)[1])
