"""Run datatrove's standard 4-stage MinHash deduplication on a benchmark corpus; print one JSON line.

This script runs inside datatrove's own virtual environment (see ``datatrove_env.py``), never in the
project venv, so it must not import ``dedupe``. It mirrors datatrove's ``examples/minhash_deduplication.py``
with the Slurm executors swapped for ``LocalPipelineExecutor`` and the default ``MinhashConfig``
(5-gram word shingles, 14 buckets x 8 hashes, 64-bit xxhash). The example's ``TokensCounter`` step is left
out: it only gathers statistics and would download a GPT-2 tokenizer from the Hub.

Usage: ``python datatrove_minhash.py --corpus CORPUS --work WORK [--workers N]``.
Stdout carries exactly one JSON object; datatrove's logs go to stderr and to ``WORK/datatrove/logs``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any


def shard_corpus(articles: Path, out_dir: Path, shards: int) -> int:
    """Split ``articles.jsonl`` into ``shards`` contiguous files; return the number of records.

    datatrove parallelises its readers by *file*, so a single input file would leave all but one task
    idle in the signature and filter stages. Contiguous chunks keep the original document order.
    """
    out_dir.mkdir(parents=True)
    with articles.open("rb") as f:
        lines = [line for line in f if line.strip()]
    per = -(-len(lines) // shards) if lines else 0
    for i in range(shards):
        with (out_dir / f"part_{i:05d}.jsonl").open("wb") as out:
            out.writelines(lines[i * per : (i + 1) * per])
    return len(lines)


def read_ids(folder: Path) -> list[str]:
    """Read the ``id`` of every document a JsonlWriter wrote (gzip-compressed .jsonl.gz) under ``folder``."""
    ids: list[str] = []
    for path in sorted(folder.rglob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            ids.extend(str(json.loads(line)["id"]) for line in f if line.strip())
    return ids


def count_docs(folder: Path) -> int:
    """Count documents written under ``folder`` (used to cross-check docs in = kept + removed)."""
    n = 0
    for path in folder.rglob("*.jsonl.gz"):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            n += sum(1 for line in f if line.strip())
    return n


def run_pipeline(corpus: Path, work: Path, workers: int) -> dict[str, Any]:
    """Run the four datatrove stages one after another and time each; return the result record."""
    # Imported here so ``--help`` and the sharding helpers work without datatrove installed.
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter
    from datatrove.utils.typeshelper import Languages

    base = work / "datatrove"
    if base.exists():
        # Executors skip tasks whose completion markers exist; a stale run would time nothing.
        shutil.rmtree(base)
    t0 = time.perf_counter()
    docs_in = shard_corpus(corpus / "articles.jsonl", base / "input", workers)
    shard_s = time.perf_counter() - t0

    config = MinhashConfig()  # the example's 14 buckets x 8 hashes, 64-bit: all defaults in this version

    def reader() -> Any:
        return JsonlReader(str(base / "input"), text_key="text", id_key="id")

    stages = {
        "signatures": LocalPipelineExecutor(
            pipeline=[
                reader(),
                MinhashDedupSignature(
                    output_folder=str(base / "signatures"), config=config, language=Languages.english
                ),
            ],
            tasks=workers,
            workers=workers,
            logging_dir=str(base / "logs" / "signatures"),
        ),
        "buckets": LocalPipelineExecutor(
            pipeline=[
                MinhashDedupBuckets(
                    input_folder=str(base / "signatures"), output_folder=str(base / "buckets"), config=config
                ),
            ],
            tasks=config.num_buckets,
            workers=workers,
            logging_dir=str(base / "logs" / "buckets"),
        ),
        "cluster": LocalPipelineExecutor(
            pipeline=[
                MinhashDedupCluster(
                    input_folder=str(base / "buckets"), output_folder=str(base / "remove_ids"), config=config
                ),
            ],
            tasks=1,
            workers=1,
            logging_dir=str(base / "logs" / "cluster"),
        ),
        "filter": LocalPipelineExecutor(
            pipeline=[
                reader(),
                MinhashDedupFilter(
                    input_folder=str(base / "remove_ids"),
                    exclusion_writer=JsonlWriter(str(base / "removed")),
                ),
                JsonlWriter(output_folder=str(base / "output")),
            ],
            tasks=workers,  # must equal the signature stage's tasks: doc indices are per rank
            workers=workers,
            logging_dir=str(base / "logs" / "filter"),
        ),
    }
    seconds: dict[str, float] = {"shard": shard_s}
    for name, executor in stages.items():
        t = time.perf_counter()
        executor.run()
        seconds[name] = time.perf_counter() - t
    seconds["total"] = sum(v for k, v in seconds.items() if k != "shard")

    removed = read_ids(base / "removed")
    kept = count_docs(base / "output")
    return {
        "tool": "datatrove",
        "version": version("datatrove"),
        "workers": workers,
        "config": {
            "n_grams": config.n_grams,
            "num_buckets": config.num_buckets,
            "hashes_per_bucket": config.hashes_per_bucket,
            "hash": str(config.hash_config),
        },
        "seconds": seconds,
        "docs_in": docs_in,
        "docs_kept": kept,
        "removed_ids": removed,
    }


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run with stdout pointed at stderr, then print the JSON line on the real stdout.

    fd 1 is redirected at the OS level (not just ``sys.stdout``) so that datatrove's worker processes,
    which the forkserver starts with our descriptors, cannot write to the caller's stdout either.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, required=True, help="folder holding articles.jsonl")
    parser.add_argument("--work", type=Path, required=True, help="scratch folder; WORK/datatrove is replaced")
    parser.add_argument("--workers", type=int, default=2, help="tasks and parallel workers per stage")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be >= 1")

    sys.stdout.flush()
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        result = run_pipeline(args.corpus.resolve(), args.work.resolve(), args.workers)
    finally:
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
        os.close(real_stdout)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
