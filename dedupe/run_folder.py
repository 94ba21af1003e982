"""The run folder ``OUT/_staging/run=<id>/``: every file a run writes before it publishes, as a table.

Stages hand one another files, never documents in memory: :data:`FILES` lists each kind of file
(where it lives, its schema and format, which stage writes it), and :class:`RunFolder` gives
their paths, writers and readers, so no stage joins a path by hand. A file of a batch or a part
is named after it (``{unit}``: ``batch-000003``, ``part-000003``). Two formats:

* ``parquet``: a table of the corpus (the folder ``<table>/`` is moved to ``OUT/<table>/run=<id>/``
  when the run publishes; :data:`~dedupe.schema.TABLES`), written durably;
* ``arrow``: a working file (Arrow IPC, :mod:`dedupe.writers.staging`), read back whole by a later
  stage and never published.

>>> import tempfile
>>> folder = RunFolder(tempfile.mkdtemp())
>>> folder.path("labels", "part-000003").relative_to(folder.root).as_posix()
'labels/part-000003.arrow'
>>> with folder.writer("errors", "part-000003", metadata={}) as w:
...     w.write({"path": "a.bin", "record": None, "stage": "decode", "error": "binary",
...              "message": "binary file", "run_id": "r1"})
>>> folder.units("errors"), folder.read("errors", "part-000003", ["error"]).to_pylist()
(['part-000003'], [{'error': 'binary'}])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from dedupe.dedup.features import FEATURES
from dedupe.schema import BLOCKS, DOCUMENTS, ERRORS, INDEX, INPUTS, SIGNATURES, SITE_CHROME, SITE_LINES
from dedupe.writers.parquet import TableWriter
from dedupe.writers.staging import StagingWriter, read_staged

#: Where every run's folder lives, under the corpus folder.
STAGING: Final = "_staging"

# --- the schemas of the working files ------------------------------------------------------------

#: Blocks while staged carry their line key (computed once, read by the cleaner's site chrome).
STAGED_BLOCKS: Final = BLOCKS.append(pa.field("line_key", pa.int64()))
#: Documents while staged carry the HTML reader's line features (float16, row-major), for the
#: cleaner (an HTML page is not parsed twice).
STAGED_DOCUMENTS: Final = DOCUMENTS.append(pa.field("line_features", pa.binary()))
#: One row per distinct line of each document with a site (input of the chrome learner).
LINE_STATS: Final = pa.schema([
    pa.field("source", pa.string(), nullable=False),
    pa.field("key", pa.int64(), nullable=False),
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("prose", pa.bool_(), nullable=False),
    pa.field("text", pa.string(), nullable=False),
    pa.field("prev_key", pa.int64()),
    pa.field("next_key", pa.int64()),
])
#: The cleaner's label of every block, row for row with the part's staged blocks.
BLOCK_LABELS: Final = pa.schema([
    pa.field("label", pa.string(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
    pa.field("duplicate_of_doc", pa.string()),
    pa.field("duplicate_of_block", pa.int32()),
    pa.field("similarity", pa.float32()),
    pa.field("score", pa.float32()),
])
#: What the cleaner learnt of each document (row for row with the staged documents), and what the
#: keep-order needs.
DOC_FACTS: Final = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("path", pa.string(), nullable=False),
    pa.field("record", pa.int64()),
    pa.field("title", pa.string()),
    pa.field("author", pa.string()),
    pa.field("published", pa.string()),
])
#: The duplicate features of a part's content blocks, with the part and the row of the block in
#: the part's staged blocks (where its decision goes).
STAGED_FEATURES: Final = FEATURES.append(pa.field("part", pa.int32(), nullable=False)).append(
    pa.field("row", pa.int32(), nullable=False))
#: The same in keep-order buckets of the external sort, with the document's rank.
SORTED_FEATURES: Final = STAGED_FEATURES.append(pa.field("rank", pa.int64()))
#: The deduplicator's decisions of one part, addressed by row of the part's staged blocks.
DECISIONS: Final = pa.schema([
    pa.field("row", pa.int32(), nullable=False),
    pa.field("dup_doc", pa.string(), nullable=False),
    pa.field("dup_block", pa.int32(), nullable=False),
    pa.field("similarity", pa.float32(), nullable=False),
    pa.field("reason", pa.string(), nullable=False),
])
#: All decisions of a run before they are split by part.
RUN_DECISIONS: Final = pa.schema([pa.field("part", pa.int32(), nullable=False), *DECISIONS])
#: Per-document duplicate shares of one part.
DOC_STATS: Final = pa.schema([
    pa.field("doc_id", pa.string(), nullable=False),
    pa.field("duplicate_ratio", pa.float32(), nullable=False),
    pa.field("near_duplicate_of", pa.string()),
])


@dataclass(frozen=True)
class RunFile:
    """One kind of file of the run folder."""

    name: str  #: what stages call it
    path: str  #: under the run folder; ``{unit}`` is the batch or part
    format: str  #: ``parquet`` (a corpus table), ``arrow`` (a working file), ``json`` or ``jsonl``
    schema: pa.Schema | None
    written_by: str  #: the stage (or stages) that write it
    about: str


#: Every file of a run folder, in the order a run writes them.
FILES: Final = (
    RunFile("plan", "plan.json", "json", None, "plan", "the run's plan (RunPlan)"),
    RunFile("batch", "batches/{unit}.jsonl", "jsonl", None, "plan", "a batch: its input files"),
    RunFile("inputs", "inputs/{unit}.parquet", "parquet", INPUTS, "plan, read, resolve",
            "every input of a batch and what became of it (part-discover: discovery's)"),
    RunFile("errors", "errors/{unit}.parquet", "parquet", ERRORS, "plan, read",
            "the inputs that could not be used (part-discover: discovery's)"),
    RunFile("staged_documents", "documents/{unit}.arrow", "arrow", STAGED_DOCUMENTS, "read, resolve",
            "a part's documents, unlabelled"),
    RunFile("staged_blocks", "blocks/{unit}.arrow", "arrow", STAGED_BLOCKS, "read, resolve",
            "a part's blocks, unlabelled, with their line keys"),
    RunFile("line_stats", "line_stats/{unit}.arrow", "arrow", LINE_STATS, "read, resolve",
            "the distinct lines of each document with a site"),
    RunFile("site_lines", "site_lines/{unit}.parquet", "parquet", SITE_LINES, "read, resolve",
            "a part's lines counted per site"),
    RunFile("read_counts", "read/{unit}.json", "json", None, "read",
            "what reading a batch counted (the progress bar adds them up)"),
    RunFile("site_chrome", "site_chrome/part-000000.parquet", "parquet", SITE_CHROME, "learn-site-chrome",
            "the lines each site repeats"),
    RunFile("labels", "labels/{unit}.arrow", "arrow", BLOCK_LABELS, "clean",
            "the cleaner's label of every block of a part"),
    RunFile("doc_facts", "doc_facts/{unit}.arrow", "arrow", DOC_FACTS, "clean",
            "title, author and date of a part's documents"),
    RunFile("features", "features/{unit}.arrow", "arrow", STAGED_FEATURES, "clean",
            "the duplicate features of a part's content blocks"),
    RunFile("signatures", "signatures/{unit}.parquet", "parquet", SIGNATURES, "clean",
            "the MinHash of a part's long content blocks"),
    RunFile("sorted_features", "dedup/buckets/{unit}.arrow", "arrow", SORTED_FEATURES, "dedup",
            "a bucket of the external sort into keep-order (removed once read)"),
    RunFile("run_decisions", "dedup/decisions.arrow", "arrow", RUN_DECISIONS, "dedup",
            "every duplicate decision of the run (removed once split by part)"),
    RunFile("decisions", "dedup/decisions/{unit}.arrow", "arrow", DECISIONS, "dedup",
            "the duplicate decisions of a part's blocks"),
    RunFile("doc_stats", "dedup/doc_stats/{unit}.arrow", "arrow", DOC_STATS, "dedup",
            "the duplicate shares of a part's documents"),
    RunFile("index", "index/part-000000.parquet", "parquet", INDEX, "dedup", "the run's kept blocks"),
    RunFile("documents", "documents/{unit}.parquet", "parquet", DOCUMENTS, "assemble",
            "a part's final documents (its staged documents are removed)"),
    RunFile("blocks", "blocks/{unit}.parquet", "parquet", BLOCKS, "assemble",
            "a part's final blocks (its staged blocks are removed)"),
)
FILE: Final = {f.name: f for f in FILES}


class RunFolder:
    """The files of one run folder (:data:`FILES`): their paths, writers and readers."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @classmethod
    def of(cls, out_dir: str | Path, run_id: str) -> RunFolder:
        """The folder of run ``run_id`` of the corpus at ``out_dir``."""
        return cls(Path(out_dir) / STAGING / f"run={run_id}")

    def path(self, name: str, unit: str = "") -> Path:
        """The file ``name`` of ``unit`` (a batch or a part; none for a file of the whole run)."""
        return self.root / FILE[name].path.format(unit=unit)

    def folder(self, name: str) -> Path:
        """The folder that holds the files ``name``."""
        return self.root / Path(FILE[name].path).parent

    def units(self, name: str) -> list[str]:
        """The batches or parts that have a file ``name``, sorted (``part-000000``...)."""
        pattern = Path(FILE[name].path).name.replace("{unit}", "*")
        prefix, suffix = pattern.split("*")
        return sorted(p.name[len(prefix):len(p.name) - len(suffix)] for p in self.folder(name).glob(pattern))

    def exists(self, name: str, unit: str = "") -> bool:
        return self.path(name, unit).exists()

    def writer(self, name: str, unit: str = "", *, metadata: dict[str, str],
               rows_per_group: int | None = None, schema: pa.Schema | None = None) -> TableWriter:
        """The writer of the file ``name`` of ``unit`` (it appears atomically when closed)."""
        spec = FILE[name]
        table_schema = schema if schema is not None else spec.schema
        if table_schema is None:
            raise ValueError(f"{name} is not a table")
        path = self.path(name, unit)
        if spec.format == "arrow":
            return StagingWriter(path, table_schema, table=name, metadata=metadata,
                                 rows_per_group=rows_per_group or StagingWriter.ROWS_PER_GROUP)
        return TableWriter(path, table_schema, table=name, metadata=metadata,
                           rows_per_group=rows_per_group or TableWriter.ROWS_PER_GROUP)

    def read(self, name: str, unit: str = "", columns: list[str] | None = None) -> pa.Table:
        """The table of the file ``name`` of ``unit`` (only ``columns``, when given)."""
        path = self.path(name, unit)
        if FILE[name].format == "arrow":
            return read_staged(path, columns)
        return pq.read_table(path, columns=columns)

