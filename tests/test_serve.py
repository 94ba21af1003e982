"""End to end as the README says: `prefect server start`, `dedupe serve`, `prefect deployment run`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dedupe.corpus import Manifest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
def test_served_deployment_runs_when_triggered_and_the_corpus_grows(tmp_path: Path, seeds_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "WARNING", "DO_NOT_TRACK": "1"}
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    shutil.copytree(seeds_dir, tmp_path / "scrape")
    server = subprocess.Popen([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                               str(port), "--no-ui"], env=env, cwd=tmp_path, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    served = None
    try:
        _wait(lambda: _healthy(api), 120, "the Prefect server")
        env["PREFECT_API_URL"] = api
        served = subprocess.Popen(
            [str(BIN / "dedupe"), "serve", str(tmp_path / "scrape"), "--out", str(tmp_path / "corpus"),
             "--name", "e2e", "--cron", "0 0 1 1 *"], env=env, cwd=tmp_path, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

        def deployment_exists() -> bool:
            result = subprocess.run([str(BIN / "prefect"), "deployment", "inspect", "dedupe/e2e"], env=env,
                                    capture_output=True, text=True, timeout=60)
            return result.returncode == 0

        _wait(deployment_exists, 120, "the served deployment")
        trigger = subprocess.run([str(BIN / "prefect"), "deployment", "run", "dedupe/e2e"], env=env,
                                 capture_output=True, text=True, timeout=60)
        assert trigger.returncode == 0, trigger.stderr
        _wait(lambda: Manifest.load(tmp_path / "corpus").version >= 1, 180, "the triggered run")
        assert len(list((tmp_path / "corpus" / "documents").glob("run=*/*.parquet"))) >= 1
        artifacts = subprocess.run([str(BIN / "prefect"), "artifact", "ls"], env=env, capture_output=True,
                                   text=True, timeout=60)
        assert "dedupe-run-report" in artifacts.stdout
    finally:
        if served is not None:
            _stop(served)
        _stop(server)
