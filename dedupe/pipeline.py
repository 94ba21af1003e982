"""The stages of a run, as plain functions over paths. The Prefect flow in ``flows/`` calls them.

A run goes through these stages, each handing the next only small things (paths, counts):

1. :func:`plan_run` finds the input files and writes them as batch manifests into the run's staging
   folder ``OUT/_staging/run=<id>/``.
2. :func:`process_batch` (once per batch, in parallel) reads, decodes, extracts and segments the
   batch's documents into staged Parquet parts, with the line statistics of each site.
3. :func:`resolve_run` makes documents unique across batches (the same text under two paths).
4. :func:`learn_site_chrome` finds, from the line statistics, the lines each site repeats.
5. :func:`finalize_batch` (once per part, in parallel) labels every block (cleaning) and rewrites
   the part.
6. :func:`dedup_run` decides, over the whole run in keep-order, which content blocks duplicate an
   earlier one; :func:`apply_dedup` (once per part, in parallel) labels them.
7. :func:`publish_run` moves each staged table to ``OUT/<table>/run=<id>/`` by renaming it.

Nothing under ``OUT/<table>/`` is ever written in place, so readers never see a partial file.
:func:`run_pipeline` chains the stages in one process, without Prefect.

>>> import tempfile
>>> out = tempfile.mkdtemp()
>>> summary = run_pipeline(["seeds"], out)
>>> summary.documents
5
"""

from __future__ import annotations

import contextlib
import json
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedupe.clean.cleaner import clean_document
from dedupe.clean.site import chrome_keys, chrome_lines, line_counts
from dedupe.corpus import (
    CorpusLock,
    Manifest,
    begin_publish,
    committed_files,
    end_publish,
    recover,
    remove_abandoned_staging,
)
from dedupe.dedup.deduplicator import Decision, Deduplicator, DocumentStats
from dedupe.dedup.order import document_order
from dedupe.document import LABELS, Block, Document, InputError, InputFile
from dedupe.parallel import map_in_processes
from dedupe.readers.corpus import read_documents
from dedupe.readers.discover import discover
from dedupe.readers.formats import read_input
from dedupe.schema import (
    BLOCKS,
    DECISIONS,
    DOC_STATS,
    DOCUMENTS,
    INDEX,
    SIGNATURES,
    SITE_CHROME,
    SITE_LINES,
    TABLES,
)
from dedupe.segment import segment
from dedupe.settings import Settings
from dedupe.writers.corpus import PART_TABLES, CorpusPartWriter, write_document
from dedupe.writers.parquet import TableWriter, fsync_dir

STAGING = "_staging"


def new_run_id(now: datetime | None = None) -> str:
    """A sortable, unique run id such as ``20261121T192033.123456Z-3f9a1c``."""
    now = now or datetime.now(UTC)
    # Microseconds: two runs started within one second still sort in start order.
    return f"{now:%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(3)}"


@dataclass
class RunPlan:
    """What a run will do; small enough to pass between Prefect tasks."""

    run_id: str
    out_dir: str
    staging_dir: str
    batches: list[str]  #: paths of the batch manifests (JSON Lines of input files)
    n_files: int
    n_discovery_errors: int
    settings: Settings = field(default_factory=Settings)
    n_unchanged: int = 0  #: input files skipped: already in the corpus, same size and time


@contextlib.contextmanager
def open_corpus(out_dir: str | Path, settings: Settings) -> Iterator[None]:
    """Hold the corpus for a run: the lock, then recovery of a run that died while publishing and
    removal of abandoned staging folders."""
    with CorpusLock(out_dir, timeout=settings.lock_timeout):
        recover(out_dir)
        remove_abandoned_staging(out_dir)
        yield


def committed_inputs(out_dir: str | Path) -> set[tuple[str, int, int]]:
    """``(path, size, mtime_ns)`` of every input file of the committed runs."""
    files = committed_files(out_dir, "inputs")
    if not files:
        return set()
    table = pq.ParquetDataset(files).read(columns=["path", "size", "mtime_ns"])
    return set(zip(table["path"].to_pylist(), table["size"].to_pylist(), table["mtime_ns"].to_pylist(),
                   strict=True))


