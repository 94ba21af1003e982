"""The corpus as a whole: which runs are committed, who may write, and recovery after a crash.

An output folder is a corpus that grows run by run. Its state lives in ``OUT/_corpus/``:

- ``manifest.json`` — the committed runs, in order, with a version number. A run becomes part of
  the corpus at the moment a new manifest, written aside and fsynced, is renamed over the old one:
  that rename is the commit point. Partitions of runs the manifest does not list are not part of
  the corpus (:func:`committed_files` lists the files that are).
- ``pending.json`` — written before a run moves its staged partitions into place, removed after
  the commit. If it is still there when the next run starts, the earlier run died while publishing:
  its partitions are removed (roll back) and the new run reads its inputs again.
- ``lock`` — an exclusive ``flock``: one writer at a time. A second run waits up to
  ``lock_timeout`` seconds, then stops with a clear message; nothing is written meanwhile.

>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> with CorpusLock(out, timeout=0):
...     Manifest.load(out).version
0
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from dedupe.writers.parquet import fsync_dir

STATE_DIR = "_corpus"


class CorpusBusy(RuntimeError):
    """Another run holds the corpus."""


class CorpusDamaged(RuntimeError):
    """The corpus on disk is not what its manifest committed: a file missing, cut short or
    unreadable, a manifest lost or garbled. The message names what and how to repair it."""


def _state(out_dir: str | Path) -> Path:
    path = Path(out_dir) / STATE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` beside ``path``, fsync, rename over it: readers see the old or the new file."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def write_json_atomically(path: Path, data: Any) -> None:
    """:func:`write_text_atomically` of ``data`` as JSON."""
    write_text_atomically(path, json.dumps(data, indent=1))


class CorpusLock:
    """Exclusive write access to a corpus (``flock`` on ``_corpus/lock``, released by the kernel
    if the process dies)."""

    def __init__(self, out_dir: str | Path, timeout: float = 60.0) -> None:
        self.path = _state(out_dir) / "lock"
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> CorpusLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise CorpusBusy(f"another run is writing {self.path.parent.parent} "
                                     f"(waited {self.timeout:g} s); try again when it has finished"
                                     ) from None
                time.sleep(0.1)
        self._fd = fd
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


@dataclass
class Manifest:
    """The committed state of a corpus."""

    version: int = 0
    runs: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, out_dir: str | Path) -> Manifest:
        path = Path(out_dir) / STATE_DIR / "manifest.json"
        if not path.exists():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            manifest = cls(version=int(data["version"]), runs=list(data["runs"]))
            if not all(isinstance(r, dict) and isinstance(r.get("run_id"), str) for r in manifest.runs):
                raise ValueError("a run without its run_id")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise CorpusDamaged(f"{path} is damaged ({exc}); `dedupe verify {out_dir} --repair` rebuilds "
                                "it from the run partitions") from None
        return manifest

    @property
    def run_ids(self) -> list[str]:
        return [r["run_id"] for r in self.runs]

    def commit(self, out_dir: str | Path, run: dict[str, Any]) -> Manifest:
        """Add ``run`` and make it visible in one atomic step; returns the new manifest."""
        new = Manifest(self.version + 1, [*self.runs, run])
        write_json_atomically(_state(out_dir) / "manifest.json", asdict(new))
        return new


def begin_publish(out_dir: str | Path, run_id: str, tables: list[str], staging: str | Path) -> None:
    """Record the intent to publish ``run_id`` (its tables, staged under ``staging``) before the
    commit: a run that dies after the commit is finished from it by the next one."""
    write_json_atomically(_state(out_dir) / "pending.json", {"run_id": run_id, "tables": tables,
                                                             "staging": str(staging),
                                                             "started": datetime.now(UTC).isoformat()})


def move_into_place(out_dir: str | Path, run_id: str, tables: list[str], staging: str | Path) -> None:
    """Rename each staged table to ``OUT/<table>/run=<id>/`` (``documents`` last: globs of
    documents see a run only once everything else is there); what is already in place stays."""
    out = Path(out_dir)
    for table in sorted(tables, key=lambda t: t == "documents"):
        staged, target = Path(staging) / table, out / table / f"run={run_id}"
        if staged.is_dir() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.rename(target)
            fsync_dir(target.parent)


def end_publish(out_dir: str | Path) -> None:
    (_state(out_dir) / "pending.json").unlink(missing_ok=True)
    fsync_dir(_state(out_dir))


def recover(out_dir: str | Path) -> str | None:
    """Finish or undo a publish that died; returns the run id rolled back, if any.

    Call with the lock held. A run the manifest lists died after its commit: its partitions still
    staged are moved into place (roll forward). One it does not list died before: whatever of it
    is in place is removed (roll back), and its staging folder goes with the abandoned ones.
    """
    out = Path(out_dir)
    pending_path = out / STATE_DIR / "pending.json"
    if not pending_path.exists():
        return None
    try:
        pending = json.loads(pending_path.read_text(encoding="utf-8"))
        run_id, tables = pending["run_id"], list(pending["tables"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CorpusDamaged(f"{pending_path} is damaged ({exc}): a run died while publishing; "
                            f"`dedupe verify {out} --repair` sorts it out") from None
    rolled_back = None
    if run_id in Manifest.load(out).run_ids:
        if "staging" in pending:
            move_into_place(out, run_id, tables, pending["staging"])
    else:
        for table in tables:
            shutil.rmtree(out / table / f"run={run_id}", ignore_errors=True)
        rolled_back = run_id
    end_publish(out)
    return rolled_back


def abandoned_staging(out_dir: str | Path, keep: str | None = None) -> list[Path]:
    """Staging folders left by runs that died (call with the lock held: no other run is live)."""
    staging = Path(out_dir) / "_staging"
    if not staging.exists():
        return []
    return [p for p in staging.iterdir() if p.is_dir() and p.name != f"run={keep}"]


def remove_abandoned_staging(out_dir: str | Path, keep: str | None = None) -> int:
    found = abandoned_staging(out_dir, keep)
    for path in found:
        shutil.rmtree(path, ignore_errors=True)
    with contextlib.suppress(OSError):
        (Path(out_dir) / "_staging").rmdir()
    return len(found)


def committed_files(out_dir: str | Path, table: str) -> list[str]:
    """The Parquet files of ``table`` in committed runs: a consistent view, whatever is in flight.

    >>> import tempfile
    >>> committed_files(tempfile.mkdtemp(), "documents")
    []
    """
    out = Path(out_dir)
    files: list[str] = []
    for run_id in Manifest.load(out).run_ids:
        files.extend(sorted(str(p) for p in (out / table / f"run={run_id}").glob("*.parquet")))
    return files


def read_committed(files: list[str], columns: list[str], filters: Any = None) -> Any:
    """``files`` of committed runs read as one Arrow table; a file that cannot be read is
    :class:`CorpusDamaged`, named, rather than a reader's traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.ParquetDataset(files, filters=filters).read(columns=columns)
    except (OSError, pa.ArrowException) as exc:
        for path in files:  # which one: the error of a dataset does not always say
            try:
                pq.ParquetFile(path).read(columns=columns)
            except (OSError, pa.ArrowException):
                raise CorpusDamaged(f"{path} cannot be read ({exc}); `dedupe verify "
                                    f"{Path(path).parent.parent.parent}` says more") from None
        raise


