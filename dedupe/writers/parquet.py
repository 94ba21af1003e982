"""Write corpus tables as zstd Parquet files that appear atomically.

Rows are buffered per column and flushed as row groups, so memory is bounded by
``rows_per_group``. The file is written under a hidden temporary name in its final folder, fsynced,
then renamed: a reader globbing ``*.parquet`` sees a complete file or none.

>>> import tempfile, pathlib, pyarrow.parquet as pq
>>> from dedupe.schema import ERRORS
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with TableWriter(folder / "part-0.parquet", ERRORS, table="errors", metadata={}) as w:
...     w.write({"path": "a.bin", "record": None, "stage": "decode", "error": "binary",
...              "message": "binary file", "run_id": "r1"})
>>> pq.read_table(folder / "part-0.parquet").num_rows
1
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Self

import pyarrow as pa
import pyarrow.parquet as pq

from dedupe.schema import SCHEMA_VERSION

COMPRESSION = "zstd"


def hash_columns(schema: pa.Schema) -> list[str]:
    """Columns of hash values (lists of ``uint32``: band keys, anchors, shingles, signatures):
    random bits neither compress nor dictionary-encode, and trying costs more than writing them."""
    return [f.name for f in schema if pa.types.is_list(f.type) and pa.types.is_uint32(f.type.value_type)]


def writer_options(schema: pa.Schema) -> dict[str, Any]:
    """``ParquetWriter`` options: zstd and dictionaries, except for hash columns (stored plain);
    a CRC of every page, so that ``dedupe verify`` finds a damaged byte anywhere."""
    plain = set(hash_columns(schema))
    if not plain:
        return {"compression": COMPRESSION, "write_page_checksum": True}
    return {"compression": {f.name: "none" if f.name in plain else COMPRESSION for f in schema},
            "use_dictionary": [f.name for f in schema if f.name not in plain],
            "write_statistics": [f.name for f in schema if f.name not in plain], "write_page_checksum": True}


def fsync_dir(path: Path) -> None:
    """Make a rename inside ``path`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def schema_with_metadata(schema: pa.Schema, table: str, metadata: dict[str, str]) -> pa.Schema:
    meta = {"dedupe.schema_version": SCHEMA_VERSION, "dedupe.table": table}
    meta.update({f"dedupe.{k}": v for k, v in metadata.items()})
    return schema.with_metadata(meta)


class AtomicWriter:
    """A writer whose output appears whole when it is closed, or not at all when it is aborted: as
    a context manager, it closes when the block ends and aborts when it raises."""

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class TableWriter(AtomicWriter):
    """Write rows of one table to one Parquet file; the file appears only when closed cleanly."""

    ROWS_PER_GROUP: ClassVar[int] = 512

    def __init__(self, path: Path, schema: pa.Schema, *, table: str, metadata: dict[str, str],
                 rows_per_group: int = ROWS_PER_GROUP, durable: bool = True) -> None:
        self.path = Path(path)
        #: fsync before the rename; off for a run's internal working files, never published.
        self.durable = durable
        self.schema = schema_with_metadata(schema, table, metadata)
        self.rows_per_group = rows_per_group
        self.rows_written = 0
        self._tmp = self.path.with_name(f".{self.path.name}.tmp")
        self._columns: dict[str, list[Any]] = {name: [] for name in self.schema.names}
        self._buffered = 0
        self._writer: Any = None  # opened at the first flush

    def write(self, row: dict[str, Any]) -> None:
        for name, values in self._columns.items():
            values.append(row[name])
        self._buffered += 1
        if self._buffered >= self.rows_per_group:
            self._flush()

    def extend(self, columns: dict[str, list[Any]], n: int) -> None:
        """Append ``n`` rows given column by column (every column of the schema, ``n`` values each):
        the fast path for the many small rows of a document (its blocks, its lines)."""
        for name, values in self._columns.items():
            values.extend(columns[name])
        self._buffered += n
        if self._buffered >= self.rows_per_group:
            self._flush()

    @property
    def has_rows(self) -> bool:
        return self.rows_written + self._buffered > 0

    def write_table(self, table: pa.Table) -> None:
        """Append a whole Arrow table (columns in any order; cast to the schema)."""
        self._flush()
        self._write(table.select(self.schema.names).cast(self.schema))
        self.rows_written += table.num_rows

    def _open(self) -> Any:
        return pq.ParquetWriter(self._tmp, self.schema, **writer_options(self.schema))

    def _write(self, table: pa.Table) -> None:
        assert self._writer is not None
        self._writer.write_table(table, row_group_size=self.rows_per_group)

    def _flush(self) -> None:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = self._open()
        if self._buffered:
            self._write(pa.Table.from_pydict(self._columns, schema=self.schema))
            self.rows_written += self._buffered
            self._columns = {name: [] for name in self.schema.names}
            self._buffered = 0

    def close(self) -> None:
        """Flush, fsync and rename into place (an empty table still gets a valid file)."""
        self._flush()
        assert self._writer is not None
        self._writer.close()
        if self.durable:
            with open(self._tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop what was written; nothing appears at ``path``."""
        if self._writer is not None:
            self._writer.close()
        self._tmp.unlink(missing_ok=True)