def committed_doc_ids(out_dir: str | Path) -> set[str]:
    files = committed_files(out_dir, "documents")
    if not files:
        return set()
    return set(pq.ParquetDataset(files).read(columns=["doc_id"])["doc_id"].to_pylist())


@dataclass
class BatchResult:
    """Counts of one processed batch."""

    batch: str
    part: str = ""
    files: int = 0
    documents: int = 0
    same_as_earlier: int = 0
    blocks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class RunSummary:
    """What a run did, for the CLI's table and for scripts."""

    run_id: str
    out_dir: str
    files: int = 0
    unchanged: int = 0  #: input files skipped: already in the corpus
    documents: int = 0
    same_as_earlier: int = 0
    blocks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def n_errors(self) -> int:
        return sum(self.errors.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"n_errors": self.n_errors}


def staging_dir(out_dir: str | Path, run_id: str) -> Path:
    return Path(out_dir) / STAGING / f"run={run_id}"


def _metadata(run_id: str, settings: Settings) -> dict[str, str]:
    return {"settings": settings.to_json(), "run_id": run_id}


# --- plan -----------------------------------------------------------------------------------------

def plan_run(inputs: Sequence[str | Path], out_dir: str | Path, settings: Settings | None = None,
             run_id: str | None = None) -> RunPlan:
    """Discover the inputs and write batch manifests of ``settings.batch_files`` files each."""
    settings = settings or Settings()
    run_id = run_id or new_run_id()
    stage = staging_dir(out_dir, run_id)
    (stage / "batches").mkdir(parents=True, exist_ok=False)
    batches: list[str] = []
    current: list[InputFile] = []
    n_files = n_unchanged = 0
    discovery_errors: list[InputError] = []
    done_before = committed_inputs(out_dir)

    def flush() -> None:
        manifest = stage / "batches" / f"batch-{len(batches):06d}.jsonl"
        manifest.write_text("".join(json.dumps(asdict(f)) + "\n" for f in current), encoding="utf-8")
        batches.append(str(manifest))
        current.clear()

    for item in discover([str(i) for i in inputs]):
        if isinstance(item, InputError):
            discovery_errors.append(item)
            continue
        if (item.rel_path, item.size, item.mtime_ns) in done_before:
            n_unchanged += 1  # read by an earlier run and not touched since
            continue
        current.append(item)
        n_files += 1
        if len(current) >= settings.batch_files:
            flush()
    if current:
        flush()
    with CorpusPartWriter(stage, "part-discover", run_id=run_id,
                          metadata=_metadata(run_id, settings)) as part:
        for err in discovery_errors:
            part.write_error(err, size=0, mtime_ns=0)
    plan = RunPlan(run_id=run_id, out_dir=str(out_dir), staging_dir=str(stage), batches=batches,
                   n_files=n_files, n_discovery_errors=len(discovery_errors), settings=settings,
                   n_unchanged=n_unchanged)
    (stage / "plan.json").write_text(json.dumps(asdict(plan), indent=1), encoding="utf-8")
    return plan


# --- read (per batch) -----------------------------------------------------------------------------

def segment_document(doc: Document, settings: Settings) -> Document:
    """Give ``doc`` its blocks: every block starts as ``content`` until a cleaner decides otherwise."""
    base = doc.base_text
    doc.blocks = [
        Block(idx=i, start=s, end=e, text=base[s:e])
        for i, (s, e) in enumerate(segment(base, max_block_chars=settings.max_block_chars,
                                           target_block_chars=settings.target_block_chars))
    ]
    return doc


#: The per-document steps while reading a batch (cleaning and duplicates need the whole run: later).
DOCUMENT_STEPS = (segment_document,)


def _read_manifest(path: str | Path) -> list[InputFile]:
    with open(path, encoding="utf-8") as fh:
        return [InputFile(**json.loads(line)) for line in fh if line.strip()]


