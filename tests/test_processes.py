"""Every process a command starts ends with it: after SIGKILL or SIGTERM of `dedupe run`, and under
`dedupe serve` after every flow run and on SIGTERM (issue 14). Real commands, real Prefect."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from dedupe.corpus import Manifest
from dedupe.processes import descendants
from tests.servers import BIN, alive, prefect_server, quiet_env, wait_for


def _rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        except (FileNotFoundError, StopIteration, ProcessLookupError):
            continue
    return total / 1024


def _scrape(tmp_path: Path, seeds_dir: Path, copies: int) -> Path:
    """Enough input for a run that lasts a few seconds once its workers are up."""
    scrape = tmp_path / "scrape"
    for k in range(copies):
        shutil.copytree(seeds_dir, scrape / f"site{k}")
        for f in (scrape / f"site{k}").iterdir():  # distinct documents, so every stage has work
            f.write_text(f.read_text(encoding="utf-8") + f"\nEdition {k}.\n", encoding="utf-8")
    return scrape


def _started_run(tmp_path: Path, seeds_dir: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """`dedupe run` started, once its pool is up (the supervisor's child, the temporary Prefect
    server, the workers): the process and its tree at that moment."""
    scrape = _scrape(tmp_path, seeds_dir, copies=200)
    proc = subprocess.Popen([str(BIN / "dedupe"), "run", str(scrape), "--out", str(tmp_path / "out")],
                            env=quiet_env(tmp_path), cwd=tmp_path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    tree: list[int] = []

    def busy() -> bool:
        nonlocal tree
        tree = descendants(proc.pid)
        return len(tree) >= 4 or proc.poll() is not None

    wait_for(busy, 120, "the run's processes")
    assert proc.poll() is None, "the run ended before it could be stopped: give it more input"
    return proc, tree


@pytest.mark.slow
def test_nothing_survives_a_sigkill_of_a_run(tmp_path: Path, seeds_dir: Path) -> None:
    proc, tree = _started_run(tmp_path, seeds_dir)
    proc.kill()
    proc.wait()
    wait_for(lambda: not any(alive(pid) for pid in tree), 10, "every process of the killed run to end")


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_sigterm_or_sigint_ends_a_run_and_its_processes(tmp_path: Path, seeds_dir: Path, signum: int) -> None:
    proc, tree = _started_run(tmp_path, seeds_dir)
    proc.send_signal(signum)
    assert proc.wait(timeout=10) != 0
    wait_for(lambda: not any(alive(pid) for pid in tree), 5, "every process of the stopped run to end")
    # The run was not committed: no partition of it is visible, and the next run works.
    assert not list((tmp_path / "out").glob("documents/run=*/*.parquet"))


@pytest.mark.slow
def test_serve_holds_no_process_between_runs_and_stops_on_sigterm(tmp_path: Path, seeds_dir: Path) -> None:
    env = quiet_env(tmp_path)
    scrape = _scrape(tmp_path, seeds_dir, copies=1)
    with prefect_server(env, tmp_path) as api:
        env["PREFECT_API_URL"] = api
        serve = subprocess.Popen([str(BIN / "dedupe"), "serve", str(scrape), "--out", str(tmp_path / "corpus"),
                                  "--name", "flat", "--cron", "0 0 1 1 *"], env=env, cwd=tmp_path,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: subprocess.run([str(BIN / "prefect"), "deployment", "inspect", "dedupe/flat"],
                                            env=env, capture_output=True, timeout=60).returncode == 0,
                     120, "the served deployment")
            sizes, memory = [], []
            for k in range(5):
                (scrape / f"new-{k}.txt").write_text(f"Story {k}: the harbour council met again on day {k} "
                                                     "and voted on the second ferry route once more.\n")
                trigger = subprocess.run([str(BIN / "prefect"), "deployment", "run", "dedupe/flat"], env=env,
                                         capture_output=True, text=True, timeout=60)
                assert trigger.returncode == 0, trigger.stderr
                wait_for(lambda k=k: len(Manifest.load(tmp_path / "corpus").runs) >= k + 1, 180,
                         f"served run {k + 1}")
                time.sleep(3)  # the flow run's process ends after its commit
                tree = descendants(serve.pid)
                sizes.append(len(tree))
                memory.append(_rss_mb([serve.pid, *tree]))
            assert len(set(sizes)) == 1, f"processes under serve after each run: {sizes}"
            assert max(memory) < 1.3 * memory[0], f"RSS of serve's tree after each run (MB): {memory}"
            tree = descendants(serve.pid)
            started = time.monotonic()
            serve.send_signal(signal.SIGTERM)
            serve.wait(timeout=10)
            assert time.monotonic() - started < 10
            wait_for(lambda: not any(alive(pid) for pid in tree), 5, "serve's processes to end")
        finally:
            if serve.poll() is None:
                serve.kill()
