"""Is the corpus on disk what its manifest committed? Cheaply before every run, fully on demand,
and repaired where that is safe.

Each committed run lists its files in the manifest (``parts``: path, bytes, rows; see
:func:`partition_files`). :func:`quick_check` compares sizes (one ``stat`` a file) and runs before
every run writes: a run never builds on a damaged corpus. :func:`verify` also opens every file
(readable, its rows, its schema against the contract) and checks the duplicate index against the
blocks. :func:`repair` does what is safe: a run with a lost or damaged file is withdrawn (its
partitions moved to ``_corpus/quarantine/``), so the next run reads its inputs again; partitions
no manifest lists are adopted when the manifest itself is lost, quarantined otherwise. Nothing is
deleted, and no run is ever listed twice.

>>> import tempfile
>>> verify(tempfile.mkdtemp())
[]
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from dedupe.corpus import STATE_DIR, CorpusDamaged, Manifest, write_json_atomically
from dedupe.schema import SCHEMA_VERSION, TABLES

QUARANTINE = "quarantine"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a corpus."""

    path: str  #: relative to the corpus folder
    #: ``missing``, ``size``, ``unreadable``, ``rows``, ``schema``, ``orphan``, ``no_manifest``, ``index``,
    #: ``version``
    what: str
    detail: str
    run_id: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


def describe_files(folder: Path, listed_as: str) -> dict[str, dict[str, int]]:
    """The Parquet files of ``folder`` as the manifest lists them: ``listed_as/<name>`` -> bytes
    and rows (a run's partitions while staged and once in place are described alike)."""
    return {f"{listed_as}/{path.name}": {"bytes": path.stat().st_size,
                                         "rows": pq.read_metadata(path).num_rows}
            for path in sorted(folder.glob("*.parquet"))}


def partition_files(out_dir: str | Path, run_id: str) -> dict[str, dict[str, int]]:
    """Every Parquet file of ``run_id``'s partitions: its path in the corpus, bytes and rows."""
    out = Path(out_dir)
    return {rel: meta for table in TABLES
            for rel, meta in describe_files(out / table / f"run={run_id}", f"{table}/run={run_id}").items()}


def _version_problems(manifest: Manifest) -> list[Problem]:
    """Runs written by another version of the output contract than this dedupe writes."""
    return [Problem(f"{STATE_DIR}/manifest.json", "version",
                    f"run {r['run_id']} was written by output contract "
                    f"v{r.get('schema_version', '2 or earlier')}; this dedupe writes v{SCHEMA_VERSION}: "
                    "write a new corpus")
            for r in manifest.runs if r.get("schema_version") != SCHEMA_VERSION]


def _partitions_on_disk(out: Path) -> dict[str, list[str]]:
    """``run_id`` -> the tables that hold a partition of it."""
    found: dict[str, list[str]] = {}
    for table in TABLES:
        folder = out / table
        if folder.is_dir():
            for part in folder.glob("run=*"):
                found.setdefault(part.name[4:], []).append(table)
    return found


def _stat_problems(out: Path, manifest: Manifest) -> list[Problem]:
    problems = []
    finishing = _pending_run(out)  # committed, not yet in place: the next run rolls it forward
    for run in manifest.runs:
        run_id = run["run_id"]
        if run_id == finishing:
            continue
        listed: dict[str, Any] = run.get("parts") or {}
        if not listed:  # a manifest written before files were recorded: the partitions at least
            problems += [Problem(f"{t}/run={run_id}", "missing", "partition of a committed run is missing",
                                 run_id) for t in TABLES if not (out / t / f"run={run_id}").is_dir()]
            continue
        for rel, meta in listed.items():
            try:
                size = (out / rel).stat().st_size
            except FileNotFoundError:
                problems.append(Problem(rel, "missing", "file of a committed run is missing", run_id))
                continue
            if size != meta["bytes"]:
                problems.append(Problem(rel, "size", f"is {size:,} bytes, committed as {meta['bytes']:,}",
                                        run_id))
    committed = set(manifest.run_ids) | {finishing}
    on_disk = _partitions_on_disk(out)
    if not (out / STATE_DIR / "manifest.json").exists() and on_disk:
        problems.append(Problem(f"{STATE_DIR}/manifest.json", "no_manifest",
                                f"is missing, but {len(on_disk)} run(s) have partitions"))
    else:
        problems += [Problem(f"{t}/run={r}", "orphan", "partition of no committed run", r)
                     for r, tables in sorted(on_disk.items()) if r not in committed for t in tables]
    return problems


