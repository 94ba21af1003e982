"""The stages of a run, as plain functions over paths. The Prefect flow in ``flows/`` calls them.

A run goes through these stages, each handing the next only small things (paths, counts):

1. :func:`plan_run` finds the input files and writes them as batch manifests into the run's staging
   folder ``OUT/_staging/run=<id>/``.
2. :func:`process_batch` (once per batch, in parallel) reads, decodes, extracts and segments the
   batch's documents into staged working files (:mod:`dedupe.writers.staging`), with the line
   statistics of each site and their counts (:func:`count_lines`).
3. :func:`resolve_run` makes documents unique across batches (the same text under two paths).
4. :func:`learn_site_chrome` finds, from the parts' line counts, the lines each site repeats.
5. :func:`clean_part` (once per part, in parallel) labels every block (cleaning) and computes the
   duplicate features of its content blocks (signatures, band keys, shingle sets); only the labels
   and features are staged, the part itself is not rewritten.
6. :func:`dedup_run` decides, over the whole run in keep-order, which content blocks duplicate an
   earlier one, from the features alone (no text).
7. :func:`assemble_part` (once per part, in parallel) applies labels and decisions to the staged
   text with column operations and writes the part's final documents and blocks.
8. :func:`publish_run` moves each staged table to ``OUT/<table>/run=<id>/`` by renaming it;
   the run's HTML report (:mod:`dedupe.html_report`) is then written to ``OUT/_reports/``.

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
import itertools
import json
import secrets
import shutil
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from dedupe.clean.cleaner import clean_documents
from dedupe.clean.site import chrome_keys, chrome_lines, line_counts, line_key, line_stats
from dedupe.corpus import (
    CorpusLock,
    Manifest,
    begin_publish,
    committed_files,
    end_publish,
    move_into_place,
    read_committed,
    recover,
    remove_abandoned_staging,
)
from dedupe.dates import parse_published
from dedupe.dedup.deduplicator import Deduplicator, DocumentStats
from dedupe.dedup.features import FEATURES, FeatureComputer
from dedupe.dedup.order import document_order
from dedupe.document import LABELS, Block, Document, InputError, InputFile
from dedupe.html_report import write_html_report
from dedupe.parallel import (
    BackgroundSink,
    map_in_processes,
    prefetched,
    release_memory,
    start_workers,
    stop_workers,
)
from dedupe.readers.corpus import read_documents
from dedupe.readers.discover import discover
from dedupe.readers.formats import read_input
from dedupe.schema import (
    BLOCK_LABELS,
    BLOCKS,
    DECISIONS,
    DOC_FACTS,
    DOC_STATS,
    DOCUMENTS,
    INDEX,
    SCHEMA_VERSION,
    SIGNATURES,
    SITE_CHROME,
    SITE_LINES,
    TABLES,
)
from dedupe.segment import segment
from dedupe.settings import Settings
from dedupe.verify import describe_files, quick_check
from dedupe.views import write_views
from dedupe.writers.corpus import STAGED_TABLES, CorpusPartWriter, part_writer
from dedupe.writers.parquet import TableWriter
from dedupe.writers.staging import SUFFIX, StagingWriter, read_staged

STAGING = "_staging"
#: Staged features carry the part and the row of the block in the part's staged blocks.
FEATURES_STAGED = FEATURES.append(pa.field("part", pa.int32(), nullable=False)).append(
    pa.field("row", pa.int32(), nullable=False))
#: All decisions of a run before they are split by part.
DECISIONS_ALL = pa.schema([pa.field("part", pa.int32(), nullable=False), *DECISIONS])


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
    #: When the run started (ISO 8601, UTC): the ``added`` of its documents.
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat())


@contextlib.contextmanager
def open_corpus(out_dir: str | Path, settings: Settings) -> Iterator[None]:
    """Hold the corpus for a run: the lock, then recovery of a run that died while publishing and
    removal of abandoned staging folders."""
    with CorpusLock(out_dir, timeout=settings.lock_timeout):
        if recover(out_dir) is None and (Path(out_dir) / "_corpus" / "manifest.json").exists():
            write_views(out_dir)  # a run rolled forward (or none pending): the views follow the manifest
        remove_abandoned_staging(out_dir)
        quick_check(out_dir)  # never build on a damaged corpus
        yield


def committed_inputs(out_dir: str | Path) -> set[tuple[str, int, int]]:
    """``(path, size, mtime_ns)`` of every input file of the committed runs."""
    files = committed_files(out_dir, "inputs")
    if not files:
        return set()
    table = read_committed(files, ["path", "size", "mtime_ns"])
    return set(zip(table["path"].to_pylist(), table["size"].to_pylist(), table["mtime_ns"].to_pylist(),
                   strict=True))


def committed_doc_ids(out_dir: str | Path) -> set[str]:
    files = committed_files(out_dir, "documents")
    if not files:
        return set()
    return set(read_committed(files, ["doc_id"])["doc_id"].to_pylist())


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
        manifest.write_text("".join(json.dumps(vars(f)) + "\n" for f in current), encoding="utf-8")
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


def key_lines(doc: Document, settings: Settings) -> Document:
    """Give each block of a document with a site its :func:`~dedupe.clean.site.line_key`: the site
    chrome learner counts lines by it and the cleaner matches them by it (computed once, here)."""
    if doc.source:
        for block in doc.blocks:
            block.line_key = line_key(block.text)
    return doc


#: The per-document steps while reading a batch (cleaning and duplicates need the whole run: later).
DOCUMENT_STEPS = (segment_document, key_lines)


def _read_manifest(path: str | Path) -> list[InputFile]:
    with open(path, encoding="utf-8") as fh:
        return [InputFile(**json.loads(line)) for line in fh if line.strip()]


def process_batch(manifest: str | Path, run_id: str, settings: Settings | None = None) -> BatchResult:
    """Read, decode, extract and segment the files of one batch into staged working files.

    Blocks are all ``content`` here; :func:`clean_part` labels them once the whole run has been
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
                result.documents += 1
    count_lines(stage, name, run_id, settings)
    result.seconds = time.perf_counter() - started
    done = stage / "done"
    done.mkdir(exist_ok=True)
    (done / f"{manifest.stem}.json").write_text(json.dumps(asdict(result)), encoding="utf-8")
    return result


