"""The corpus across runs: crashes at any moment, two writers at once (real processes, real kills)."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dedupe.corpus import CorpusLock, Manifest, committed_files
from dedupe.run import run_pipeline

from .test_pipeline import _labels, _syndicated_inputs

RUN = ("import sys; from dedupe.run import run_pipeline; from dedupe.settings import Settings; "
       "run_pipeline([sys.argv[1]], sys.argv[2], Settings(batch_files=int(sys.argv[3]), "
       "lock_timeout=float(sys.argv[4])))")


def _start(inputs: Path, out: Path, batch_files: int = 4, lock_timeout: float = 60.0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", RUN, str(inputs), str(out), str(batch_files),
                             str(lock_timeout)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _committed_view(out: Path) -> tuple[int, dict[str, list[str]]]:
    tables = ["documents", "blocks", "inputs", "errors", "index", "signatures", "site_lines", "site_chrome"]
    return Manifest.load(out).version, {t: committed_files(out, t) for t in tables}


@pytest.mark.slow
def test_killed_runs_leave_the_previous_corpus_and_a_rerun_converges(tmp_path: Path, seeds_dir: Path) -> None:
    _syndicated_inputs(tmp_path / "all", seeds_dir, sites=30)
    run_pipeline([tmp_path / "all"], tmp_path / "reference")
    reference = _labels(tmp_path / "reference")

    # A first run commits part of the input; the rest is what the killed runs try to add.
    (tmp_path / "in").mkdir()
    for site in sorted((tmp_path / "all").iterdir()):
        shutil.copytree(site, tmp_path / "in" / site.name)
        break
    run_pipeline([tmp_path / "in"], tmp_path / "out")
    for site in sorted((tmp_path / "all").iterdir())[1:]:
        shutil.copytree(site, tmp_path / "in" / site.name)

    started = time.perf_counter()
    probe = _start(tmp_path / "in", tmp_path / "probe")
    assert probe.wait(timeout=120) == 0, probe.stderr.read() if probe.stderr else ""
    duration = time.perf_counter() - started

    # 20 kills at random moments, earliest first, so they land in every stage up to the commit.
    rng = random.Random(2026)
    kills = 0
    for delay in sorted(rng.uniform(0.3, 1.1 * duration) for _ in range(20)):
        before = _committed_view(tmp_path / "out")
        proc = _start(tmp_path / "in", tmp_path / "out")
        time.sleep(delay)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
        after = _committed_view(tmp_path / "out")
        if after != before:
            # The run committed (the kill, if any, came after the manifest's rename): complete.
            assert after[0] == before[0] + 1
            break
        # Killed before its commit: readers of the committed corpus see the previous version.
        assert proc.returncode == -signal.SIGKILL
    assert kills >= 5
    # A clean run completes the work; the corpus equals the uninterrupted one.
    run_pipeline([tmp_path / "in"], tmp_path / "out")
    assert _labels(tmp_path / "out") == reference
    assert not (tmp_path / "out" / "_corpus" / "pending.json").exists()
    assert not (tmp_path / "out" / "_staging").exists()


@pytest.mark.slow
def test_two_runs_at_once_never_both_write(tmp_path: Path, seeds_dir: Path) -> None:
    _syndicated_inputs(tmp_path / "in", seeds_dir, sites=30)
    out = tmp_path / "out"
    with CorpusLock(out):  # another writer holds the corpus (whatever its speed, for as long as needed)
        impatient = _start(tmp_path / "in", out, lock_timeout=0.5)
        assert impatient.wait(timeout=120) != 0
        assert impatient.stderr is not None and "another run is writing" in impatient.stderr.read()
        first = _start(tmp_path / "in", out, lock_timeout=120)
        second = _start(tmp_path / "in", out, lock_timeout=120)
        time.sleep(3.0)  # both are waiting for the lock now
        assert first.poll() is None and second.poll() is None
    # Released: the two race for it. One writes; the other waits, then finds nothing new.
    assert first.wait(timeout=120) == 0
    assert second.wait(timeout=120) == 0
    assert len(Manifest.load(out).run_ids) == 1
    assert len(committed_files(out, "documents")) >= 1