def process_batch(manifest: str | Path, run_id: str, settings: Settings | None = None) -> BatchResult:
    """Read, decode, extract and segment the files of one batch into staged Parquet parts.

    Blocks are all ``content`` here; :func:`finalize_batch` labels them once the whole run has been
    seen (site chrome needs every page of a site).
    """
    settings = settings or Settings()
    started = time.perf_counter()
    manifest = Path(manifest)
    stage = manifest.parent.parent
    name = manifest.stem.replace("batch-", "part-")
    result = BatchResult(batch=manifest.name, part=name)
    seen: set[str] = set()
    with CorpusPartWriter(stage, name, run_id=run_id, metadata=_metadata(run_id, settings),
                          rows_per_group=settings.rows_per_group) as part:
        for f in _read_manifest(manifest):
            result.files += 1
            for item in read_input(f, settings):
                if isinstance(item, InputError):
                    part.write_error(item, size=f.size, mtime_ns=f.mtime_ns)
                    result.errors[item.error] = result.errors.get(item.error, 0) + 1
                    continue
                if item.doc_id in seen:
                    part.write_input(item.path, item.record, size=f.size, mtime_ns=f.mtime_ns,
                                     doc_id=item.doc_id, status="same_as_earlier")
                    result.same_as_earlier += 1
                    continue
                seen.add(item.doc_id)
                doc = item
                for step in DOCUMENT_STEPS:
                    doc = step(doc, settings)
                part.write_document(doc, size=f.size, mtime_ns=f.mtime_ns)
                part.write_line_stats(doc)
                result.documents += 1
    result.seconds = time.perf_counter() - started
    done = stage / "done"
    done.mkdir(exist_ok=True)
    (done / f"{manifest.stem}.json").write_text(json.dumps(asdict(result)), encoding="utf-8")
    return result


# --- resolve --------------------------------------------------------------------------------------

def _staged_parts(stage: Path, table: str) -> list[Path]:
    return sorted((stage / table).glob("part-*.parquet"))


def _rewrite(path: Path, table: str, plan: RunPlan, transform: Callable[[pa.Table], pa.Table]) -> None:
    """Rewrite one staged part through ``transform`` (atomically, like every write)."""
    data = transform(pq.read_table(path))
    with TableWriter(path, PART_TABLES[table], table=table, metadata=_metadata(plan.run_id, plan.settings),
                     rows_per_group=plan.settings.rows_per_group) as writer:
        writer.write_table(data)


def resolve_run(plan: RunPlan) -> int:
    """Keep one document per ``doc_id`` across batches and runs (the first in input order).

    Within a batch this is done while reading; here only batches that repeat an earlier batch's
    document are rewritten. Returns how many inputs turned out to repeat an earlier one.
    """
    stage = Path(plan.staging_dir)
    seen = committed_doc_ids(plan.out_dir)  # a document already in the corpus is not added again
    repeats = 0
    for part in _staged_parts(stage, "documents"):
        ids = pq.read_table(part, columns=["doc_id"]).column("doc_id").to_pylist()
        repeated = pa.array(sorted({i for i in ids if i in seen}), pa.string())
        seen.update(ids)
        if not len(repeated):
            continue
        repeats += len(repeated)

        def drop_repeated(t: pa.Table, repeated: pa.Array = repeated) -> pa.Table:
            return t.filter(pc.invert(pc.is_in(t["doc_id"], value_set=repeated)))

        def mark_repeated(t: pa.Table, repeated: pa.Array = repeated) -> pa.Table:
            hit = pc.and_(pc.equal(t["status"], "document"),
                          pc.fill_null(pc.is_in(t["doc_id"], value_set=repeated), False))
            status = pc.if_else(hit, "same_as_earlier", t["status"])
            return t.set_column(t.schema.get_field_index("status"), "status", status)

        _rewrite(part, "documents", plan, drop_repeated)
        _rewrite(stage / "blocks" / part.name, "blocks", plan, drop_repeated)
        if (stage / "linestats" / part.name).exists():
            _rewrite(stage / "linestats" / part.name, "linestats", plan, drop_repeated)
        _rewrite(stage / "inputs" / part.name, "inputs", plan, mark_repeated)
    return repeats


