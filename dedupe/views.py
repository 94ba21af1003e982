"""The committed corpus as SQL views, for DuckDB: one view per table over the committed files only,
with the contract's descriptions as comments on every view and column.

Every commit writes them to ``OUT/_corpus/views.sql``; ``dedupe sql OUT "select ..."`` runs a query
over them, and any DuckDB opens them with ``duckdb -init OUT/_corpus/views.sql`` (or, in Python,
``con.execute(open(...).read())``). A view lists the files of committed runs, so a run being
published, a partition of no run or another table's files never show up in it.

>>> import tempfile
>>> views_sql(tempfile.mkdtemp()).startswith("-- dedupe corpus")
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dedupe.corpus import STATE_DIR, committed_files, write_text_atomically
from dedupe.schema import DESCRIPTIONS, SCHEMA_VERSION, TABLES

VIEWS_FILE = "views.sql"
RUN_COMMENT = "The `run=` partition the file lies in: the same as `run_id`."


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def views_sql(out_dir: str | Path) -> str:
    """``CREATE VIEW`` and ``COMMENT`` statements for every table with committed files."""
    out = Path(out_dir).resolve()
    lines = [f"-- dedupe corpus {out}, output contract v{SCHEMA_VERSION}: one view per table over the "
             "files of committed runs (rewritten at every commit)."]
    for table, schema in TABLES.items():
        files = committed_files(out, table)
        if not files:
            continue
        listed = ", ".join(_quoted(str(Path(f).resolve())) for f in files)
        lines.append(f"CREATE OR REPLACE VIEW {table} AS SELECT * FROM read_parquet([{listed}], "
                     "hive_partitioning = true);")
        lines.append(f"COMMENT ON VIEW {table} IS {_quoted(DESCRIPTIONS[table])};")
        for field in schema:
            description = (field.metadata or {}).get(b"description", b"").decode()
            lines.append(f'COMMENT ON COLUMN {table}."{field.name}" IS {_quoted(description)};')
        lines.append(f"COMMENT ON COLUMN {table}.run IS {_quoted(RUN_COMMENT)};")
    return "\n".join(lines) + "\n"


def write_views(out_dir: str | Path) -> Path:
    """Write :func:`views_sql` to ``OUT/_corpus/views.sql`` (atomically) and return its path."""
    path = Path(out_dir) / STATE_DIR / VIEWS_FILE
    text = views_sql(out_dir)
    if not path.exists() or path.read_text(encoding="utf-8") != text:  # a run with nothing new writes nothing
        write_text_atomically(path, text)
    return path


def connect(out_dir: str | Path) -> Any:
    """A DuckDB connection with the corpus's views (:func:`views_sql`)."""
    import duckdb

    con = duckdb.connect()
    con.execute(views_sql(out_dir))
    return con
