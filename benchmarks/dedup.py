"""How well and how fast near duplicates are found: our MinHash/LSH next to datasketch, same run.

    python -m benchmarks.dedup [--quick] [--json PATH]

Default sizes run in well under a minute on two cores; ``--quick`` shrinks them (the real set to a
sample of 2,000 lines) for CI-like checks. Sizes are in ``SIZES``; all data is seeded.

1. fidelity: a seeded generated corpus (paragraphs of 40-120 words from a Zipf-like vocabulary of
   made-up words) and real paragraphs (lines of ``eval/*/truth`` in ``../shared``, 10 words or more),
   each with planted copies edited so that their Jaccard spreads over 0.5-1.0. True pairs are all
   pairs whose word-3-gram shingle sets (xxh32 hashes, as the deduplicator verifies them) have a
   Jaccard of at least ``Settings().jaccard_threshold``, found exactly: an inverted index from
   shingle to paragraphs yields every pair sharing a shingle, with its intersection size. Our band
   index (``choose_bands``) and datasketch's ``MinHashLSH`` with its default layout, fed the same
   signatures, are scored against them: candidates, raw precision, recall (overall and by Jaccard
   bucket), and precision after exact verification.
2. speed, one core, 80-word paragraphs, 128 permutations: datasketch ``MinHash.update`` per shingle
   and ``MinHash.bulk`` (both handed ready shingle bytes; shingling them in Python is timed apart)
   against ``MinHasher.signatures`` from raw text, whose output must equal datasketch's.
3. index, one core: inserts per second of ``BandIndex`` (band keys included, batches of 10,000) and
   of ``MinHashLSH.insert`` (ready ``LeanMinHash`` objects), on random signatures; bytes per indexed
   block by tracemalloc over a second, untimed build (for ours also the arrays' own ``nbytes``).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import datasketch
import numpy as np
import xxhash

from dedupe.dedup.lsh import BandIndex, band_keys, choose_bands
from dedupe.dedup.minhash import MinHasher
from dedupe.dedup.text import shingle_text, words
from dedupe.settings import Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
THRESHOLD = Settings().jaccard_threshold
NUM_PERM = Settings().num_perm
BUCKETS = (0.8, 0.85, 0.9, 0.95, 1.0)  # recall by Jaccard bucket; the last one is closed
RECALL_TARGET = PRECISION_TARGET = 0.99
SIGS_PER_S_TARGET = 100_000
INSERTS_PER_S_TARGET = 300_000
BYTES_PER_BLOCK_TARGET = 200
SIZES = {  # --quick, default
    "generated": (4_000, 20_000), "real": (2_000, None), "speed": (5_000, 20_000),
    "update_loop": (200, 1_000), "ours_index": (50_000, 200_000), "datasketch_index": (5_000, 20_000)}
SEED = 20240601


# --- corpora --------------------------------------------------------------------------------------

def zipf_vocabulary(rng: np.random.Generator, size: int = 20_000) -> tuple[np.ndarray, np.ndarray]:
    """``size`` distinct made-up words (3-10 letters) and Zipf-Mandelbrot probabilities by rank."""
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab: dict[str, None] = {}
    while len(vocab) < size:
        vocab.setdefault("".join(rng.choice(letters, int(rng.integers(3, 11)))))
    weights = 1.0 / (np.arange(size) + 2.7)
    return np.array(list(vocab)), weights / weights.sum()


def generated_paragraphs(rng: np.random.Generator, n: int, vocab: np.ndarray, p: np.ndarray,
                         lengths: tuple[int, int]) -> list[str]:
    """``n`` paragraphs of ``lengths[0]..lengths[1]`` words drawn from ``vocab`` with weights ``p``."""
    sizes = rng.integers(lengths[0], lengths[1] + 1, n)
    drawn = vocab[rng.choice(len(vocab), int(sizes.sum()), p=p)]
    ends = np.cumsum(sizes)
    return [" ".join(drawn[end - size:end]) for end, size in zip(ends.tolist(), sizes.tolist(), strict=True)]


def real_paragraphs() -> list[str] | None:
    """Every line of 10 words or more of the ``truth/`` files of the evaluation sets, or None."""
    roots = [SHARED / "eval" / name / "truth" for name in ("fundus", "aeb")]
    if not all(root.is_dir() for root in roots):
        return None
    return [line for root in roots for path in sorted(root.rglob("*.txt"))
            for line in path.read_text("utf-8", errors="replace").splitlines() if len(words(line)) >= 10]


def edited_copy(text: str, rng: np.random.Generator, pool: np.ndarray) -> str:
    """``text`` with edits sized for a word-3-gram Jaccard of roughly U(0.5, 1) (1 in 10 untouched):
    sometimes a trimmed ending, then substitutions, deletions and insertions of ``pool`` words at
    random places (each touches up to three shingles)."""
    out = words(text)
    target = 1.0 if rng.random() < 0.1 else rng.uniform(0.5, 1.0)
    lost = max(len(out) - 2, 1) * (1 - target) / (1 + target)  # replaced shingles for that Jaccard
    if rng.random() < 0.3:  # a dropped word drops one shingle (and adds none to the union)
        trim = int(rng.integers(0, int(2 * lost) + 1))
        out, lost = out[: max(len(out) - trim, 3)], lost - trim / 2
    for _ in range(round(max(lost, 0) / 3)):
        op, pos = int(rng.integers(3)), int(rng.integers(len(out)))
        if op == 0:
            out[pos] = str(pool[rng.integers(len(pool))])
        elif op == 1 and len(out) > 3:
            del out[pos]
        else:
            out.insert(pos, str(pool[rng.integers(len(pool))]))
    return " ".join(out)


def plant_copies(rng: np.random.Generator, texts: list[str], pool: np.ndarray,
                 share: float = 0.1) -> tuple[list[str], list[tuple[int, int]]]:
    """``texts`` followed by edited copies of a ``share`` of them (30 % get two copies), and the
    planted pairs ``(source, copy)``: the ground truth of what was planted."""
    out, planted = list(texts), []
    for source in rng.choice(len(texts), int(share * len(texts)), replace=False).tolist():
        for _ in range(1 + int(rng.random() < 0.3)):
            planted.append((source, len(out)))
            out.append(edited_copy(texts[source], rng, pool))
    return out, planted


# --- exact truth ----------------------------------------------------------------------------------

def pair_key(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``min << 32 | max`` of each pair, as uint64."""
    lo, hi = np.minimum(a, b).astype(np.uint64), np.maximum(a, b).astype(np.uint64)
    return (lo << np.uint64(32)) | hi


