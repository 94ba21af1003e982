"""The Prefect flow: orchestration only. Every task calls one stage of :mod:`dedupe.pipeline`.

Tasks exchange paths and counts, never documents: the batch manifests and the staged Parquet
parts live in the run's staging folder. The per-batch stages are one task each, running the
batches in a process pool on every core (:mod:`dedupe.parallel`): a Prefect task run per batch
would cost milliseconds and state each, and a Prefect process worker a server each.

Run it from Python::

    from flows.dedupe_flow import dedupe_flow
    dedupe_flow(inputs=["seeds"], out="parquet")
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task, unmapped
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from dedupe import pipeline, report
from dedupe.html_report import write_html_report
from dedupe.parallel import start_workers, stop_workers
from dedupe.pipeline import BatchResult, RunPlan, RunSummary
from dedupe.settings import Settings


@task(name="plan", cache_policy=NO_CACHE)
def plan_task(inputs: list[str], out: str, settings: Settings, run_id: str | None) -> RunPlan:
    return pipeline.plan_run(inputs, out, settings, run_id)


@task(name="read-batches", cache_policy=NO_CACHE)
def read_batches_task(plan: RunPlan) -> list[BatchResult]:
    return pipeline.read_batches(plan)


# One task run per batch, for a cluster (``distributed=True``): the task runner spreads them.
@task(name="read-batch", cache_policy=NO_CACHE)
def read_batch_task(manifest: str, run_id: str, settings: Settings) -> BatchResult:
    return pipeline.process_batch(manifest, run_id, settings)


@task(name="clean-part", cache_policy=NO_CACHE)
def clean_part_task(plan: RunPlan, part: str) -> BatchResult:
    return pipeline.clean_part(plan, part)


@task(name="assemble-part", cache_policy=NO_CACHE)
def assemble_part_task(plan: RunPlan, part: str) -> BatchResult:
    return pipeline.assemble_part(plan, part)


@task(name="resolve", cache_policy=NO_CACHE)
def resolve_task(plan: RunPlan) -> int:
    return pipeline.resolve_run(plan)


@task(name="learn-site-chrome", cache_policy=NO_CACHE)
def learn_site_chrome_task(plan: RunPlan) -> int:
    return pipeline.learn_site_chrome(plan)


@task(name="clean-parts", cache_policy=NO_CACHE)
def clean_parts_task(plan: RunPlan) -> list[BatchResult]:
    return pipeline.clean_parts(plan)


@task(name="dedup", cache_policy=NO_CACHE)
def dedup_task(plan: RunPlan) -> int:
    return pipeline.dedup_run(plan)


@task(name="assemble", cache_policy=NO_CACHE)
def assemble_task(plan: RunPlan) -> list[BatchResult]:
    return pipeline.assemble_parts(plan)


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(plan: RunPlan, summary: RunSummary) -> str:
    return str(pipeline.publish_run(plan, summary))


@task(name="html-report", cache_policy=NO_CACHE)
def html_report_task(out: str, run_id: str) -> str:
    return str(write_html_report(out, run_id))


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
    # The flow holds the corpus for the whole run: one writer at a time, recovery first.
    with pipeline.open_corpus(out, settings):
        plan = plan_task(inputs or ["seeds"], out, settings, run_id)
        if distributed:
            # Everything but planning and publishing (which hold the corpus lock) runs on the cluster.
            read = read_batch_task.map(plan.batches, unmapped(plan.run_id), unmapped(settings)).result()
            repeats = resolve_task.submit(plan).result()
            learn_site_chrome_task.submit(plan).result()
            parts = pipeline.staged_parts(plan)
            clean_part_task.map(unmapped(plan), parts).result()
            dedup_task.submit(plan).result()
            labelled = assemble_part_task.map(unmapped(plan), parts).result()
        else:
            read = read_batches_task(plan)
            repeats = resolve_task(plan)
            learn_site_chrome_task(plan)
            clean_parts_task(plan)
            dedup_task(plan)
            labelled = assemble_task(plan)
        summary = pipeline.summarize(plan, read, labelled, repeats, time.perf_counter() - started)
        publish_task(plan, summary)
    report = html_report_task(out, plan.run_id) if pipeline.has_news(plan) else None
    summary.seconds = time.perf_counter() - started
    _report(summary, report)
    return summary.to_dict() | {"report": report}


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
