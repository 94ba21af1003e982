"""The Prefect flow: orchestration only. Its tasks are made from the declared stages
(:data:`dedupe.stages.STAGES`), not written one by one; each calls library code.

Tasks exchange the plan and counts, never documents: the batches and the staged parts live in the
run folder (:mod:`dedupe.run_folder`). Locally, a stage of batches or parts is one task running
them in a process pool on every core (:mod:`dedupe.parallel`): a Prefect task run per batch would
cost milliseconds and state each, and a Prefect process worker a server each. On a cluster
(``distributed=True``), it is one task run per batch or part, which the task runner spreads.

Run it from Python::

    from flows.dedupe_flow import dedupe_flow
    dedupe_flow(inputs=["seeds"], out="parquet")
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prefect import Task, flow, get_run_logger, task, unmapped
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from dedupe import report
from dedupe.parallel import start_workers, stop_workers
from dedupe.run import RunSummary, finish_run, open_corpus, run_stage
from dedupe.settings import Settings
from dedupe.stages import STAGES, Counts, RunPlan, Stage, plan_run


def _here(stage: Stage) -> Callable[[RunPlan], Counts]:
    """The stage run on this machine (:func:`dedupe.run.run_stage`), as a function of its own."""
    def run(plan: RunPlan) -> Counts:
        return run_stage(stage, plan)

    run.__name__ = run.__qualname__ = stage.name.replace("-", "_")
    return run


#: One task per stage, on this machine's cores.
LOCAL_TASKS: dict[str, Task[..., Counts]] = {
    stage.name: task(name=stage.name, cache_policy=NO_CACHE)(_here(stage)) for stage in STAGES}
#: One task per stage and unit (batch or part), for a cluster's task runner.
CLUSTER_TASKS: dict[str, Task[..., Counts]] = {
    stage.name: task(name=stage.name, cache_policy=NO_CACHE)(stage.fn) for stage in STAGES}
plan_task = task(name="plan", cache_policy=NO_CACHE)(plan_run)
finish_task = task(name="publish", cache_policy=NO_CACHE)(finish_run)


def _on_cluster(stage: Stage, plan: RunPlan) -> Counts:
    """A stage as task runs of the flow's task runner: one for the run, or one per unit."""
    cluster_task = CLUSTER_TASKS[stage.name]
    if stage.scope == "run":
        return cluster_task.submit(plan).result()
    return sum(cluster_task.map(unmapped(plan), stage.units(plan)).result(), Counts())


@flow(name="dedupe", log_prints=True)
def dedupe_flow(
    inputs: list[str] | None = None,
    out: str = "parquet",
    settings: Settings | None = None,
    run_id: str | None = None,
    distributed: bool = False,
) -> dict[str, Any]:
    """Turn the scraped pages under ``inputs`` into a Parquet corpus under ``out``.

    Args:
        inputs: folders, files or glob patterns (default: ``["seeds"]``).
        out: the corpus folder; the run writes ``out/<table>/run=<run_id>/``.
        settings: every knob of the stages (see ``dedupe.settings.Settings``); defaults when omitted.
        run_id: id of the run's partition; a fresh sortable id when omitted.
        distributed: one task run per batch, for a cluster task runner
            (``dedupe_flow.with_options(task_runner=...)``, see ``flows/runners.py``); otherwise
            each stage is one task running its batches on this machine's cores.

    Returns the run summary as a dict (documents, blocks by label, errors by code, seconds).
    """
    try:
        return _run(inputs, out, settings or Settings(), run_id, distributed)
    finally:
        stop_workers()  # the processes a run starts end with it (under `serve` too)


def _run(inputs: list[str] | None, out: str, settings: Settings, run_id: str | None,
         distributed: bool) -> dict[str, Any]:
    started = time.perf_counter()
    if not distributed:
        start_workers(settings.workers)  # they start while the flow plans (before the lock: see there)
    # The flow holds the corpus for the whole run: one writer at a time, recovery first. Planning
    # and publishing stay in the flow's process; on a cluster, the stages run on its workers.
    with open_corpus(out, settings):
        plan = plan_task(inputs or ["seeds"], out, settings, run_id)
        counts = Counts()
        for stage in STAGES:
            counts += _on_cluster(stage, plan) if distributed else LOCAL_TASKS[stage.name](plan)
        summary, html_report = finish_task(plan, counts, time.perf_counter() - started)
    summary.seconds = time.perf_counter() - started
    _report(summary, html_report)
    return summary.to_dict() | {"report": html_report}


def _report(summary: RunSummary, html_report: str | None) -> None:
    """Log the summary through the run logger; publish it as a Markdown, a table and a link artifact
    (the run's HTML report)."""
    logger = get_run_logger()
    if html_report is None:
        logger.info("nothing new: %s files unchanged since earlier runs", summary.unchanged)
        return
    logger.info("run %s: %s files, %s documents, blocks %s, %s errors in %.1f s", summary.run_id,
                summary.files, summary.documents, summary.blocks, summary.n_errors, summary.seconds)
    link = Path(html_report).resolve().as_uri()
    create_markdown_artifact(markdown=f"[HTML report]({link})\n\n" + report.run_markdown(summary.out_dir,
                                                                                          summary.run_id),
                             key="dedupe-run-report", description=f"dedupe run {summary.run_id}")
    create_link_artifact(link=link, link_text=f"dedupe run {summary.run_id}: HTML report",
                         key="dedupe-html-report", description="what was removed, and why, in every document")
    create_table_artifact(table=report.label_reason_counts(summary.out_dir, summary.run_id),
                          key="dedupe-blocks-by-reason", description="blocks by label and reason")
