"""A corpus that knows its files (issue 14): fault injection on every kind of committed file,
`dedupe verify` naming it, no run making it worse, repairs that never duplicate, and runs that are
never visible before their commit."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from dedupe.corpus import CorpusDamaged, CorpusLock, Manifest
from dedupe.run import run_pipeline
from dedupe.schema import TABLES
from dedupe.settings import Settings
from dedupe.stages import publish
from dedupe.verify import quick_check, repair, verify

BIN = Path(sys.executable).parent


def _count(out: Path, table: str) -> int:
    return int(duckdb.sql(f"select count(*) from '{out}/{table}/**/*.parquet'").fetchall()[0][0])


@pytest.fixture
def corpus(tmp_path: Path, seeds_dir: Path) -> tuple[Path, Path]:
    """Two committed runs over the seeds (the second over a changed file)."""
    scrape = tmp_path / "in"
    shutil.copytree(seeds_dir, scrape)
    run_pipeline([scrape], tmp_path / "out", Settings(workers=1))
    first = sorted(scrape.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nA correction was appended.\n", encoding="utf-8")
    run_pipeline([scrape], tmp_path / "out", Settings(workers=1))
    return scrape, tmp_path / "out"


def test_a_sound_corpus_verifies_and_lists_every_file(corpus: tuple[Path, Path]) -> None:
    _, out = corpus
    assert verify(out) == []
    runs = Manifest.load(out).runs
    assert len(runs) == 2
    for run in runs:
        listed = set(run["parts"])
        on_disk = {p.relative_to(out).as_posix() for t in TABLES for p in (out / t / f"run={run['run_id']}").glob("*")}
        assert listed == on_disk
        assert all(meta["rows"] >= 0 and meta["bytes"] > 0 for meta in run["parts"].values())


def _damage(path: Path, how: str) -> None:
    if how == "delete":
        path.unlink()
    elif how == "truncate":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    else:  # corrupt: the same size, bytes changed in the middle (a bad sector, a bad copy)
        data = bytearray(path.read_bytes())
        mid = len(data) // 2
        data[mid - 8: mid + 8] = b"\xff" * 16
        path.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["delete", "truncate", "corrupt"])
@pytest.mark.parametrize("table", list(TABLES))
def test_verify_names_each_damaged_file_and_no_run_makes_it_worse(corpus: tuple[Path, Path], table: str,
                                                                    how: str) -> None:
    scrape, out = corpus
    run_id = Manifest.load(out).run_ids[0]
    victim = sorted((out / table / f"run={run_id}").glob("*.parquet"))[0]
    rel = victim.relative_to(out).as_posix()
    _damage(victim, how)
    problems = verify(out)
    assert problems and all(p.path == rel for p in problems), problems
    before = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    if how != "corrupt":  # same size: only the full check sees it
        with pytest.raises(CorpusDamaged, match=rel):
            quick_check(out)
        with pytest.raises(CorpusDamaged):
            run_pipeline([scrape], out, Settings(workers=1))
        after = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
        assert after == before  # nothing written, nothing removed
    else:  # a run that reads the damaged file stops, naming it; one that does not leaves it be
        (scrape / "new.txt").write_text("A new story arrived today, with enough words in it to count as "
                                        "a paragraph of its own for the pipeline.\n", encoding="utf-8")
        try:
            run_pipeline([scrape], out, Settings(workers=1))
        except CorpusDamaged as exc:
            assert rel in str(exc)
        assert [p.path for p in verify(out)] == [rel]


def test_repair_withdraws_a_damaged_run_and_the_next_run_reads_its_inputs_again(corpus: tuple[Path, Path]) -> None:
    scrape, out = corpus
    documents = _count(out, "documents")
    first = Manifest.load(out).run_ids[-1]  # its input is still on disk as it was read
    next((out / "documents" / f"run={first}").glob("*.parquet")).unlink()
    actions = repair(out)
    assert any(first in a and "withdrew" in a for a in actions)
    assert verify(out) == [] and first not in Manifest.load(out).run_ids
    assert (out / "_corpus" / "quarantine" / f"run={first}").is_dir()  # moved aside, not deleted
    run_pipeline([scrape], out, Settings(workers=1))
    assert _count(out, "documents") == documents  # the lost documents are back, once each
    assert duckdb.sql(f"select count(*) - count(distinct doc_id) from '{out}/documents/**/*.parquet'"
                      ).fetchall() == [(0,)]


@pytest.mark.parametrize("damage", ["delete", "garble"])
def test_a_lost_manifest_stops_runs_and_repair_adopts_the_runs(corpus: tuple[Path, Path], damage: str) -> None:
    scrape, out = corpus
    runs = Manifest.load(out).run_ids
    documents = _count(out, "documents")
    manifest = out / "_corpus" / "manifest.json"
    if damage == "delete":
        manifest.unlink()
    else:
        manifest.write_text('{"version": 2, "runs": [', encoding="utf-8")
    with pytest.raises(CorpusDamaged, match=r"manifest\.json"):
        run_pipeline([scrape], out, Settings(workers=1))
    repair(out)
    assert Manifest.load(out).run_ids == runs and verify(out) == []
    run_pipeline([scrape], out, Settings(workers=1))  # nothing new: nothing read twice
    assert _count(out, "documents") == documents


def test_cli_verify_and_run_speak_in_one_or_two_lines(corpus: tuple[Path, Path]) -> None:
    scrape, out = corpus
    ok = subprocess.run([str(BIN / "dedupe"), "verify", str(out)], capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and "sound" in ok.stdout
    (out / "_corpus" / "manifest.json").write_text("{not json", encoding="utf-8")
    bad = subprocess.run([str(BIN / "dedupe"), "verify", str(out)], capture_output=True, text=True, timeout=60)
    assert bad.returncode == 3 and "manifest.json" in bad.stdout and "Traceback" not in bad.stdout + bad.stderr
    run = subprocess.run([str(BIN / "dedupe"), "run", str(scrape), "--out", str(out), "--no-progress"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 3, run.stderr
    assert "manifest.json" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) <= 3
    fixed = subprocess.run([str(BIN / "dedupe"), "verify", str(out), "--repair"], capture_output=True, text=True,
                           timeout=60)
    assert fixed.returncode == 0, fixed.stdout


def test_a_run_is_invisible_until_committed_and_finished_after_a_crash_past_the_commit(
        tmp_path: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    seen: dict[str, int] = {}
    real_commit = Manifest.commit

    def commit_and_look(self: Manifest, out_dir: str | Path, run: dict[str, object]) -> Manifest:
        seen["before_commit"] = len(list(out.glob("documents/**/*.parquet")))
        return real_commit(self, out_dir, run)

    def die(*_args: object) -> None:
        raise SystemExit("killed after the commit")

    monkeypatch.setattr(Manifest, "commit", commit_and_look)
    monkeypatch.setattr(publish, "move_into_place", die)
    with pytest.raises(SystemExit):
        run_pipeline([seeds_dir], out, Settings(workers=1))
    assert seen["before_commit"] == 0
    (run_id,) = Manifest.load(out).run_ids
    assert not list(out.glob("documents/**/*.parquet"))  # committed, not yet in place: still invisible
    assert json.loads((out / "_corpus" / "pending.json").read_text())["run_id"] == run_id
    monkeypatch.undo()
    run_pipeline([seeds_dir], out, Settings(workers=1))  # rolls the crashed run forward, adds nothing
    assert Manifest.load(out).run_ids == [run_id]
    assert _count(out, "documents") == 5 and verify(out) == []


def test_a_second_writer_stops_in_one_line_before_anything_starts(corpus: tuple[Path, Path]) -> None:
    scrape, out = corpus
    with CorpusLock(out, timeout=0):
        started = time.monotonic()
        busy = subprocess.run([str(BIN / "dedupe"), "run", str(scrape), "--out", str(out), "--set", "lock_timeout=1"],
                              capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - started
    assert busy.returncode == 75
    assert "another run is writing" in busy.stderr and "Traceback" not in busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1
    assert elapsed < 8  # no Prefect server was started to say so


def test_a_corpus_of_an_earlier_contract_is_named_not_repaired(corpus: tuple[Path, Path]) -> None:
    scrape, out = corpus
    manifest = json.loads((out / "_corpus" / "manifest.json").read_text())
    for run in manifest["runs"]:
        run.pop("schema_version")  # as version 2 wrote them
    (out / "_corpus" / "manifest.json").write_text(json.dumps(manifest))
    assert {p.what for p in verify(out)} == {"version"}
    with pytest.raises(CorpusDamaged, match="write a new corpus"):
        run_pipeline([scrape], out, Settings(workers=1))
    assert any("write a new corpus" in action for action in repair(out))
    assert len(Manifest.load(out).runs) == 2  # nothing withdrawn
