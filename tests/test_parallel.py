"""The worker pool: how its workers start (forked from this process, or from a fork server when
this process runs threads), that they hold nothing of the corpus, and that they die with it.
Each case runs in a fresh interpreter: the start method depends on the threads of the process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedupe.run import run_pipeline
from dedupe.settings import Settings
from tests.servers import alive
from tests.test_pipeline import _labels, _syndicated_inputs

PROJECT = Path(__file__).resolve().parent.parent

# A script (not ``python -c``: spawned and fork-server workers re-import the main module by path).
RUN = """
import json, os, sys, threading
from dedupe import parallel, run
from dedupe.run import run_pipeline
from dedupe.settings import Settings


def children():
    with open(f"/proc/{os.getpid()}/task/{os.getpid()}/children", encoding="utf-8") as fh:
        return [int(pid) for pid in fh.read().split()]


seen = {}


def stop_workers():  # what the pool looked like at the end of the run, then the run's own ending
    [pool] = parallel._pools.values()
    pids = [p.pid for p in pool._processes.values()]
    held = [os.readlink(f"/proc/{pid}/fd/{fd}") for pid in pids for fd in os.listdir(f"/proc/{pid}/fd")]
    seen.update(method=pool._mp_context.get_start_method(), workers=pids, corpus_files=held,
                children=len(children()))
    parallel.stop_workers()


if __name__ == "__main__":
    inputs, out, threads = sys.argv[1:]
    if threads == "thread":  # what a Prefect flow looks like to the pool: another Python thread
        threading.Thread(target=threading.Event().wait, daemon=True).start()
    run.stop_workers = stop_workers
    run_pipeline([inputs], out, Settings(batch_files=3, workers=2))
    seen["corpus_files"] = [h for h in seen["corpus_files"] if h.startswith(out)]
    print(json.dumps(seen | {"children_after": children()}))
"""

START_AND_WAIT = """
import json, sys, time
from dedupe import parallel

if __name__ == "__main__":
    parallel.start_workers(2)
    [pool] = parallel._pools.values()
    while len(pool._processes) < 2:
        time.sleep(0.01)
    print(json.dumps([p.pid for p in pool._processes.values()]), flush=True)
    time.sleep(600)
"""


def _script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.py"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("threads", "method"), [("none", "fork"), ("thread", "forkserver")])
def test_workers_start_ready_and_give_the_corpus_of_one_process(tmp_path: Path, seeds_dir: Path,
                                                                 threads: str, method: str) -> None:
    _syndicated_inputs(tmp_path / "in", seeds_dir, sites=3)
    run_pipeline([tmp_path / "in"], tmp_path / "one", Settings(batch_files=3, workers=1))
    out = str(tmp_path / "two")
    proc = subprocess.run([sys.executable, str(_script(tmp_path, RUN)), str(tmp_path / "in"), out, threads],
                          cwd=PROJECT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["method"] == method
    assert len(report["workers"]) == 2
    assert report["corpus_files"] == []  # no worker inherited the corpus lock or any output file
    assert report["children"] >= 2 and report["children_after"] == []  # the run's processes end with it
    assert _labels(tmp_path / "two") == _labels(tmp_path / "one")



def test_workers_die_with_the_process_that_started_them(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, str(_script(tmp_path, START_AND_WAIT))], cwd=PROJECT,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        workers = json.loads(proc.stdout.readline())
        assert len(workers) == 2 and all(alive(pid) for pid in workers)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in workers)
