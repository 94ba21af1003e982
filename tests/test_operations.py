"""Operating dedupe (issue 15): usage errors in one line before anything starts, a local Prefect
server that is explicit and stoppable and makes runs fast, run logs and the report's link artifact
in the API, and no connection but loopback from a run started outside the project folder."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import BIN, alive, free_port, quiet_env

# (arguments, what the one line says); every case exits 2.
USAGE_ERRORS = [
    (["run", "/no/such/folder"], "input not found: /no/such/folder"),
    (["run", "/no/such/*.txt"], "no file matches /no/such/*.txt"),
    (["run", "{seeds}", "--out", "{a_file}"], "is a file: give a folder"),
    (["run", "{seeds}", "--set", "lock_timeout=abc"], "lock_timeout takes a number"),
    (["run", "{seeds}", "--set", "nope=1"], "--set takes NAME=VALUE"),
    (["run", "{seeds}", "--batch-files", "0"], "batch_files must be positive"),
    (["serve", "{seeds}", "--cron", "every 15 minutes"], "is not a cron schedule"),
    (["serve", "/no/such/folder"], "input not found"),
    (["serve", "{seeds}"], "schedules need a Prefect server"),
    (["verify", "{seeds}"], "is not a dedupe corpus"),
    (["sql", "{seeds}", "select 1"], "is not a dedupe corpus"),
]


@pytest.mark.parametrize(("args", "says"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_errors_are_one_line_exit_2_before_anything_starts(tmp_path: Path, seeds_dir: Path,
                                                                 args: list[str], says: str) -> None:
    (tmp_path / "a_file").write_text("not a folder")
    filled = [a.format(seeds=seeds_dir, a_file=tmp_path / "a_file") for a in args]
    started = time.monotonic()
    result = subprocess.run([str(BIN / "dedupe"), *filled], cwd=tmp_path, env=quiet_env(tmp_path),
                            capture_output=True, text=True, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 2, result.stderr
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert elapsed < 5, f"{elapsed:.1f} s: something started before the check"
    assert not (tmp_path / "parquet").exists()


def _dedupe(env: dict[str, str], cwd: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "dedupe"), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.slow
def test_local_server_is_explicit_used_by_runs_with_their_logs_and_stops_with_nothing_left(
        tmp_path: Path, seeds_dir: Path) -> None:
    env = quiet_env(tmp_path) | {"PREFECT_LOGGING_LEVEL": "INFO"}  # what the CLI sets by default
    port = free_port()
    started = _dedupe(env, tmp_path, "server", "start", "--port", str(port))
    assert started.returncode == 0, started.stderr
    state = json.loads((tmp_path / "prefect-home" / "dedupe-server.json").read_text())
    try:
        assert f"127.0.0.1:{port}" in started.stdout and "dedupe server stop" in started.stdout
        assert _dedupe(env, tmp_path, "server", "status").returncode == 0
        run = _dedupe(env, tmp_path, "run", str(seeds_dir), "--out", str(tmp_path / "corpus"), "--json")
        assert run.returncode == 0, run.stderr
        assert f"the local server at http://127.0.0.1:{port}" in run.stderr
        api = env | {"PREFECT_API_URL": f"http://127.0.0.1:{port}/api", "COLUMNS": "300"}
        runs = subprocess.run([str(BIN / "prefect"), "flow-run", "ls"], env=api, capture_output=True, text=True,
                              timeout=60)
        ids = re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", runs.stdout)
        assert ids, runs.stdout
        flow_run_id = ids[0]
        logs = subprocess.run([str(BIN / "prefect"), "flow-run", "logs", str(flow_run_id)], env=api,
                              capture_output=True, text=True, timeout=60)
        assert "5 documents" in logs.stdout, logs.stdout[-2000:]  # the run logger's INFO line
        artifact = subprocess.run([str(BIN / "prefect"), "artifact", "inspect", "dedupe-html-report"], env=api,
                                  capture_output=True, text=True, timeout=60)
        # Prefect's link artifact (create_link_artifact) is stored as Markdown: one link, to the report.
        link = re.search(r"\]\((file://[^)]+)\)", artifact.stdout)
        assert link and Path(link.group(1).removeprefix("file://")).is_file(), artifact.stdout
    finally:
        stopped = _dedupe(env, tmp_path, "server", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    deadline = time.monotonic() + 10
    while alive(state["pid"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(state["pid"])
    assert _dedupe(env, tmp_path, "server", "status").returncode == 1


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed (.ci/run installs it)")
def test_a_run_outside_the_project_connects_to_nothing_but_loopback(tmp_path: Path, seeds_dir: Path) -> None:
    # Started from a folder with no prefect.toml, Prefect's temporary server and all.
    env = {k: v for k, v in quiet_env(tmp_path).items() if not k.startswith("PREFECT_SERVER_ANALYTICS")}
    env.pop("DO_NOT_TRACK", None)
    trace = tmp_path / "connect.trace"
    result = subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect", "-o", str(trace), str(BIN / "dedupe"),
                             "run", str(seeds_dir), "--out", str(tmp_path / "corpus"), "--no-progress"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "telemetry" not in result.stderr.lower()
    connects = [line for line in trace.read_text().splitlines() if "connect(" in line]
    assert connects  # the trace saw the run talk to its temporary server
    outside = [line for line in connects if ("AF_INET" in line and "127.0.0.1" not in line)
               or ("AF_INET6" in line and "::1" not in line)]
    assert outside == [], outside[:5]


def test_the_local_server_state_is_never_trusted_blindly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe import server

    monkeypatch.setenv("PREFECT_HOME", str(tmp_path))
    (tmp_path / "dedupe-server.json").write_text(json.dumps({"pid": 2**22 + 12345, "url": "http://127.0.0.1:9/api",
                                                            "log": "x"}))
    assert server.running() is None  # a dead pid, a port that does not answer: not a server
    assert sys.executable  # the module imports without Prefect


def test_the_progress_follows_every_stage_with_counts(tmp_path: Path, seeds_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from dedupe import run
    from dedupe.cli import stage_progress
    from dedupe.settings import Settings
    from dedupe.stages import RunPlan, Stage

    seen: list[tuple[str, str, int | None, int, str]] = []
    real_stage, real_publish = run.run_stage, run.publish_run

    def run_stage(stage: Stage, plan: RunPlan) -> object:
        seen.append((f"before {stage.name}", *stage_progress(Path(plan.staging_dir))))
        try:
            return real_stage(stage, plan)
        finally:
            seen.append((f"after {stage.name}", *stage_progress(Path(plan.staging_dir))))

    def publish_run(plan: RunPlan, *args: object) -> object:
        seen.append(("before publish", *stage_progress(Path(plan.staging_dir))))
        try:
            return real_publish(plan, *args)
        finally:
            seen.append(("after publish", *stage_progress(Path(plan.staging_dir))))

    monkeypatch.setattr(run, "run_stage", run_stage)
    monkeypatch.setattr(run, "publish_run", publish_run)
    run.run_pipeline([seeds_dir], tmp_path / "out", Settings(batch_files=2, workers=1))
    parts = 3
    assert seen == [
        ("before read", "reading", 5, 0, "files"), ("after read", "cleaning", parts, 0, "parts"),
        ("before resolve", "cleaning", parts, 0, "parts"), ("after resolve", "cleaning", parts, 0, "parts"),
        ("before learn-site-chrome", "cleaning", parts, 0, "parts"),
        ("after learn-site-chrome", "cleaning", parts, 0, "parts"),
        ("before clean", "cleaning", parts, 0, "parts"), ("after clean", "deduplicating", parts, 0, "parts"),
        ("before dedup", "deduplicating", parts, 0, "parts"), ("after dedup", "writing", parts, 0, "parts"),
        ("before assemble", "writing", parts, 0, "parts"),
        ("after assemble", "publishing", parts, parts, "parts"),
        ("before publish", "publishing", parts, parts, "parts"),
        ("after publish", "starting Prefect", None, 0, "")]