# --- what the committed runs hold -------------------------------------------------------------------

def committed_inputs(out_dir: str | Path) -> set[tuple[str, int, int]]:
    """``(path, size, mtime_ns)`` of every input file of the committed runs."""
    files = committed_files(out_dir, "inputs")
    if not files:
        return set()
    table = read_committed(files, ["path", "size", "mtime_ns"])
    return set(zip(table["path"].to_pylist(), table["size"].to_pylist(), table["mtime_ns"].to_pylist(),
                   strict=True))


def committed_doc_ids(out_dir: str | Path) -> set[str]:
    """The ``doc_id`` of every document of the committed runs."""
    files = committed_files(out_dir, "documents")
    if not files:
        return set()
    return set(read_committed(files, ["doc_id"])["doc_id"].to_pylist())


#: Keys of the index layout that come from settings (``num_perm``...), not from the code.
_LAYOUT_SETTINGS = frozenset({"num_perm", "shingle_words", "minhash_seed", "bands", "rows"})


def committed_index(out_dir: str | Path, layout: dict[str, int]) -> Any:
    """The duplicate index of the committed runs (an Arrow table; None when there is none),
    checked to be comparable with ``layout``, the index layout of this run's settings."""
    import pyarrow.parquet as pq

    files = committed_files(out_dir, "index")
    if not files:
        return None
    for path in files[:1] + files[-1:]:
        stored = json.loads((pq.read_schema(path).metadata or {}).get(b"dedupe.index_layout", b"{}"))
        if stored and stored != layout:
            differ = sorted(k for k in {*stored, *layout} if stored.get(k) != layout.get(k))
            # Settings can be matched; a form this version computes differently cannot.
            advice = ("run with the corpus's settings, or write a new corpus"
                      if set(differ) <= _LAYOUT_SETTINGS else
                      "this version of dedupe indexes blocks differently: write a new corpus")
            raise ValueError(f"the corpus {out_dir} was deduplicated with "
                             f"{ {k: stored.get(k) for k in differ} }; this run uses "
                             f"{ {k: layout.get(k) for k in differ} }: {advice}")
    return read_committed(files, ["doc_id", "block_idx", "exact_key", "band_keys", "anchors", "shingles"])