# --- resolve --------------------------------------------------------------------------------------

def _staged_parts(stage: Path, table: str, suffix: str = ".parquet") -> list[Path]:
    return sorted((stage / table).glob(f"part-*{suffix}"))


def _rewrite(path: Path, table: str, plan: RunPlan, transform: Callable[[pa.Table], pa.Table]) -> None:
    """Rewrite one staged part through ``transform`` (atomically, like every write)."""
    data = transform(read_staged(path) if table in STAGED_TABLES else pq.read_table(path))
    meta = _metadata(plan.run_id, plan.settings)
    with part_writer(path.parent.parent, table, path.name.split(".")[0], meta,
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
    for part in _staged_parts(stage, "documents", SUFFIX):
        ids = read_staged(part, columns=["doc_id"]).column("doc_id").to_pylist()
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
        count_lines(stage, part.stem, plan.run_id, plan.settings)  # without the repeats
        _rewrite(stage / "inputs" / f"{part.stem}.parquet", "inputs", plan, mark_repeated)
    return repeats


# --- learn site chrome, clean (per part) ----------------------------------------------------------

def count_lines(stage: Path, part: str, run_id: str, settings: Settings) -> None:
    """Stage the line statistics of a staged part (:func:`~dedupe.clean.site.line_stats`, from its
    blocks) and write its ``site_lines`` part: the lines counted per site
    (:func:`~dedupe.clean.site.line_counts`). Done beside each part, in parallel, so that
    :func:`learn_site_chrome` only adds the counts up."""
    docs_path = stage / "documents" / f"{part}{SUFFIX}"
    if not settings.clean or not docs_path.exists():
        return
    stats = line_stats(read_staged(docs_path, columns=["doc_id", "source", "n_blocks"]),
                       read_staged(stage / "blocks" / f"{part}{SUFFIX}", columns=["text", "line_key"]))
    meta = _metadata(run_id, settings)
    with part_writer(stage, "linestats", part, meta, rows_per_group=settings.rows_per_group * 32) as writer:
        writer.write_table(stats)
    counts = line_counts(stats)
    with TableWriter(stage / "site_lines" / f"{part}.parquet", SITE_LINES, table="site_lines",
                     metadata=meta) as site_lines:
        site_lines.write_table(counts.append_column(
            "run_id", pa.repeat(pa.scalar(run_id, pa.string()), counts.num_rows)))


def learn_site_chrome(plan: RunPlan) -> int:
    """Aggregate the staged line statistics into the ``site_chrome`` table; return its size.

    A line is chrome on a site when it is on ``site_chrome_min_docs`` of the site's documents
    (``site_chrome_prose_min_docs`` for running text: the syndication guard).
    """
    stage = Path(plan.staging_dir)
    parts = _staged_parts(stage, "linestats", SUFFIX)
    s = plan.settings
    meta = _metadata(plan.run_id, s)
    chrome = pa.table({"source": pa.array([], pa.string()), "key": pa.array([], pa.int64()),
                       "text": pa.array([], pa.string()), "n_docs": pa.array([], pa.int32())})
    if parts and s.clean:
        # Streamed part by part: memory holds one part's lines and the per-line counts. Each
        # part's counts were written beside it (:func:`count_lines`), in parallel.
        counted = _staged_parts(stage, "site_lines")
        # Earlier runs' counts without their text (~30 bytes a line); the text of the few
        # chrome lines is looked up afterwards.
        prior_files = committed_files(plan.out_dir, "site_lines")
        prior = read_committed(prior_files, ["source", "key", "n_docs", "prose"]) if prior_files else None
        chrome = chrome_lines(lambda columns: (read_staged(p, columns=columns) for p in parts),
                              min_docs=s.site_chrome_min_docs,
                              prose_min_docs=s.site_chrome_prose_min_docs, prior=prior,
                              counts=(pq.read_table(p, columns=["source", "key", "n_docs", "prose"])
                                      for p in counted))
        chrome = _with_prior_text(chrome, prior_files)
    with TableWriter(stage / "site_chrome" / "part-000000.parquet", SITE_CHROME, table="site_chrome",
                     metadata=meta) as writer:
        writer.write_table(chrome.append_column("run_id", pa.array([plan.run_id] * chrome.num_rows,
                                                                   pa.string())))
    release_memory()  # the per-line counts of the whole run are gone; the deduplicator comes next
    return int(chrome.num_rows)


def _with_prior_text(chrome: pa.Table, prior_files: list[str]) -> pa.Table:
    """Fill in, from earlier runs' line counts, the text of chrome lines this run did not print."""
    missing = chrome.filter(pc.equal(chrome["text"], ""))
    if not missing.num_rows or not prior_files:
        return chrome
    found = read_committed(prior_files, ["source", "key", "text"], [("key", "in", missing["key"].to_pylist())]
                           ).group_by(["source", "key"]).aggregate([("text", "min")])
    text_of = dict(zip(zip(found["source"].to_pylist(), found["key"].to_pylist(), strict=True),
                       found["text_min"].to_pylist(), strict=True))
    texts = [t or text_of.get((s, k), "") for s, k, t in zip(
        chrome["source"].to_pylist(), chrome["key"].to_pylist(), chrome["text"].to_pylist(), strict=True)]
    return chrome.set_column(chrome.schema.get_field_index("text"), "text", pa.array(texts, pa.string()))


#: Keys of the index layout that come from settings (``num_perm``...), not from the code.
_LAYOUT_SETTINGS: Final = frozenset({"num_perm", "shingle_words", "minhash_seed", "bands", "rows"})


def _committed_index(plan: RunPlan, layout: dict[str, int]) -> pa.Table | None:
    """The duplicate index of the committed runs, checked to be comparable with this run's."""
    files = committed_files(plan.out_dir, "index")
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
            raise ValueError(f"the corpus {plan.out_dir} was deduplicated with "
                             f"{ {k: stored.get(k) for k in differ} }; this run uses "
                             f"{ {k: layout.get(k) for k in differ} }: {advice}")
    return read_committed(files, ["doc_id", "block_idx", "exact_key", "band_keys", "anchors", "shingles"])


def _site_chrome(stage: Path) -> dict[str, frozenset[int]]:
    """The run's chrome line keys per site (read once per worker process: every part needs them,
    and a large run's table takes longer to read than a part takes to clean)."""
    path = stage / "site_chrome" / "part-000000.parquet"
    return _chrome_keys_of(str(path), path.stat().st_mtime_ns) if path.exists() else {}


@lru_cache(maxsize=1)
def _chrome_keys_of(path: str, mtime_ns: int) -> dict[str, frozenset[int]]:
    return chrome_keys(pq.read_table(path, columns=["source", "key"]))


def _part_paths(plan: RunPlan, part: str) -> tuple[Path, Path]:
    """The staged documents and blocks of ``part`` (working files until :func:`assemble_part`)."""
    stage = Path(plan.staging_dir)
    return stage / "documents" / f"{part}{SUFFIX}", stage / "blocks" / f"{part}{SUFFIX}"


def _part_number(part: str) -> int:
    """``part-000042`` -> 42 (parts are named after their batch)."""
    return int(part.rsplit("-", 1)[1])


def clean_part(plan: RunPlan, part: str) -> BatchResult:
    """Label every block of one staged part (cleaning) and compute its duplicate features.

    Writes, beside the staged part (which is not rewritten): the labels row for row with its blocks,
    the documents' facts (title, author, date: the keep-order needs them), the dedup features of its
    content blocks (:mod:`dedupe.dedup.features`) and its ``signatures`` table.
    """
    started = time.perf_counter()
    s = plan.settings
    stage = Path(plan.staging_dir)
    docs_path, blocks_path = _part_paths(plan, part)
    result = BatchResult(batch=part, part=part)
    if not docs_path.exists():
        return result
    meta = _metadata(plan.run_id, s)
    site_chrome = _site_chrome(stage) if s.clean else {}
    computer = FeatureComputer(s)
    number = _part_number(part)
    with StagingWriter(stage / "labels" / f"{part}{SUFFIX}", BLOCK_LABELS, table="labels",
                       metadata=meta) as label_writer, \
            StagingWriter(stage / "docfacts" / f"{part}{SUFFIX}", DOC_FACTS, table="docfacts",
                          metadata=meta) as facts_writer, \
            StagingWriter(stage / "features" / f"{part}{SUFFIX}", FEATURES_STAGED, table="features",
                          metadata=meta) as features_writer, \
            TableWriter(stage / "signatures" / f"{part}.parquet", SIGNATURES, table="signatures",
                        metadata=meta) as sig_writer:
        content: tuple[list[str], list[int], list[str], list[int]] = ([], [], [], [])
        row = 0

        def flush_features() -> None:
            doc_ids, idxs, texts, rows = content
            if s.dedup and texts:
                table, signatures = computer.compute(doc_ids, idxs, texts)
                features_writer.write_table(
                    table.append_column("part", pa.array([number] * len(rows), pa.int32()))
                    .append_column("row", pa.array(rows, pa.int32())))
                near = pa.array(np.flatnonzero(table["n_words"].to_numpy() >= s.near_min_words))
                sig_writer.write_table(pa.table({
                    "doc_id": table["doc_id"].take(near), "block_idx": table["block_idx"].take(near),
                    "minhash": pa.FixedSizeListArray.from_arrays(signatures.reshape(-1), s.num_perm).cast(
                        pa.list_(pa.uint32())),
                    "run_id": pa.array([plan.run_id] * len(near), pa.string())}))
            for values in content:
                values.clear()

        for doc in _cleaned(read_documents(docs_path, blocks_path, base_text_only=True), s, site_chrome):
            bs = doc.blocks
            label_writer.extend({
                "label": [b.label for b in bs], "reason": [b.reason for b in bs],
                "duplicate_of_doc": [b.duplicate_of_doc for b in bs],
                "duplicate_of_block": [b.duplicate_of_block for b in bs],
                "similarity": [b.similarity for b in bs], "score": [b.score for b in bs]}, len(bs))
            for b in bs:
                if b.label == "content":
                    content[0].append(doc.doc_id)
                    content[1].append(b.idx)
                    content[2].append(b.text)
                    content[3].append(row)
                row += 1
            facts_writer.write({"doc_id": doc.doc_id, "path": doc.path, "record": doc.record,
                                "title": doc.title, "author": doc.author, "published": doc.published})
            if len(content[2]) >= 4096:
                flush_features()
            result.documents += 1
            for label, n in doc.label_counts().items():
                result.blocks[label] += n
        flush_features()
    result.seconds = time.perf_counter() - started
    return result


def _cleaned(docs: Iterable[Document], settings: Settings, site_chrome: dict[str, frozenset[int]],
             batch: int = 64) -> Iterator[Document]:
    """``docs`` cleaned (when cleaning is on), ``batch`` documents at a time."""
    if not settings.clean:
        yield from docs
        return
    docs = iter(docs)
    while group := list(itertools.islice(docs, batch)):
        yield from clean_documents(group, settings, site_chrome)


# --- warm-up --------------------------------------------------------------------------------------

#: A page with a copied paragraph, for :func:`warm_up`.
_WARM_PARAGRAPH = ("The council voted on Tuesday to extend the harbour wall by two hundred metres, "
                   "after a winter of storms flooded the lower town three times.")
_WARM_PAGE = "\n\n".join(["A Harbour Story", "By Jane Doe", _WARM_PARAGRAPH, "Share this article",
                          _WARM_PARAGRAPH])


def warm_up(settings: Settings | None = None) -> None:
    """Clean and deduplicate one tiny page in memory: loads what the first real batch would load
    otherwise (numba's compiled kernels from its cache, a quarter of a second for the first one in
    a process, and the common-word table). :mod:`dedupe.warm` runs it once before the pool's
    workers are forked, so it is paid once for all of them."""
    s = settings or Settings()
    doc = Document.from_text(_WARM_PAGE, path="warm-up.txt", format="text", source="example.com")
    for step in DOCUMENT_STEPS:
        doc = step(doc, s)
    line_stats(pa.table({"doc_id": [doc.doc_id], "source": [doc.source], "n_blocks": [len(doc.blocks)]}),
               pa.table({"text": [b.text for b in doc.blocks], "line_key": [b.line_key for b in doc.blocks]}))
    [doc] = clean_documents([doc], s, {})
    texts = [b.text for b in doc.blocks]
    features, _ = FeatureComputer(s).compute([doc.doc_id] * len(texts), list(range(len(texts))), texts)
    deduplicator = Deduplicator(s)
    deduplicator.add_features(features)
    deduplicator.finish()


# --- duplicates -----------------------------------------------------------------------------------

def dedup_run(plan: RunPlan) -> int:
    """Decide, over the whole run, which content blocks duplicate an earlier kept block.

    Documents are taken in keep-order (:func:`dedupe.dedup.order.document_order`), their blocks'
    features read back through an external sort; the decisions and the per-document duplicate
    shares are staged per part for :func:`assemble_part`, the kept blocks form the run's ``index``.
    Memory holds the index of kept blocks and one bucket of features, never text.
    Returns the number of duplicate blocks.
    """
    s = plan.settings
    stage = Path(plan.staging_dir)
    dedup_dir = stage / "dedup"
    dedup_dir.mkdir(exist_ok=True)
    meta = _metadata(plan.run_id, s)
    facts_parts = _staged_parts(stage, "docfacts", SUFFIX)
    computer = FeatureComputer(s)
    part_of: dict[str, int] = {}
    stats: dict[str, DocumentStats] = {}
    all_decisions = dedup_dir / f"decisions{SUFFIX}"
    with TableWriter(stage / "index" / "part-000000.parquet", INDEX, table="index",
                     metadata=meta | {"index_layout": json.dumps(computer.layout)}) as index_writer, \
            StagingWriter(all_decisions, DECISIONS_ALL, table="decisions", metadata=meta) as decision_writer:
        if s.dedup and facts_parts:
            keys = ["doc_id", "path", "record", "published"]
            facts = pa.concat_tables(
                (t := read_staged(p, columns=keys)).append_column(  # the part: where decisions go
                    "part", pa.repeat(pa.scalar(_part_number(p.stem), pa.int32()), t.num_rows))
                for p in facts_parts)
            order = document_order(zip(*(facts[c].to_pylist() for c in keys), strict=True))
            part_of = dict(zip(facts["doc_id"].to_pylist(), facts["part"].to_pylist(), strict=True))
            run_id = pa.scalar(plan.run_id, pa.string())

            def write_kept(kept: pa.Table) -> None:
                index_writer.write_table(kept.append_column("run_id", pa.repeat(run_id, kept.num_rows)))

            # The writes, and the reading of the next bucket, run in threads beside the pass.
            with BackgroundSink(decision_writer.write_table) as on_decisions, \
                    BackgroundSink(write_kept) as on_kept:
                deduplicator = Deduplicator(s, on_decisions=on_decisions, on_kept=on_kept)
                if (prior := _committed_index(plan, deduplicator.layout)) is not None:
                    deduplicator.preload(prior)  # earlier runs' kept blocks stay kept
                for bucket in prefetched(_features_in_keep_order(stage, order, s.dedup_bucket_docs)):
                    deduplicator.add_features(bucket)
                deduplicator.finish()
            stats = deduplicator.document_stats()
    n_decisions = _split_by_part(plan, all_decisions, stats, part_of)
    all_decisions.unlink()
    release_memory()
    return n_decisions


def _split_by_part(plan: RunPlan, all_decisions: Path, stats: dict[str, DocumentStats],
                   part_of: dict[str, int]) -> int:
    """Stage the decisions and shares of each part in its own file (what :func:`assemble_part` reads)."""
    stage = Path(plan.staging_dir)
    meta = _metadata(plan.run_id, plan.settings)
    decisions = read_staged(all_decisions).sort_by([("part", "ascending"), ("row", "ascending")])
    parts = decisions["part"].to_numpy()
    stat_rows: dict[int, list[dict[str, Any]]] = {}
    for doc_id, st in stats.items():
        stat_rows.setdefault(part_of[doc_id], []).append({"doc_id": doc_id, **asdict(st)})
    for part in staged_parts(plan):
        number = _part_number(part)
        lo, hi = np.searchsorted(parts, [number, number + 1])
        with StagingWriter(stage / "dedup" / "decisions" / f"{part}{SUFFIX}", DECISIONS, table="decisions",
                           metadata=meta) as w:
            w.write_table(decisions.slice(int(lo), int(hi - lo)))
        with StagingWriter(stage / "dedup" / "documents" / f"{part}{SUFFIX}", DOC_STATS, table="doc_stats",
                           metadata=meta) as w:
            w.write_table(pa.Table.from_pylist(stat_rows.get(number, []), schema=DOC_STATS))
    return int(decisions.num_rows)


def _features_in_keep_order(stage: Path, order: list[str], bucket_docs: int) -> Iterator[pa.Table]:
    """The content blocks' features in keep-order, a bounded bucket at a time (an external sort).

    Each staged part is read once and its rows are appended to the bucket of their document's
    rank (``bucket_docs`` documents per bucket, one working file each); the buckets are then read
    back in order and sorted in memory. Memory holds one part or one bucket, never the run.
    """
    rank_of = {doc_id: rank for rank, doc_id in enumerate(order)}
    sort_dir = stage / "dedup" / "buckets"
    writers: dict[int, StagingWriter] = {}
    schema = FEATURES_STAGED.append(pa.field("rank", pa.int64()))
    try:
        for part in _staged_parts(stage, "features", SUFFIX):
            features = read_staged(part)
            # Ranks of the part's few hundred documents, spread to their blocks.
            encoded = pc.dictionary_encode(features["doc_id"]).combine_chunks()
            doc_ranks = np.array([rank_of[d] for d in encoded.dictionary.to_pylist()], np.int64)
            rank = pa.array(doc_ranks[encoded.indices.to_numpy(zero_copy_only=False)])
            features = features.append_column("rank", rank)
            bucket_of = pc.divide(rank, bucket_docs)  # integer division of int64
            for bucket in pc.unique(bucket_of).to_pylist():
                if bucket not in writers:
                    writers[bucket] = StagingWriter(sort_dir / f"{bucket:08d}{SUFFIX}", schema,
                                                    table="features", metadata={})
                writers[bucket].write_table(features.filter(pc.equal(bucket_of, bucket)))
    except BaseException:
        for writer in writers.values():
            writer.abort()
        raise
    for writer in writers.values():
        writer.close()
    for bucket in sorted(writers):
        path = sort_dir / f"{bucket:08d}{SUFFIX}"
        yield read_staged(path).sort_by([("rank", "ascending"), ("block_idx", "ascending")])
        path.unlink()


def assemble_part(plan: RunPlan, part: str) -> BatchResult:
    """Write one part's final documents and blocks: the staged text with the cleaner's labels and
    the duplicate decisions applied (column operations; the part is written once more, atomically)."""
    started = time.perf_counter()
    stage = Path(plan.staging_dir)
    docs_path, blocks_path = _part_paths(plan, part)
    result = BatchResult(batch=part, part=part)
    if not docs_path.exists():
        return result
    blocks = read_staged(blocks_path)
    labels = read_staged(stage / "labels" / f"{part}{SUFFIX}")
    label = labels["label"].to_pylist()
    reason = labels["reason"].to_pylist()
    dup_doc = labels["duplicate_of_doc"].to_pylist()
    dup_block = labels["duplicate_of_block"].to_pylist()
    similarity = labels["similarity"].to_pylist()
    decisions_path = stage / "dedup" / "decisions" / f"{part}{SUFFIX}"
    if decisions_path.exists():
        decisions = read_staged(decisions_path)
        for row, doc, block, sim, why in zip(*(decisions[c].to_pylist() for c in DECISIONS.names),
                                             strict=True):
            if label[row] == "content":
                label[row], reason[row] = "duplicate", f"duplicate:{why}"
                dup_doc[row], dup_block[row], similarity[row] = doc, block, sim
    for name, values, type_ in (("label", label, pa.string()), ("reason", reason, pa.string()),
                                ("duplicate_of_doc", dup_doc, pa.string()),
                                ("duplicate_of_block", dup_block, pa.int32()),
                                ("similarity", similarity, pa.float32())):
        blocks = blocks.set_column(blocks.schema.get_field_index(name), name, pa.array(values, type_))
    blocks = blocks.set_column(blocks.schema.get_field_index("score"), "score", labels["score"])
    docs = _assemble_documents(read_staged(docs_path), blocks, label,
                               read_staged(stage / "docfacts" / f"{part}{SUFFIX}"),
                               stage / "dedup" / "documents" / f"{part}{SUFFIX}", plan.started)
    meta = _metadata(plan.run_id, plan.settings)
    rows = plan.settings.rows_per_group
    # The final files appear (atomically) beside the working files, which are then removed.
    with TableWriter(docs_path.with_suffix(".parquet"), DOCUMENTS, table="documents", metadata=meta,
                     rows_per_group=rows) as w:
        w.write_table(docs)
    with TableWriter(blocks_path.with_suffix(".parquet"), BLOCKS, table="blocks", metadata=meta,
                     rows_per_group=rows * 32) as w:
        w.write_table(blocks)
    docs_path.unlink()  # first: a part without it is assembled
    blocks_path.unlink()
    result.documents = docs.num_rows
    for name, n in Counter(label).items():
        result.blocks[name] += n
    result.seconds = time.perf_counter() - started
    return result


def _assemble_documents(docs: pa.Table, blocks: pa.Table, label: list[str], facts: pa.Table,
                        stats_path: Path, started: str) -> pa.Table:
    """The documents of a part with what cleaning and deduplication decided: facts, label counts,
    the clean body and the duplicate shares."""
    n_blocks = docs["n_blocks"].to_numpy()
    doc_of_row = np.repeat(np.arange(docs.num_rows), n_blocks)
    labels = np.array(label, dtype=object)
    for name in ("title", "author"):
        docs = docs.set_column(docs.schema.get_field_index(name), name, facts[name])
    raw = facts["published"].to_pylist()
    dates = [parse_published(r) for r in raw]
    for name, values, type_ in (
            ("published", [d.timestamp if d else None for d in dates], DOCUMENTS.field("published").type),
            ("published_raw", raw, pa.string()),
            ("published_precision", [d.precision if d else None for d in dates], pa.string()),
            ("added", [datetime.fromisoformat(started)] * docs.num_rows, DOCUMENTS.field("added").type)):
        docs = docs.set_column(docs.schema.get_field_index(name), name, pa.array(values, type_))
    for name in LABELS:
        counts = np.bincount(doc_of_row[labels == name], minlength=docs.num_rows).astype(np.int32)
        docs = docs.set_column(docs.schema.get_field_index(f"n_{name}"), f"n_{name}", pa.array(counts))
    content_rows = np.flatnonzero(labels == "content")
    texts = blocks["text"].take(pa.array(content_rows)).to_pylist()
    bounds = np.searchsorted(doc_of_row[content_rows], np.arange(docs.num_rows + 1)).tolist()
    body = ["\n\n".join(texts[bounds[d]:bounds[d + 1]]) for d in range(docs.num_rows)]
    docs = docs.set_column(docs.schema.get_field_index("text"), "text", pa.array(body, pa.large_string()))
    stats = read_staged(stats_path) if stats_path.exists() else None
    if stats is not None and stats.num_rows:
        by_doc = {d["doc_id"]: d for d in stats.to_pylist()}
        ratio = [by_doc[d]["duplicate_ratio"] if d in by_doc else 0.0 for d in docs["doc_id"].to_pylist()]
        near = [by_doc[d]["near_duplicate_of"] if d in by_doc else None for d in docs["doc_id"].to_pylist()]
        docs = docs.set_column(docs.schema.get_field_index("duplicate_ratio"), "duplicate_ratio",
                               pa.array(ratio, pa.float32()))
        docs = docs.set_column(docs.schema.get_field_index("near_duplicate_of"), "near_duplicate_of",
                               pa.array(near, pa.string()))
    return docs


def read_batches(plan: RunPlan) -> list[BatchResult]:
    """:func:`process_batch` over every batch of the plan, on every core."""
    return map_in_processes(partial(process_batch, run_id=plan.run_id, settings=plan.settings),
                            plan.batches, plan.settings.workers)


def clean_parts(plan: RunPlan) -> list[BatchResult]:
    """:func:`clean_part` over every staged part, on every core."""
    return map_in_processes(partial(clean_part, plan), staged_parts(plan), plan.settings.workers)


def assemble_parts(plan: RunPlan) -> list[BatchResult]:
    """:func:`assemble_part` over every staged part, on every core."""
    return map_in_processes(partial(assemble_part, plan), staged_parts(plan), plan.settings.workers)


def staged_parts(plan: RunPlan) -> list[str]:
    """Names of the staged document parts (``part-000000``...), the units of :func:`clean_part`."""
    return [p.stem for p in _staged_parts(Path(plan.staging_dir), "documents", SUFFIX)]


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
    """Commit the run, then move every staged table into ``OUT/<table>/run=<id>/``.

    The intent is recorded first (``_corpus/pending.json``); the new manifest, listing every file
    of the run with its size and rows and renamed into place, is the commit; then each table's
    partition appears with one ``rename`` (``documents`` last). A glob never shows a run that is not
    committed; a crash after the commit is finished by the next run (:func:`~dedupe.corpus.recover`).
    A run with nothing new publishes nothing.
    """
    stage = Path(plan.staging_dir)
    out = Path(plan.out_dir)
    if not has_news(plan):
        shutil.rmtree(stage, ignore_errors=True)
        with contextlib.suppress(OSError):
            stage.parent.rmdir()
        return out
    files: dict[str, dict[str, int]] = {}  # every file of the run, as the manifest lists it
    for table, schema in TABLES.items():
        staged = stage / table
        if not any(staged.glob("*.parquet")):
            # An empty partition still holds a file, so globs and schema inference never fail.
            with TableWriter(staged / "part-empty.parquet", schema, table=table,
                             metadata=_metadata(plan.run_id, plan.settings)):
                pass
        files |= describe_files(staged, f"{table}/run={plan.run_id}")
    begin_publish(out, plan.run_id, list(TABLES), stage)
    record: dict[str, Any] = {"run_id": plan.run_id, "committed": datetime.now(UTC).isoformat(),
                              "schema_version": SCHEMA_VERSION}
    if summary is not None:
        record |= {"files": summary.files, "documents": summary.documents, "blocks": summary.blocks,
                   "errors": summary.n_errors}
    Manifest.load(out).commit(out, record | {"parts": files})
    move_into_place(out, plan.run_id, list(TABLES), stage)
    end_publish(out)
    write_views(out)
    shutil.rmtree(stage)
    with contextlib.suppress(OSError):
        stage.parent.rmdir()  # only when no other run is staging
    return out


def run_pipeline(inputs: Sequence[str | Path], out_dir: str | Path, settings: Settings | None = None,
                 run_id: str | None = None) -> RunSummary:
    """All stages in this process, without Prefect (for notebooks, tests and debugging)."""
    started = time.perf_counter()
    settings = settings or Settings()
    start_workers(settings.workers)  # first: forked workers would inherit the corpus lock
    try:
        with open_corpus(out_dir, settings):
            plan = plan_run(inputs, out_dir, settings, run_id)
            read = read_batches(plan)
            repeats = resolve_run(plan)
            learn_site_chrome(plan)
            clean_parts(plan)
            dedup_run(plan)
            labelled = assemble_parts(plan)
            summary = summarize(plan, read, labelled, repeats, time.perf_counter() - started)
            publish_run(plan, summary)
            if has_news(plan):
                write_html_report(out_dir, plan.run_id)
    finally:
        stop_workers()  # the processes a run starts end with it
    return summary
