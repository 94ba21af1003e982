"""datatrove's MinHash deduplication as a benchmark peer, run in a virtual environment of its own.

    python -m benchmarks.peers.datatrove_env --self-check      # recall on 2,000 fake docs, speed on 10,000

datatrove is not a dependency of the project (its numpy>=2 and spaCy stack would only weigh on our
venv), so ``ensure_env`` builds a separate venv under ``benchmarks/.envs/datatrove`` and ``run_datatrove``
runs ``datatrove_minhash.py`` there as a subprocess, reading its one JSON line. Nothing here imports
datatrove, so this module stays importable, ruff- and mypy-clean in the project venv.

Which packages: importing datatrove 0.10.1's MinHash steps needs ``regex`` (imported unconditionally)
and ``tokenizers`` (``datatrove.pipeline.dedup/__init__`` pulls in the exact-substring steps); running
them needs ``xxhash`` (the default ``HashConfig``), ``orjson`` (JSONL reader and writer) and ``spacy``
(English words are split by a blank spaCy model, no model download). No extra matches that set:
``regex``, ``tokenizers`` and ``xxhash`` come with ``[processing]`` (along with fastText, NLTK,
trafilatura<1.12...), ``orjson`` with ``[io]`` (with datasets, pyarrow, warcio...), and spaCy only with
``[multilingual]`` (which drags in TensorFlow and stanza). So the env gets datatrove without extras plus
exactly those five, pinned to the versions tested here (``xxhash`` below 4 as ``[processing]`` asks).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.proctree import TreeSampler

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_ENV = PROJECT / "benchmarks" / ".envs" / "datatrove"
SCRIPT = Path(__file__).resolve().with_name("datatrove_minhash.py")

DATATROVE_VERSION = "0.10.1"
# datatrove itself plus the modules its MinHash pipeline imports (see the module docstring); numpy is
# pinned too because the signature kernels are numpy and its version moves the timings.
REQUIREMENTS: tuple[str, ...] = (
    f"datatrove=={DATATROVE_VERSION}",
    "orjson==3.13.0",
    "xxhash==3.8.2",
    "regex==2026.11.15",
    "spacy==3.8.18",
    "tokenizers==0.23.3",
    "numpy==2.4.6",
)
STAMP_NAME = ".benchmark-stamp.json"


@dataclass(frozen=True)
class PeerResult:
    """One peer run: what it removed and what it cost.

    ``pipeline_seconds`` is measured inside the script around the four stages only; ``wall_seconds``
    is the whole subprocess, interpreter start and imports included, so the two bracket the cost.
    """

    tool: str
    version: str
    workers: int
    docs_in: int
    docs_kept: int
    removed_ids: list[str]
    pipeline_seconds: float
    stage_seconds: dict[str, float]
    wall_seconds: float
    # Largest resident set of any single process of the run (wait4 rusage and /proc VmHWM samples).
    peak_rss_mib: float | None
    # Largest sampled sum of RSS over the whole process tree (pool workers included), every 50 ms.
    peak_tree_rss_mib: float | None
    # CPU seconds (user + system) of the whole tree, sampled: robust to a busy machine, unlike wall time.
    cpu_seconds: float
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def docs_per_second(self) -> float:
        """Throughput over the pipeline stages, the number compared across peers."""
        return self.docs_in / self.pipeline_seconds if self.pipeline_seconds > 0 else float("nan")


def env_python(root: Path) -> Path:
    """Path of the interpreter inside the venv at ``root``."""
    return root / "bin" / "python"


def ensure_env(root: Path = DEFAULT_ENV) -> Path:
    """Create (once) the datatrove venv at ``root`` and return its python.

    A stamp file records the exact requirement list; a matching stamp means nothing to do, a
    different one (pins changed here) rebuilds the venv from scratch so no stale package lingers.
    """
    python = env_python(root)
    stamp = root / STAMP_NAME
    wanted = {"requirements": list(REQUIREMENTS)}
    if python.exists() and stamp.exists():
        try:
            if json.loads(stamp.read_text()) == wanted:
                print(f"datatrove env up to date: {root}", flush=True)
                return python
        except (OSError, ValueError):
            pass
    if root.exists():
        if not (root / "pyvenv.cfg").exists() and any(root.iterdir()):
            raise RuntimeError(f"{root} exists and is not a venv; refusing to replace it")
        print(f"removing outdated env {root}", flush=True)
        shutil.rmtree(root)
    base = shutil.which("python3") or sys.executable
    root.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    print(f"creating venv: {base} -m venv {root}", flush=True)
    subprocess.run([base, "-m", "venv", str(root)], check=True)
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *REQUIREMENTS]
    print("installing: " + " ".join(REQUIREMENTS), flush=True)
    subprocess.run(cmd, check=True)
    # Fail here, not in the middle of a benchmark, if an import the pipeline needs is missing.
    probe = (
        "import datatrove.pipeline.dedup.minhash, datatrove.pipeline.readers;"
        "import datatrove.pipeline.writers.jsonl;"
        "from datatrove.utils.word_tokenizers import load_word_tokenizer;"
        "load_word_tokenizer('en').word_tokenize('probe text')"
    )
    subprocess.run([str(python), "-c", probe], check=True)
    stamp.write_text(json.dumps(wanted, indent=1) + "\n")
    print(f"datatrove env ready in {time.perf_counter() - t0:.1f}s: {python}", flush=True)
    return python


def run_datatrove(
    corpus: Path, work: Path, workers: int = 2, env_root: Path = DEFAULT_ENV, log: Path | None = None
) -> PeerResult:
    """Run datatrove's 4-stage MinHash dedup on ``corpus/articles.jsonl`` in its own venv.

    ``work/datatrove`` is replaced on every run (datatrove skips tasks it finds completed). The script's
    stderr, datatrove's logs, goes to ``log`` (default ``work/datatrove.stderr.log``) to keep the
    benchmark's output readable and shown only when the run fails.
    """
    python = ensure_env(env_root)
    work.mkdir(parents=True, exist_ok=True)
    out_path = work / "datatrove.stdout.json"
    err_path = log or work / "datatrove.stderr.log"
    cmd = [str(python), str(SCRIPT), "--corpus", str(corpus), "--work", str(work), "--workers", str(workers)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("PYTHONPATH", None)  # the project's paths must not leak into the peer's interpreter
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        # wait4 rather than proc.wait(): it hands back this child's own rusage (ru_maxrss covers the
        # child and descendants it reaped), not a maximum over everything this process ever ran.
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C or similar: do not leave a pipeline running behind us
            proc.kill()
            proc.wait()
            raise
        finally:
            sampler.stop()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        tail = err_path.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"datatrove run failed (exit {proc.returncode}); stderr tail:\n{tail}")
    lines = [ln for ln in out_path.read_text().splitlines() if ln.strip()]
    if len(lines) != 1:
        raise RuntimeError(f"expected one JSON line on the script's stdout, got {len(lines)}: {lines[:3]!r}")
    data: dict[str, Any] = json.loads(lines[0])
    single_kib = max(usage.ru_maxrss, sampler.peak_single_kib)  # both in KiB on Linux
    seconds: dict[str, float] = {k: float(v) for k, v in data["seconds"].items()}
    return PeerResult(
        tool="datatrove",
        version=str(data["version"]),
        workers=int(data["workers"]),
        docs_in=int(data["docs_in"]),
        docs_kept=int(data["docs_kept"]),
        removed_ids=[str(i) for i in data["removed_ids"]],
        pipeline_seconds=seconds["total"],
        stage_seconds=seconds,
        wall_seconds=wall,
        peak_rss_mib=single_kib / 1024 if single_kib else None,
        peak_tree_rss_mib=sampler.peak_tree_kib / 1024 if sampler.peak_tree_kib else None,
        cpu_seconds=max(sampler.cpu_seconds(), usage.ru_utime + usage.ru_stime),
        config=dict(data.get("config", {})),
    )


# --- self-check: a fake corpus with planted near-duplicates -------------------------------------------

_SYLLABLES = (
    "ka ri to ne mo sa lu vi de pa en or al in th er an st re ou ed on es ti ar le ra co "
    "ma ve lo di ne ba go fu ch sh pr tr ck ng ly ss ll nt"
).split()


def _vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    """Made-up words of 1-4 syllables; random rather than real so no word list needs shipping."""
    seen: set[str] = set()
    while len(seen) < size:
        seen.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    vocab = sorted(seen)
    rng.shuffle(vocab)  # ranks (hence Zipf frequency) independent of spelling
    return vocab


def _article(rng: random.Random, vocab: list[str], weights: list[float], words: int) -> list[str]:
    """Body paragraphs of Zipf-distributed words, sentences of 8-24 words, 3-6 sentences a paragraph."""
    paras: list[str] = []
    left = words
    while left > 0:
        sents = []
        for _ in range(rng.randint(3, 6)):
            n = min(rng.randint(8, 24), max(left, 1))
            ws = rng.choices(vocab, weights, k=n)
            sents.append(" ".join(ws).capitalize() + rng.choice(".....?!"))
            left -= n
            if left <= 0:
                break
        paras.append(" ".join(sents))
    return paras


def _edit(rng: random.Random, vocab: list[str], paras: list[str], edits: int) -> list[str]:
    """Light copy-desk edits: ``edits`` word substitutions, deletions or insertions at random places."""
    out = [p.split(" ") for p in paras]
    for _ in range(edits):
        p = rng.randrange(len(out))
        if not out[p]:
            continue
        i = rng.randrange(len(out[p]))
        op = rng.random()
        if op < 0.5:
            out[p][i] = rng.choice(vocab)
        elif op < 0.75 and len(out[p]) > 1:
            del out[p][i]
        else:
            out[p].insert(i, rng.choice(vocab))
    return [" ".join(p) for p in out]


def make_fake_corpus(
    folder: Path, docs: int, dup_frac: float = 0.25, words: int = 600, edits: int = 8, seed: int = 0
) -> dict[str, str]:
    """Write ``folder/articles.jsonl`` in the benchmark's format; return planted copy id -> source id.

    Copies are syndicated wire stories: same body with ``edits`` light word edits, another site's
    headline, byline and footer lines, shuffled anywhere in the file (so either member may come first).
    """
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = [1.0 / (r + 1) ** 1.05 for r in range(len(vocab))]
    sites = [f"site{i:02d}.example" for i in range(12)]
    n_copies = round(docs * dup_frac)
    bodies = [
        _article(rng, vocab, weights, rng.randint(words * 2 // 3, words * 4 // 3))
        for _ in range(docs - n_copies)
    ]
    records: list[dict[str, str]] = []
    copy_of: dict[int, int] = {}  # record index -> source record index
    for body in bodies:
        records.append({"site": rng.choice(sites), "body": "\n".join(body)})
    for _ in range(n_copies):
        src = rng.randrange(len(bodies))
        copy_of[len(records)] = src
        records.append({"site": rng.choice(sites), "body": "\n".join(_edit(rng, vocab, bodies[src], edits))})
    order = list(range(len(records)))
    rng.shuffle(order)
    ids = {idx: f"a{pos:07d}" for pos, idx in enumerate(order)}
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "articles.jsonl").open("w", encoding="utf-8") as f:
        for idx in order:
            rec = records[idx]
            headline = " ".join(rng.choices(vocab, weights, k=rng.randint(6, 12))).title()
            chrome_top = f"By {rng.choice(vocab).title()} {rng.choice(vocab).title()} | {rec['site']}"
            year = rng.randint(2019, 2025)
            chrome_end = f"Share this story. Copyright {year} {rec['site']}. All rights reserved."
            text = "\n".join((headline, chrome_top, rec["body"], chrome_end))
            url = f"https://{rec['site']}/news/{ids[idx]}"
            f.write(json.dumps({"id": ids[idx], "site": rec["site"], "url": url, "text": text}) + "\n")
    return {ids[c]: ids[s] for c, s in copy_of.items()}


def score(planted: dict[str, str], removed: Iterable[str]) -> tuple[float, int, int]:
    """Recall on planted copies and false removals, independent of which group member is kept.

    A group is a source with all its copies; removing any k of its members catches k copies (at most
    the number of copies). Removed documents outside every group are false removals.
    Returns (recall, caught copies, false removals).
    """
    group_of: dict[str, str] = {}
    size: dict[str, int] = {}
    for copy, src in planted.items():
        group_of[copy] = group_of[src] = src
        size[src] = size.get(src, 0) + 1
    hits: dict[str, int] = {}
    false = 0
    for doc in set(removed):
        g = group_of.get(doc)
        if g is None:
            false += 1
        else:
            hits[g] = hits.get(g, 0) + 1
    caught = sum(min(n, size[g]) for g, n in hits.items())
    return (caught / len(planted) if planted else 1.0), caught, false


def self_check(work: Path, workers: int = 2, recall_docs: int = 2000, speed_docs: int = 10_000) -> None:
    """Recall on a small planted corpus, then throughput on a larger one; print both."""
    t0 = time.perf_counter()
    ensure_env()
    print(f"ensure_env: {time.perf_counter() - t0:.1f}s")

    small = work / "corpus_small"
    planted = make_fake_corpus(small, recall_docs, dup_frac=0.25)
    res = run_datatrove(small, work / "run_small", workers)
    recall, caught, false = score(planted, res.removed_ids)
    print(
        f"recall check: {res.docs_in} docs, {len(planted)} planted copies, removed {len(res.removed_ids)}: "
        f"recall {recall:.3f} ({caught}/{len(planted)}), false removals {false}"
    )

    print(
        f"load average before the speed run: {os.getloadavg()[0]:.2f} (the machine has {os.cpu_count()} CPUs)"
    )
    big = work / "corpus_big"
    planted_big = make_fake_corpus(big, speed_docs, dup_frac=0.25, seed=1)
    res = run_datatrove(big, work / "run_big", workers)
    recall, caught, false = score(planted_big, res.removed_ids)
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in res.stage_seconds.items())
    print(
        f"speed check: {res.docs_in} docs, workers={res.workers}: pipeline {res.pipeline_seconds:.1f}s "
        f"({res.docs_per_second:.0f} docs/s), subprocess wall {res.wall_seconds:.1f}s; {stages}; "
        f"CPU {res.cpu_seconds:.1f}s; peak RSS {res.peak_rss_mib or 0:.0f} MiB per process, "
        f"{res.peak_tree_rss_mib or 0:.0f} MiB tree; "
        f"recall {recall:.3f}, false removals {false}"
    )
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    summary = {k: v for k, v in asdict(res).items() if k != "removed_ids"}
    print(json.dumps(summary, indent=1))


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: build the env, run on a corpus, or the self-check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--self-check", action="store_true", help="recall on fake 2k docs, speed on 10k")
    parser.add_argument("--corpus", type=Path, help="run on this corpus folder (holding articles.jsonl)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/datatrove-peer"), help="scratch folder")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if args.self_check:
        self_check(args.work, args.workers)
    elif args.corpus:
        res = run_datatrove(args.corpus, args.work, args.workers)
        print(
            json.dumps(
                {k: v for k, v in asdict(res).items() if k != "removed_ids"}
                | {"removed": len(res.removed_ids)},
                indent=1,
            )
        )
    else:
        print(ensure_env())
    return 0


if __name__ == "__main__":
    sys.exit(main())