# --- learn site chrome, clean (per part) ----------------------------------------------------------

def learn_site_chrome(plan: RunPlan) -> int:
    """Aggregate the staged line statistics into the ``site_chrome`` table; return its size.

    A line is chrome on a site when it is on ``site_chrome_min_docs`` of the site's documents
    (``site_chrome_prose_min_docs`` for running text: the syndication guard).
    """
    stage = Path(plan.staging_dir)
    parts = _staged_parts(stage, "linestats")
    s = plan.settings
    meta = _metadata(plan.run_id, s)
    chrome = pa.table({"source": pa.array([], pa.string()), "key": pa.array([], pa.int64()),
                       "text": pa.array([], pa.string()), "n_docs": pa.array([], pa.int32())})
    counts = None
    if parts and s.clean:
        stats = pq.ParquetDataset(parts).read()
        prior_files = committed_files(plan.out_dir, "site_lines")
        prior = pq.ParquetDataset(prior_files).read() if prior_files else None
        chrome = chrome_lines(stats, min_docs=s.site_chrome_min_docs,
                              prose_min_docs=s.site_chrome_prose_min_docs, prior=prior)
        counts = line_counts(stats)
    with TableWriter(stage / "site_lines" / "part-000000.parquet", SITE_LINES, table="site_lines",
                     metadata=meta) as writer:
        if counts is not None:
            writer.write_table(counts.append_column("run_id", pa.array([plan.run_id] * counts.num_rows,
                                                                       pa.string())))
    with TableWriter(stage / "site_chrome" / "part-000000.parquet", SITE_CHROME, table="site_chrome",
                     metadata=meta) as writer:
        writer.write_table(chrome.append_column("run_id", pa.array([plan.run_id] * chrome.num_rows,
                                                                   pa.string())))
    return int(chrome.num_rows)


def _committed_index(plan: RunPlan, layout: dict[str, int]) -> pa.Table | None:
    """The duplicate index of the committed runs, checked to be comparable with this run's."""
    files = committed_files(plan.out_dir, "index")
    if not files:
        return None
    for path in files[:1] + files[-1:]:
        stored = json.loads((pq.read_schema(path).metadata or {}).get(b"dedupe.index_layout", b"{}"))
        if stored and stored != layout:
            raise ValueError(f"the corpus {plan.out_dir} was deduplicated with {stored}; this run uses "
                             f"{layout}: run with the corpus's settings, or write a new corpus")
    return pq.ParquetDataset(files).read(columns=["doc_id", "block_idx", "exact_key", "band_keys",
                                                  "anchors", "shingles"])


def _site_chrome(stage: Path) -> dict[str, frozenset[int]]:
    path = stage / "site_chrome" / "part-000000.parquet"
    return chrome_keys(pq.read_table(path, columns=["source", "key"])) if path.exists() else {}


def _rewrite_part(plan: RunPlan, part: str, transform: Callable[[Document], Document]) -> BatchResult:
    """Pass every document of a staged part through ``transform`` and rewrite the part."""
    started = time.perf_counter()
    stage = Path(plan.staging_dir)
    docs_path = stage / "documents" / f"{part}.parquet"
    blocks_path = stage / "blocks" / f"{part}.parquet"
    result = BatchResult(batch=part, part=part)
    if not docs_path.exists():
        return result
    meta = _metadata(plan.run_id, plan.settings)
    rows = plan.settings.rows_per_group
    # Written beside the staged part, then renamed over it: the staged part is intact until then.
    new_docs = docs_path.with_name(f"{part}.new.parquet")
    new_blocks = blocks_path.with_name(f"{part}.new.parquet")
    with TableWriter(new_docs, DOCUMENTS, table="documents", metadata=meta, rows_per_group=rows) as dw, \
            TableWriter(new_blocks, BLOCKS, table="blocks", metadata=meta, rows_per_group=rows * 32) as bw:
        for doc in read_documents(docs_path, blocks_path, batch_size=rows):
            doc = transform(doc)
            write_document(dw, bw, doc, plan.run_id)
            result.documents += 1
            for label, n in doc.label_counts().items():
                result.blocks[label] += n
    new_docs.replace(docs_path)
    new_blocks.replace(blocks_path)
    result.seconds = time.perf_counter() - started
    return result


