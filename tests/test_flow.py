"""The real Prefect flow and the real CLI (each starts Prefect's temporary local server: seconds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dedupe.run import run_pipeline
from dedupe.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent


def _table(corpus: Path, table: str, columns: str, order: str) -> list[tuple]:  # type: ignore[type-arg]
    return duckdb.sql(f"select {columns} from '{corpus}/{table}/**/*.parquet' order by {order}").fetchall()


@pytest.mark.slow
def test_prefect_flow_writes_the_same_corpus_as_the_library(tmp_path: Path, seeds_dir: Path) -> None:
    from flows.dedupe_flow import dedupe_flow

    summary = dedupe_flow(inputs=[str(seeds_dir)], out=str(tmp_path / "flow"),
                          settings=Settings(batch_files=2))
    run_pipeline([seeds_dir], tmp_path / "lib")
    assert summary["documents"] == 5 and summary["n_errors"] == 0
    assert sum(summary["blocks"].values()) > 200
    assert summary["blocks"]["padding"] > 50 and summary["blocks"]["content"] > 50
    cols = "doc_id, block_idx, start, \"end\", text, label"
    assert _table(tmp_path / "flow", "blocks", cols, "doc_id, block_idx") == \
        _table(tmp_path / "lib", "blocks", cols, "doc_id, block_idx")
    assert len(list((tmp_path / "flow" / "documents").glob("run=*/*.parquet"))) == 3  # 3 batches
    assert Path(summary["report"]) == tmp_path / "flow" / "_reports" / f"{summary['run_id']}.html"
    assert Path(summary["report"]).stat().st_size > 10_000


def _cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | (env or {})
    return subprocess.run([sys.executable, "-m", "dedupe.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_cli_run_prints_a_summary_and_writes_the_corpus(tmp_path: Path, seeds_dir: Path) -> None:
    (tmp_path / "in").mkdir()
    for seed in seeds_dir.iterdir():
        (tmp_path / "in" / seed.name).write_bytes(seed.read_bytes())
    (tmp_path / "in" / "broken.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    result = _cli("run", "in", "--out", "corpus", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for expected in ("documents", "blocks: content", "errors", "binary", "time",
                     "1 input(s) could not be used"):
        assert expected in out, out
    assert "Traceback" not in result.stderr
    assert _table(tmp_path / "corpus", "documents", "count(*)", "1") == [(5,)]
    assert _table(tmp_path / "corpus", "errors", "path, error", "1") == [("broken.txt", "binary")]


def test_cli_rejects_bad_usage_before_starting_prefect(tmp_path: Path) -> None:
    result = _cli("run", "does-not-exist", "--out", "corpus", cwd=tmp_path)
    assert result.returncode == 2 and "input not found" in result.stderr
    result = _cli("run", ".", "--batch-files", "0", cwd=tmp_path)
    assert result.returncode == 2 and "batch_files must be positive" in result.stderr
    result = _cli("run", ".", "--runner", "dask", cwd=tmp_path)
    assert result.returncode == 2 and "needs the --address of a running cluster" in result.stderr
    result = _cli("run", ".", "--runner", "spark", "--address", "x", cwd=tmp_path)
    assert result.returncode == 2 and "unknown runner" in result.stderr
    assert not (tmp_path / "corpus").exists()


def test_cli_options_are_declared_by_the_settings_themselves(tmp_path: Path) -> None:
    import dataclasses

    from dedupe.cli import _settings_of_options

    declared = {f.metadata["option"]: f for f in dataclasses.fields(Settings) if f.metadata["option"]}
    assert {"max_file_mb", "batch_files", "content_threshold", "dedup"} <= set(declared)
    # An option in another unit gives the setting in its own; the rest pass through.
    assert _settings_of_options({"max_file_mb": 1.5, "batch_files": 3}) == {
        "max_file_bytes": 1536 * 1024, "batch_files": 3}
    help_text = " ".join(_cli("run", "--help", cwd=tmp_path, env={"COLUMNS": "400"}).stdout.split())
    for name, f in declared.items():
        assert f"--{name.replace('_', '-')}" in help_text
        assert " ".join(f.metadata["help"].split()[:6]) in help_text  # its help is the setting's own
    # 0.01 MiB: the one seed over 10,485 bytes is refused; the others are read, not deduplicated.
    run = _cli("run", str(PROJECT / "seeds"), "--out", "corpus", "--max-file-mb", "0.01", "--no-dedup",
               "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    summary = json.loads(run.stdout)
    assert summary["errors"] == {"oversized": 1} and summary["documents"] == 4
    assert summary["blocks"]["content"] > 0
    # The deduplicator labelled nothing (a repeat of the headline is still the cleaner's).
    reasons = _table(tmp_path / "corpus", "blocks", "distinct reason", "1")
    assert not [r for (r,) in reasons if r.startswith("duplicate:")] and ("title_repeat",) in reasons


def test_cli_schema_prints_the_contract(tmp_path: Path) -> None:
    result = _cli("schema", cwd=tmp_path)
    assert result.returncode == 0
    assert "#### `documents/`" in result.stdout and "`duplicate_of_block`" in result.stdout


@pytest.mark.slow
def test_cli_json_summary(tmp_path: Path, seeds_dir: Path) -> None:
    result = _cli("run", str(seeds_dir), "--out", str(tmp_path / "c"), "--json", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["documents"], summary["n_errors"], summary["files"]) == (5, 0, 5)