def _pending_run(out: Path) -> str | None:
    try:
        return str(json.loads((out / STATE_DIR / "pending.json").read_text(encoding="utf-8"))["run_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def quick_check(out_dir: str | Path) -> None:
    """Raise :class:`CorpusDamaged` naming what is wrong, unless every committed file is there at
    its committed size (one ``stat`` a file: run before every run, with the lock held), and the
    corpus was written by this version of the output contract."""
    out = Path(out_dir)
    manifest = Manifest.load(out)
    problems = _version_problems(manifest) or _stat_problems(out, manifest)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise CorpusDamaged(f"{out}: {problems[0]}{more}. Nothing was written. `dedupe verify {out}` "
                            f"lists every problem; `dedupe verify {out} --repair` repairs what it safely can")


def verify(out_dir: str | Path) -> list[Problem]:
    """Every problem of the corpus: :func:`quick_check`'s, then each committed file opened (its
    rows and schema against what was committed and the contract), and the index against blocks."""
    out = Path(out_dir)
    try:
        manifest = Manifest.load(out)
    except CorpusDamaged as exc:
        return [Problem(f"{STATE_DIR}/manifest.json", "unreadable", str(exc))]
    problems = _version_problems(manifest)
    if problems:
        return problems  # the files of another contract are not this one's to judge
    problems = _stat_problems(out, manifest)
    seen = {p.path for p in problems}
    for run in manifest.runs:
        for rel, meta in (run.get("parts") or {}).items():
            if rel in seen:
                continue
            table = rel.split("/", 1)[0]
            try:
                file = pq.ParquetFile(out / rel, page_checksum_verification=True)
                schema = file.schema_arrow
                rows = file.metadata.num_rows
                for _ in file.iter_batches(batch_size=65536):  # every page decodes and matches its CRC
                    pass
            except (OSError, pa.ArrowException) as exc:
                problems.append(Problem(rel, "unreadable", f"cannot be read: {exc}", run["run_id"]))
                continue
            if rows != meta["rows"]:
                problems.append(Problem(rel, "rows", f"holds {rows:,} rows, committed with {meta['rows']:,}",
                                        run["run_id"]))
            expected = TABLES[table]
            if [(f.name, f.type) for f in schema] != [(f.name, f.type) for f in expected]:
                problems.append(Problem(rel, "schema", f"columns differ from the {table} contract",
                                        run["run_id"]))
    if not problems:
        problems += _index_problems(out, manifest)
    return problems


def _index_problems(out: Path, manifest: Manifest) -> list[Problem]:
    """Every block of the duplicate index is a block of the corpus."""
    def read(table: str) -> pa.Table | None:
        files = [out / rel for run in manifest.runs for rel in (run.get("parts") or {})
                 if rel.startswith(f"{table}/")]
        return pq.ParquetDataset(files).read(columns=["doc_id", "block_idx"]) if files else None

    index, blocks = read("index"), read("blocks")
    if index is None or blocks is None:
        return []
    lost = index.join(blocks, keys=["doc_id", "block_idx"], join_type="left anti").num_rows
    if not lost:
        return []
    return [Problem("index", "index", f"{lost:,} indexed blocks are in no committed blocks file")]


def repair(out_dir: str | Path) -> list[str]:
    """Repair what :func:`verify` finds, where it is safe; return what was done."""
    out = Path(out_dir)
    done: list[str] = []
    problems = verify(out)
    if any(p.what in ("no_manifest", "unreadable") and p.path.startswith(STATE_DIR) for p in problems):
        return _adopt(out)
    manifest = Manifest.load(out)
    damaged = {p.run_id for p in problems if p.run_id and p.what != "orphan"}
    orphans = sorted({p.run_id for p in problems if p.what == "orphan" and p.run_id})
    for run_id in sorted(damaged):
        _quarantine(out, run_id)
        done.append(f"withdrew run {run_id} (a file lost or damaged; its partitions are in "
                    f"{STATE_DIR}/{QUARANTINE}/): the next run reads its inputs again")
    for run_id in orphans:
        _quarantine(out, run_id)
        done.append(f"moved the partitions of run {run_id}, which no manifest lists, to "
                    f"{STATE_DIR}/{QUARANTINE}/")
    if damaged:
        kept = [r for r in manifest.runs if r["run_id"] not in damaged]
        write_json_atomically(out / STATE_DIR / "manifest.json",
                              {"version": manifest.version + 1, "runs": kept})
    if any(p.what == "index" for p in problems) and not damaged:
        done.append("the index does not match the blocks: write a new corpus (no safe repair)")
    if any(p.what == "version" for p in problems):
        done.append("runs of another output contract: write a new corpus (no safe repair)")
    return done


def _quarantine(out: Path, run_id: str) -> None:
    target = out / STATE_DIR / QUARANTINE / f"run={run_id}"
    target.mkdir(parents=True, exist_ok=True)
    for table in TABLES:
        part = out / table / f"run={run_id}"
        if part.is_dir():
            shutil.move(str(part), str(target / table))


def _adopt(out: Path) -> list[str]:
    """A lost or unreadable manifest: rebuild it from the runs whose partitions are complete (every
    table, every file readable), in run order; quarantine the rest."""
    runs, done = [], []
    broken = out / STATE_DIR / "manifest.json"
    if broken.exists():
        broken.rename(broken.with_name(f"manifest.damaged-{datetime.now(UTC):%Y%m%dT%H%M%S}.json"))
        done.append(f"kept the damaged manifest aside in {STATE_DIR}/")
    for run_id, tables in sorted(_partitions_on_disk(out).items()):
        try:
            files = partition_files(out, run_id) if len(tables) == len(TABLES) else None
        except (OSError, pa.ArrowException):
            files = None
        if files is None:
            _quarantine(out, run_id)
            done.append(f"moved the incomplete run {run_id} to {STATE_DIR}/{QUARANTINE}/")
            continue
        first = out / next(iter(files))
        written_by = (pq.read_schema(first).metadata or {}).get(b"dedupe.schema_version", b"unknown").decode()
        runs.append({"run_id": run_id, "committed": None, "adopted": datetime.now(UTC).isoformat(),
                     "schema_version": written_by, "parts": files})
        done.append(f"adopted run {run_id}")
    (out / STATE_DIR).mkdir(exist_ok=True)
    write_json_atomically(out / STATE_DIR / "manifest.json", {"version": 1, "runs": runs})
    return done
