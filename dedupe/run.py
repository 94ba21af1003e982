"""A run of the pipeline: plan, the stages of :data:`~dedupe.stages.STAGES`, the summary, publish.

:func:`run_pipeline` runs them in this process, each stage of a batch or a part spread over a
process pool on every core (:mod:`dedupe.parallel`); the Prefect flow (``flows/dedupe_flow.py``)
runs the same list as tasks. Both hold the corpus for the whole run (:func:`open_corpus`) and end
with :func:`finish_run`.

Nothing under ``OUT/<table>/`` is ever written in place, so readers never see a partial file.

>>> import tempfile
>>> summary = run_pipeline(["seeds"], tempfile.mkdtemp())
>>> summary.documents, summary.blocks["duplicate"] > 0
(5, True)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from dedupe.corpus import CorpusLock, recover, remove_abandoned_staging
from dedupe.document import LABELS
from dedupe.html_report import write_html_report
from dedupe.parallel import map_in_processes, start_workers, stop_workers
from dedupe.settings import Settings
from dedupe.stages import STAGES, Counts, RunPlan, Stage, has_news, plan_run, publish_run
from dedupe.stages.plan import DISCOVERY_PART
from dedupe.verify import quick_check
from dedupe.views import write_views


@dataclass
class RunSummary:
    """What a run did, for the CLI's table and for scripts."""

    run_id: str
    out_dir: str
    files: int = 0
    unchanged: int = 0  #: input files skipped: already in the corpus
    documents: int = 0
    same_as_earlier: int = 0
    blocks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"n_errors": self.n_errors}


def summarize(plan: RunPlan, counts: Counts, seconds: float) -> RunSummary:
    """The run's figures: the plan's files and discovery errors, and what the stages counted."""
    errors = dict(counts.errors)
    if plan.n_discovery_errors:
        for error in plan.folder.read("errors", DISCOVERY_PART, ["error"]).column("error").to_pylist():
            errors[error] = errors.get(error, 0) + 1
    return RunSummary(run_id=plan.run_id, out_dir=plan.out_dir, files=plan.n_files,
                      unchanged=plan.n_unchanged, documents=counts.documents,
                      same_as_earlier=counts.same_as_earlier, blocks=counts.block_counts(),
                      errors=dict(sorted(errors.items())), seconds=seconds)


@contextlib.contextmanager
def open_corpus(out_dir: str | Path, settings: Settings) -> Iterator[None]:
    """Hold the corpus for a run: the lock, then recovery of a run that died while publishing and
    removal of abandoned run folders; a damaged corpus stops the run here."""
    with CorpusLock(out_dir, timeout=settings.lock_timeout):
        if recover(out_dir) is None and (Path(out_dir) / "_corpus" / "manifest.json").exists():
            write_views(out_dir)  # a run rolled forward (or none pending): the views follow the manifest
        remove_abandoned_staging(out_dir)
        quick_check(out_dir)  # never build on a damaged corpus
        yield


def run_stage(stage: Stage, plan: RunPlan) -> Counts:
    """One stage in this process: a stage of batches or parts over the process pool."""
    if stage.scope == "run":
        return stage(plan)
    return sum(map_in_processes(partial(stage, plan), stage.units(plan), plan.settings.workers), Counts())


def finish_run(plan: RunPlan, counts: Counts, seconds: float) -> tuple[RunSummary, str | None]:
    """After the stages, with the corpus held: the summary, the commit, the run's HTML report
    (:mod:`dedupe.html_report`, when the run added anything)."""
    summary = summarize(plan, counts, seconds)
    record = {"files": summary.files, "documents": summary.documents, "blocks": summary.blocks,
              "errors": summary.n_errors}
    publish_run(plan, record)
    report = str(write_html_report(plan.out_dir, plan.run_id)) if has_news(plan) else None
    return summary, report


def run_pipeline(inputs: Sequence[str | Path], out_dir: str | Path, settings: Settings | None = None,
                 run_id: str | None = None) -> RunSummary:
    """A whole run in this process, without Prefect (for notebooks, tests and debugging)."""
    started = time.perf_counter()
    settings = settings or Settings()
    start_workers(settings.workers)  # first: forked workers would inherit the corpus lock
    try:
        with open_corpus(out_dir, settings):
            plan = plan_run(inputs, out_dir, settings, run_id)
            counts = Counts()
            for stage in STAGES:
                counts += run_stage(stage, plan)
            summary, _ = finish_run(plan, counts, time.perf_counter() - started)
    finally:
        stop_workers()  # the processes a run starts end with it
    return summary