def finalize_batch(plan: RunPlan, part: str) -> BatchResult:
    """Label every block of one staged part (cleaning) and rewrite its documents and blocks."""
    if not plan.settings.clean:
        return _rewrite_part(plan, part, lambda doc: doc)
    site_chrome = _site_chrome(Path(plan.staging_dir))
    return _rewrite_part(plan, part, lambda doc: clean_document(doc, plan.settings,
                                                                  site_chrome.get(doc.source, ())))


# --- duplicates -----------------------------------------------------------------------------------

def dedup_run(plan: RunPlan) -> int:
    """Decide, over the whole run, which content blocks duplicate an earlier kept block.

    Documents are taken in keep-order (:func:`dedupe.dedup.order.document_order`); the decisions,
    the per-document duplicate shares and the signatures are staged for :func:`apply_dedup`.
    Returns the number of duplicate blocks.
    """
    stage = Path(plan.staging_dir)
    dedup_dir = stage / "dedup"
    dedup_dir.mkdir(exist_ok=True)
    meta = _metadata(plan.run_id, plan.settings)
    doc_parts = _staged_parts(stage, "documents")
    decisions: list[Decision] = []
    stats: dict[str, DocumentStats] = {}
    kept: pa.Table | None = None
    layout: dict[str, int] = {}
    with TableWriter(stage / "signatures" / "part-000000.parquet", SIGNATURES, table="signatures",
                     metadata=meta) as sig_writer:
        if plan.settings.dedup and doc_parts:
            docs = pa.concat_tables(pq.read_table(p, columns=["doc_id", "path", "record", "published"])
                                    for p in doc_parts)
            order = document_order(zip(*(docs[c].to_pylist() for c in docs.column_names), strict=True))
            buckets = _content_in_keep_order(stage, order, plan.settings.dedup_bucket_docs)

            def write_signatures(doc_ids: list[str], block_idxs: list[int], sigs: np.ndarray) -> None:
                sig_writer.write_table(pa.table({
                    "doc_id": doc_ids, "block_idx": pa.array(block_idxs, pa.int32()),
                    "minhash": pa.ListArray.from_arrays(
                        np.arange(0, sigs.size + 1, sigs.shape[1], dtype=np.int32), sigs.reshape(-1)),
                    "run_id": [plan.run_id] * len(doc_ids)}))

            deduplicator = Deduplicator(plan.settings, on_signatures=write_signatures)
            if (prior := _committed_index(plan, deduplicator.layout)) is not None:
                deduplicator.preload(prior)  # earlier runs' kept blocks stay kept
            for bucket in buckets:
                for doc_id, doc_blocks in _grouped(bucket):
                    deduplicator.add(doc_id, doc_blocks)
            decisions = deduplicator.finish()
            stats = deduplicator.document_stats()
            kept = deduplicator.kept_index()
            layout = deduplicator.layout
    with TableWriter(stage / "index" / "part-000000.parquet", INDEX, table="index",
                     metadata=meta | {"index_layout": json.dumps(layout)}) as w:
        if kept is not None:
            w.write_table(kept.append_column("run_id", pa.array([plan.run_id] * kept.num_rows, pa.string())))
    with TableWriter(dedup_dir / "decisions.parquet", DECISIONS, table="decisions", metadata=meta) as w:
        w.write_table(pa.Table.from_pylist([asdict(d) for d in decisions], schema=DECISIONS))
    with TableWriter(dedup_dir / "documents.parquet", DOC_STATS, table="doc_stats", metadata=meta) as w:
        w.write_table(pa.Table.from_pylist([{"doc_id": k, **asdict(v)} for k, v in stats.items()],
                                           schema=DOC_STATS))
    return len(decisions)


