"""The flow on a real Dask cluster through prefect-dask, as the README starts one: a local scheduler
and workers on loopback, a real `prefect server start`, and `dedupe run --runner dask`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from dedupe.run import run_pipeline
from dedupe.settings import Settings
from tests.servers import BIN, free_port, prefect_server, quiet_env, started, wait_for

distributed = pytest.importorskip("distributed")

DOCUMENT_COLUMNS = ("doc_id, path, title, published, text, n_blocks, n_content, n_chrome, n_padding, "
                    "n_duplicate, duplicate_ratio, near_duplicate_of")
BLOCK_COLUMNS = "doc_id, block_idx, label, reason, duplicate_of_doc, duplicate_of_block, similarity"


def _rows(corpus: Path, table: str, columns: str) -> list[tuple[object, ...]]:
    return duckdb.sql(f"select {columns} from '{corpus}/{table}/**/*.parquet' order by all").fetchall()


def _scheduler_tasks(address: str) -> dict[str, int]:
    """Tasks the Dask scheduler has run to completion, by key prefix (the task function's name)."""
    with distributed.Client(address, timeout=30) as client:
        prefixes: dict[str, int] = client.run_on_scheduler(
            lambda dask_scheduler: {name: p.state_counts.get("memory", 0)
                                    for name, p in dask_scheduler.task_prefixes.items()})
    return prefixes


@pytest.mark.slow
def test_dask_cluster_run_gives_the_same_corpus_as_a_local_run(tmp_path: Path, seeds_dir: Path) -> None:
    scrape = tmp_path / "scrape"
    shutil.copytree(seeds_dir, scrape / "site-a")
    for seed in sorted(seeds_dir.iterdir())[:3]:  # syndicated copies on a second site
        (scrape / "site-b").mkdir(parents=True, exist_ok=True)
        text = seed.read_text(encoding="utf-8")
        (scrape / "site-b" / seed.name).write_text("Site B | News | Sport\n" + text + "\nSite B footer\n",
                                                   encoding="utf-8")
    local = tmp_path / "local"
    run_pipeline([scrape], local, Settings(batch_files=2, workers=1))

    env = quiet_env(tmp_path)
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    with prefect_server(env, tmp_path) as api:
        env["PREFECT_API_URL"] = api  # the workers' task runs report here, not to servers of their own
        scheduler = [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                     "--no-dashboard"]
        worker = [str(BIN / "dask"), "worker", address, "--nworkers", "2", "--nthreads", "1",
                  "--no-dashboard", "--host", "127.0.0.1"]
        with started(scheduler, env, tmp_path), started(worker, env, tmp_path):
            def workers_ready() -> bool:
                try:
                    with distributed.Client(address, timeout=5) as client:
                        return len(client.scheduler_info()["workers"]) == 2
                except OSError:
                    return False

            wait_for(workers_ready, 60, "two Dask workers")
            result = subprocess.run(
                [str(BIN / "dedupe"), "run", str(scrape), "--out", str(tmp_path / "cluster"), "--runner", "dask",
                 "--address", address, "--batch-files", "2", "--json"],
                env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
            assert result.returncode == 0, result.stderr[-3000:]
            summary = json.loads(result.stdout)
            ran = _scheduler_tasks(address)
    assert summary["documents"] == 8
    # One task run per batch of 2 files (8 files: 4 batches), on the cluster's workers.
    # Dask names a task run after the stage's function (dedupe.stages.STAGES).
    assert ran.get("read_batch") == 4, ran
    assert ran.get("clean_part") == 4 and ran.get("assemble_part") == 4, ran
    assert ran.get("resolve_run") == ran.get("learn_site_chrome") == ran.get("dedup_run") == 1, ran
    cluster = tmp_path / "cluster"
    assert _rows(cluster, "documents", DOCUMENT_COLUMNS) == _rows(local, "documents", DOCUMENT_COLUMNS)
    assert _rows(cluster, "blocks", BLOCK_COLUMNS) == _rows(local, "blocks", BLOCK_COLUMNS)
    duplicates = _rows(cluster, "blocks", "count(*) filter (where label = 'duplicate')")
    assert duplicates[0][0] > 10  # the copies on site B were found across the cluster's parts
