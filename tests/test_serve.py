"""End to end as the README says: `prefect server start`, `dedupe serve`, `prefect deployment run`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from dedupe.corpus import Manifest
from tests.servers import BIN, prefect_server, quiet_env, started, wait_for


@pytest.mark.slow
def test_served_deployment_runs_when_triggered_and_the_corpus_grows(tmp_path: Path, seeds_dir: Path) -> None:
    env = quiet_env(tmp_path)
    shutil.copytree(seeds_dir, tmp_path / "scrape")
    with prefect_server(env, tmp_path) as api:
        env["PREFECT_API_URL"] = api
        serve = [str(BIN / "dedupe"), "serve", str(tmp_path / "scrape"), "--out", str(tmp_path / "corpus"),
                 "--name", "e2e", "--cron", "0 0 1 1 *"]
        with started(serve, env, tmp_path):
            _trigger_and_check(env, tmp_path)


def _trigger_and_check(env: dict[str, str], tmp_path: Path) -> None:
    """Wait for the served deployment, trigger it, and find the corpus grown and the artifact."""
    def deployment_exists() -> bool:
        result = subprocess.run([str(BIN / "prefect"), "deployment", "inspect", "dedupe/e2e"], env=env,
                                capture_output=True, text=True, timeout=60)
        return result.returncode == 0

    wait_for(deployment_exists, 120, "the served deployment")
    trigger = subprocess.run([str(BIN / "prefect"), "deployment", "run", "dedupe/e2e"], env=env,
                             capture_output=True, text=True, timeout=60)
    assert trigger.returncode == 0, trigger.stderr
    wait_for(lambda: Manifest.load(tmp_path / "corpus").version >= 1, 180, "the triggered run")
    assert len(list((tmp_path / "corpus" / "documents").glob("run=*/*.parquet"))) >= 1
    artifacts = subprocess.run([str(BIN / "prefect"), "artifact", "ls"], env=env, capture_output=True,
                               text=True, timeout=60)
    assert "dedupe-run-report" in artifacts.stdout and "dedupe-html-report" in artifacts.stdout