def _content_in_keep_order(stage: Path, order: list[str], bucket_docs: int) -> Iterator[pa.Table]:
    """The content blocks of the run in keep-order, a bounded bucket at a time (an external sort).

    Each staged part is read once and its blocks are appended to the bucket of their document's
    rank (``bucket_docs`` documents per bucket, one Parquet file each); the buckets are then read
    back in order and sorted in memory. Memory holds one part or one bucket, never the run.
    """
    ranks = pa.array(order, pa.string())
    sort_dir = stage / "dedup" / "buckets"
    writers: dict[int, pq.ParquetWriter] = {}
    schema = pa.schema([("doc_id", pa.string()), ("block_idx", pa.int32()), ("text", pa.large_string()),
                        ("rank", pa.int64())])
    try:
        for part in _staged_parts(stage, "blocks"):
            blocks = pq.read_table(part, columns=["doc_id", "block_idx", "text"],
                                   filters=[("label", "=", "content")])
            rank = pc.cast(pc.index_in(blocks["doc_id"], value_set=ranks), pa.int64())
            blocks = blocks.append_column("rank", rank).cast(schema)
            bucket_of = pc.divide(rank, bucket_docs)  # integer division of int64
            for bucket in pc.unique(bucket_of).to_pylist():
                if bucket not in writers:
                    sort_dir.mkdir(parents=True, exist_ok=True)
                    writers[bucket] = pq.ParquetWriter(sort_dir / f"{bucket:08d}.parquet", schema)
                writers[bucket].write_table(blocks.filter(pc.equal(bucket_of, bucket)))
    finally:
        for writer in writers.values():
            writer.close()
    for bucket in sorted(writers):
        path = sort_dir / f"{bucket:08d}.parquet"
        yield pq.read_table(path).sort_by([("rank", "ascending"), ("block_idx", "ascending")])
        path.unlink()


def _grouped(blocks: pa.Table) -> Iterator[tuple[str, list[tuple[int, str]]]]:
    """``(doc_id, [(block_idx, text)...])`` of a table sorted by document."""
    current: str | None = None
    group: list[tuple[int, str]] = []
    for batch in blocks.to_batches(max_chunksize=65536):
        for doc_id, block_idx, text in zip(batch["doc_id"].to_pylist(), batch["block_idx"].to_pylist(),
                                           batch["text"].to_pylist(), strict=True):
            if doc_id != current:
                if current is not None:
                    yield current, group
                current, group = doc_id, []
            group.append((block_idx, text))
    if current is not None:
        yield current, group


def apply_dedup(plan: RunPlan, part: str) -> BatchResult:
    """Label the duplicates of one staged part and set its documents' duplicate shares."""
    dedup_dir = Path(plan.staging_dir) / "dedup"
    decisions = {(d["doc_id"], d["block_idx"]): d
                 for d in pq.read_table(dedup_dir / "decisions.parquet").to_pylist()}
    stats = {d["doc_id"]: d for d in pq.read_table(dedup_dir / "documents.parquet").to_pylist()}

    def apply(doc: Document) -> Document:
        for b in doc.blocks:
            d = decisions.get((doc.doc_id, b.idx))
            if d is not None and b.label == "content":
                b.label, b.reason = "duplicate", f"duplicate:{d['reason']}"
                b.duplicate_of_doc, b.duplicate_of_block = d["dup_doc"], d["dup_block"]
                b.similarity = d["similarity"]
        if (st := stats.get(doc.doc_id)) is not None:
            doc.duplicate_ratio, doc.near_duplicate_of = st["duplicate_ratio"], st["near_duplicate_of"]
        return doc

    return _rewrite_part(plan, part, apply)


def read_batches(plan: RunPlan) -> list[BatchResult]:
    """:func:`process_batch` over every batch of the plan, on every core."""
    return map_in_processes(partial(process_batch, run_id=plan.run_id, settings=plan.settings),
                            plan.batches, plan.settings.workers)


def clean_parts(plan: RunPlan) -> list[BatchResult]:
    """:func:`finalize_batch` over every staged part, on every core."""
    return map_in_processes(partial(finalize_batch, plan), staged_parts(plan), plan.settings.workers)