def sharing_pairs(hashes: np.ndarray, offsets: np.ndarray,
                  chunk: int = 20_000_000) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of texts sharing at least one shingle: sorted pair keys and exact Jaccard of the
    shingle sets. Pairs sharing none have Jaccard 0, so no pair that could reach a threshold is left
    out. Each distinct shingle lists its texts; a pair occurs once per shared shingle, so counting
    occurrences gives the intersection. Work is split by the pair's first text to bound memory."""
    n_texts = len(offsets) - 1
    ids = np.repeat(np.arange(n_texts, dtype=np.uint64), np.diff(offsets))
    rows = np.unique((ids << np.uint64(32)) | hashes.astype(np.uint64))  # distinct, by text then hash
    text = (rows >> np.uint64(32)).astype(np.int64)
    sizes = np.bincount(text, minlength=n_texts)
    order = np.argsort(rows & np.uint64(0xFFFFFFFF), kind="stable")  # by hash, texts ascending
    text, shingle = text[order], (rows & np.uint64(0xFFFFFFFF))[order]
    starts = np.flatnonzero(np.r_[True, shingle[1:] != shingle[:-1]])
    ends = np.r_[starts[1:], len(shingle)]
    later = np.repeat(ends, ends - starts) - np.arange(len(shingle)) - 1  # later texts, same shingle
    per_text = np.cumsum(np.bincount(text, weights=later, minlength=n_texts))
    cuts = np.searchsorted(per_text, np.arange(1, int(per_text[-1] // chunk) + 1) * chunk, side="right")
    keys_out, jaccard_out = [], []
    for lo, hi in zip([0, *cuts.tolist()], [*cuts.tolist(), n_texts], strict=True):
        pos = np.flatnonzero((text >= lo) & (text < hi) & (later > 0))
        count = later[pos]
        left = np.repeat(pos, count)
        right = left + 1 + np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
        keys, inter = np.unique(pair_key(text[left], text[right]), return_counts=True)
        a, b = (keys >> np.uint64(32)).astype(np.int64), (keys & np.uint64(0xFFFFFFFF)).astype(np.int64)
        keys_out.append(keys)
        jaccard_out.append(inter / (sizes[a] + sizes[b] - inter))
    return np.concatenate(keys_out), np.concatenate(jaccard_out)


def jaccard_of(table: tuple[np.ndarray, np.ndarray], keys: np.ndarray) -> np.ndarray:
    """Exact Jaccard of pairs ``keys`` looked up in :func:`sharing_pairs`' table (absent: 0)."""
    known, jaccard = table
    if not len(known):
        return np.zeros(len(keys))
    pos = np.minimum(np.searchsorted(known, keys), len(known) - 1)
    return np.where(known[pos] == keys, jaccard[pos], 0.0)


# --- candidates -----------------------------------------------------------------------------------

def ours_candidates(signatures: np.ndarray) -> np.ndarray:
    """Pairs sharing a band in our index (every block inserted, then every block queried)."""
    bands, rows = choose_bands(THRESHOLD, NUM_PERM)
    keys = band_keys(signatures, bands, rows)
    index = BandIndex(bands)
    index.insert(keys, np.arange(len(signatures), dtype=np.uint32))
    found, ids = index.query(keys)
    other = ids.astype(np.int64) != found
    return np.unique(pair_key(found[other], ids[other].astype(np.int64)))


def lean(row: np.ndarray) -> datasketch.LeanMinHash:
    return datasketch.LeanMinHash(seed=1, hashvalues=row, scheme="affine32")


def datasketch_candidates(signatures: np.ndarray) -> tuple[np.ndarray, tuple[int, int]]:
    """Pairs returned by ``MinHashLSH(threshold, num_perm)`` queried with every inserted block."""
    lsh = datasketch.MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sketches = [lean(row) for row in signatures]
    for i, sketch in enumerate(sketches):
        lsh.insert(i, sketch)
    pairs = {(min(i, j) << 32) | max(i, j) for i, sketch in enumerate(sketches) for j in lsh.query(sketch)
             if j != i}
    return np.array(sorted(pairs), dtype=np.uint64), (lsh.b, lsh.r)


# --- report ---------------------------------------------------------------------------------------

def _mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def score(candidates: np.ndarray, table: tuple[np.ndarray, np.ndarray]) -> dict[str, Any]:
    """Recall, raw and verified precision, and recall by bucket of candidate pairs against the truth."""
    true_keys, true_j = table[0][table[1] >= THRESHOLD], table[1][table[1] >= THRESHOLD]
    cand_j = jaccard_of(table, candidates)
    verified = cand_j >= THRESHOLD
    hit = np.isin(true_keys, candidates[verified])
    buckets = {}
    for lo, hi in itertools.pairwise(BUCKETS):
        inside = (true_j >= lo) & ((true_j < hi) if hi < 1.0 else (true_j <= hi))
        buckets[f"{lo:.2f}-{hi:.2f}"] = (int(hit[inside].sum()), int(inside.sum()))
    return {"candidates": len(candidates), "true_pairs": len(true_keys), "found": int(hit.sum()),
            "recall": hit.mean() if len(hit) else 1.0,
            "raw_precision": verified.mean() if len(verified) else 1.0,
            "verified_precision": (cand_j[verified] >= THRESHOLD).mean() if verified.any() else 1.0,
            "buckets": buckets, "missed_jaccard": sorted(true_j[~hit].round(4).tolist())[:10]}


def run_fidelity(name: str, texts: list[str], planted: list[tuple[int, int]]) -> dict[str, Any]:
    """The fidelity table of one set, printed."""
    hasher = MinHasher(NUM_PERM, Settings().shingle_words, Settings().minhash_seed)
    hashes, offsets = hasher.shingle_hashes(texts)
    started = time.perf_counter()
    table = sharing_pairs(hashes, offsets)
    truth_s = time.perf_counter() - started
    signatures = hasher.signatures_of(hashes, offsets)
    started = time.perf_counter()
    ours = score(ours_candidates(signatures), table)
    ours["seconds"] = time.perf_counter() - started
    started = time.perf_counter()
    ds_pairs, (b, r) = datasketch_candidates(signatures)
    theirs = score(ds_pairs, table)
    theirs["seconds"] = time.perf_counter() - started
    sources, copies = (np.array(x, dtype=np.int64) for x in zip(*planted, strict=True))
    planted_j = jaccard_of(table, pair_key(sources, copies))
    spread = np.histogram(planted_j, bins=[0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0 + 1e-9])[0].tolist()
    bands, rows = choose_bands(THRESHOLD, NUM_PERM)
    print(f"\n{name}: {len(texts) - len(planted):,} paragraphs + {len(planted):,} planted copies; "
          f"{len(table[0]):,} pairs share a shingle (exact Jaccard in {truth_s:.1f} s), "
          f"{ours['true_pairs']:,} at J ≥ {THRESHOLD}")
    print("  planted copies by Jaccard  <0.5 / 0.5-0.6 / 0.6-0.7 / 0.7-0.8 / 0.8-0.9 / 0.9-1: "
          + " / ".join(map(str, spread)))
    head = "".join(f"{b_:>12}" for b_ in ours["buckets"])
    print(f"  {'':<28}{'cands':>9}{'raw P':>7}{'recall':>8}{'ver. P':>8}{head}{'s':>6}   target")
    goal = f"R ≥ {RECALL_TARGET}, P ≥ {PRECISION_TARGET}"
    ok = ours["recall"] >= RECALL_TARGET and ours["verified_precision"] >= PRECISION_TARGET
    for label, s, target in ((f"ours, {bands} x {rows}", ours, f"{goal}  {_mark(ok)}"),
                             (f"datasketch default, {b} x {r}", theirs, "")):
        cells = "".join(f"{f'{x}/{n}':>12}" for x, n in s["buckets"].values())
        print(f"  {label:<28}{s['candidates']:>9,}{s['raw_precision']:>7.3f}{s['recall']:>8.4f}"
              f"{s['verified_precision']:>8.3f}{cells}{s['seconds']:>6.1f}   {target}")
        if s["missed_jaccard"]:
            print(f"    missed true pairs (first 10 by Jaccard): {s['missed_jaccard']}")
    return {"paragraphs": len(texts), "planted": len(planted), "planted_spread": spread,
            "sharing_pairs": len(table[0]), "ours": ours, "datasketch": theirs | {"bands": b, "rows": r},
            "pass": ok}


@contextlib.contextmanager
def one_core() -> Iterator[None]:
    """Pin the process to one CPU for the duration (where the OS allows it)."""
    affinity = os.sched_getaffinity(0) if hasattr(os, "sched_setaffinity") else None
    if affinity:
        os.sched_setaffinity(0, {min(affinity)})
    try:
        yield
    finally:
        if affinity:
            os.sched_setaffinity(0, affinity)


def shingle_bytes(text: str, ngram: int = 3) -> list[bytes]:
    """Word ``ngram`` shingles of ``shingle_text(text)`` as utf-8 (fewer words: one shingle)."""
    w = shingle_text(text).split()
    if len(w) < ngram:
        return [" ".join(w).encode()] if w else []
    return [" ".join(w[i:i + ngram]).encode() for i in range(len(w) - ngram + 1)]


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of ``repeat`` calls of ``fn``, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def run_speed(rng: np.random.Generator, vocab: np.ndarray, p: np.ndarray, n: int,
              n_loop: int) -> dict[str, Any]:
    """Signatures per second on one core, printed; asserts ours equal datasketch's."""
    texts = generated_paragraphs(rng, n, vocab, p, (80, 80))
    hasher = MinHasher(NUM_PERM, 3, 1)
    kwargs = {"num_perm": NUM_PERM, "seed": 1, "hashfunc": xxhash.xxh32_intdigest}
    with one_core():
        shingle_s, shingles = timed(lambda: [shingle_bytes(t) for t in texts])
        template = datasketch.MinHash(**kwargs)

        def update_loop() -> list[datasketch.MinHash]:
            out = []
            for shingle_list in shingles[:n_loop]:
                m = template.copy()
                for s in shingle_list:
                    m.update(s)
                out.append(m)
            return out

        loop_s, loop = timed(update_loop)
        bulk_s, bulk = timed(lambda: datasketch.MinHash.bulk(shingles, **kwargs))
        hasher.signatures(texts[:10])  # compile / load the numba kernels
        ours_s, ours = timed(lambda: hasher.signatures(texts), repeat=5)
    sample = min(n_loop, n)
    assert np.array_equal(ours[:sample], np.stack([m.hashvalues for m in loop])), "update loop differs"
    assert np.array_equal(ours, np.stack([m.hashvalues for m in bulk])), "MinHash.bulk differs"
    rates = {"python shingling (input of datasketch)": n / shingle_s,
             f"datasketch update loop ({n_loop:,} paragraphs)": n_loop / loop_s,
             f"datasketch MinHash.bulk ({n:,})": n / bulk_s,
             f"ours MinHasher.signatures ({n:,}, best of 5)": n / ours_s}
    ratio = (n / ours_s) / (n / bulk_s)
    ok = n / ours_s >= SIGS_PER_S_TARGET
    print(f"\nsignature speed, one core, 80-word paragraphs, {NUM_PERM} permutations "
          f"(ours == datasketch on all {n:,} (bulk) and {sample:,} (update loop): yes)")
    for i, (label, rate) in enumerate(rates.items()):
        extra = f"   {ratio:.0f} x bulk; target ≥ {SIGS_PER_S_TARGET:,}/s  {_mark(ok)}" if i == 3 else ""
        print(f"  {label:<48}{rate:>12,.0f} /s{extra}")
    return {"per_second": rates, "ours_over_bulk": ratio, "equal": True, "pass": ok}


def traced_bytes(build: Callable[[], Any]) -> tuple[int, Any]:
    """Memory ``build()``'s result holds, by tracemalloc (what was allocated and not freed)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    result = build()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return held, result


def run_index(rng: np.random.Generator, n_ours: int, n_ds: int) -> dict[str, Any]:
    """Index inserts per second and bytes per block, ours against MinHashLSH, printed."""
    signatures = rng.integers(0, 2**32, (n_ours, NUM_PERM), dtype=np.uint32)
    bands, rows = choose_bands(THRESHOLD, NUM_PERM)
    band_keys(signatures[:10], bands, rows)  # load the numba kernel

    def ours() -> BandIndex:
        index = BandIndex(bands)
        for start in range(0, n_ours, 10_000):
            batch = signatures[start:start + 10_000]
            index.insert(band_keys(batch, bands, rows), np.arange(start, start + len(batch), dtype=np.uint32))
        return index

    sketches = [lean(row) for row in signatures[:n_ds]]

    def theirs() -> datasketch.MinHashLSH:
        lsh = datasketch.MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        for i, sketch in enumerate(sketches):
            lsh.insert(i, sketch)
        return lsh

    with one_core():
        ours_s, index = timed(ours, repeat=3)
        theirs_s, lsh = timed(theirs, repeat=3)
    ours_bytes, _ = traced_bytes(ours)
    theirs_bytes, _ = traced_bytes(theirs)
    figures = {"ours": {"blocks": n_ours, "inserts_per_s": n_ours / ours_s,
                        "bytes_per_block": ours_bytes / n_ours, "nbytes_per_block": index.nbytes() / n_ours,
                        "layout": f"{bands} x {rows}"},
               "datasketch": {"blocks": n_ds, "inserts_per_s": n_ds / theirs_s,
                              "bytes_per_block": theirs_bytes / n_ds, "layout": f"{lsh.b} x {lsh.r}"}}
    speed_ok = figures["ours"]["inserts_per_s"] >= INSERTS_PER_S_TARGET
    size_ok = figures["ours"]["bytes_per_block"] <= BYTES_PER_BLOCK_TARGET
    print(f"\nindex, one core, random signatures; bytes by tracemalloc over a second, untimed build"
          f"\n  {'':<36}{'blocks':>9}{'inserts/s':>12}{'bytes/block':>13}   target")
    for label, s in (("ours BandIndex " + figures["ours"]["layout"], figures["ours"]),
                     ("datasketch MinHashLSH " + figures["datasketch"]["layout"], figures["datasketch"])):
        goal = (f"≥ {INSERTS_PER_S_TARGET:,}/s {_mark(speed_ok)}, ≤ {BYTES_PER_BLOCK_TARGET} B "
                f"{_mark(size_ok)}" if s is figures["ours"] else "")
        print(f"  {label:<36}{s['blocks']:>9,}{s['inserts_per_s']:>12,.0f}"
              f"{s['bytes_per_block']:>13.1f}   {goal}")
    print(f"  ours: index arrays' nbytes {figures['ours']['nbytes_per_block']:.1f} B/block; "
          f"{figures['ours']['inserts_per_s'] / figures['datasketch']['inserts_per_s']:.0f} x datasketch's "
          "inserts/s")
    return figures | {"pass": {"inserts_per_s": speed_ok, "bytes_per_block": size_ok}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (under a minute)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write all figures as JSON")
    args = parser.parse_args()
    size = {k: v[0] if args.quick else v[1] for k, v in SIZES.items()}
    rng = np.random.default_rng(SEED)
    vocab, p = zipf_vocabulary(rng)
    print(f"dedup benchmark{' (--quick)' if args.quick else ''}: fidelity of LSH against exact "
          f"word-3-gram Jaccard ≥ {THRESHOLD}, signature speed, index cost; datasketch "
          f"{datasketch.__version__} measured alongside")
    figures: dict[str, Any] = {"quick": args.quick, "threshold": THRESHOLD}
    pool = vocab[rng.choice(len(vocab), 100_000, p=p)]
    generated = generated_paragraphs(rng, size["generated"], vocab, p, (40, 120))
    texts, planted = plant_copies(rng, generated, pool)
    figures["generated"] = run_fidelity("generated", texts, planted)
    real = real_paragraphs()
    if real is None:
        print(f"\nreal paragraphs: {SHARED / 'eval'} not found, set skipped")
    else:
        if size["real"] and len(real) > size["real"]:
            real = [real[i] for i in sorted(rng.choice(len(real), size["real"], replace=False).tolist())]
        real_pool = np.array([w for line in real for w in words(line)])
        texts, planted = plant_copies(rng, real, real_pool)
        figures["real"] = run_fidelity("real paragraphs (eval truth lines)", texts, planted)
    figures["speed"] = run_speed(rng, vocab, p, size["speed"], size["update_loop"])
    figures["index"] = run_index(rng, size["ours_index"], size["datasketch_index"])
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False,
                                        default=lambda x: x.item() if isinstance(x, np.generic) else str(x)),
                             encoding="utf-8")
        print(f"\nfigures written to {args.json}")


if __name__ == "__main__":
    main()