def label_duplicates(plan: RunPlan) -> list[BatchResult]:
    """:func:`apply_dedup` over every staged part, on every core."""
    return map_in_processes(partial(apply_dedup, plan), staged_parts(plan), plan.settings.workers)


def staged_parts(plan: RunPlan) -> list[str]:
    """Names of the staged document parts (``part-000000``...), the units of :func:`finalize_batch`."""
    return [p.stem for p in _staged_parts(Path(plan.staging_dir), "documents")]


# --- summary and publish --------------------------------------------------------------------------

def summarize(plan: RunPlan, read: Iterable[BatchResult], labelled: Iterable[BatchResult],
              repeats: int, seconds: float) -> RunSummary:
    """Counts of the run: files and errors from reading, block labels from labelling."""
    summary = RunSummary(run_id=plan.run_id, out_dir=plan.out_dir, files=plan.n_files,
                         unchanged=plan.n_unchanged, seconds=seconds)
    errors: Counter[str] = Counter()
    for r in read:
        summary.documents += r.documents
        summary.same_as_earlier += r.same_as_earlier
        errors.update(r.errors)
    for r in labelled:
        for label, n in r.blocks.items():
            summary.blocks[label] += n
    if plan.n_discovery_errors:
        table = pq.read_table(Path(plan.staging_dir) / "errors" / "part-discover.parquet",
                              columns=["error"])
        errors.update(table.column("error").to_pylist())
    summary.errors = dict(sorted(errors.items()))
    summary.documents -= repeats
    summary.same_as_earlier += repeats
    return summary


def has_news(plan: RunPlan) -> bool:
    """Whether the run found anything to add (a new or changed input, or an input error)."""
    return plan.n_files > 0 or plan.n_discovery_errors > 0


def publish_run(plan: RunPlan, summary: RunSummary | None = None) -> Path:
    """Move every staged table into ``OUT/<table>/run=<id>/`` and commit the run.

    The intent is recorded first (``_corpus/pending.json``); each table's partition then appears
    with one ``rename`` (``documents`` last); the new manifest, renamed into place, is the commit.
    A crash before it leaves partitions the manifest does not list, removed by the next run.
    A run with nothing new publishes nothing.
    """
    stage = Path(plan.staging_dir)
    out = Path(plan.out_dir)
    if not has_news(plan):
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            stage.parent.rmdir()
        return out
    begin_publish(out, plan.run_id, list(TABLES))
    for table, schema in TABLES.items():
        staged = stage / table
        if not any(staged.glob("*.parquet")):
            # An empty partition still holds a file, so globs and schema inference never fail.
            with TableWriter(staged / "part-empty.parquet", schema, table=table,
                             metadata=_metadata(plan.run_id, plan.settings)):
                pass
        target = out / table / f"run={plan.run_id}"
        target.parent.mkdir(parents=True, exist_ok=True)
        staged.rename(target)
        fsync_dir(target.parent)
    record: dict[str, Any] = {"run_id": plan.run_id, "committed": datetime.now(UTC).isoformat()}
    if summary is not None:
        record |= {"files": summary.files, "documents": summary.documents, "blocks": summary.blocks,
                   "errors": summary.n_errors}
    Manifest.load(out).commit(out, record)
    end_publish(out)
    shutil.rmtree(stage)
    with contextlib.suppress(OSError):
        stage.parent.rmdir()  # only when no other run is staging
    return out


def run_pipeline(inputs: Sequence[str | Path], out_dir: str | Path, settings: Settings | None = None,
                 run_id: str | None = None) -> RunSummary:
    """All stages in this process, without Prefect (for notebooks, tests and debugging)."""
    started = time.perf_counter()
    settings = settings or Settings()
    with open_corpus(out_dir, settings):
        plan = plan_run(inputs, out_dir, settings, run_id)
        read = read_batches(plan)
        repeats = resolve_run(plan)
        learn_site_chrome(plan)
        clean_parts(plan)
        dedup_run(plan)
        labelled = label_duplicates(plan)
        summary = summarize(plan, read, labelled, repeats, time.perf_counter() - started)
        publish_run(plan, summary)
    return summary
