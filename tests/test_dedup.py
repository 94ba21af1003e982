"""Duplicate detection: the MinHash kernel against datasketch, the index against brute force, and the
decisions (exact, near, edited, cross-article, order) on articles written for these tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import datasketch
import duckdb
import numpy as np
import pytest
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedupe.dedup.deduplicator import Deduplicator
from dedupe.dedup.lsh import BandIndex, band_keys, candidate_probability, choose_bands
from dedupe.dedup.minhash import MinHasher, affine32_permutations, xxh32
from dedupe.dedup.text import exact_form, exact_forms, exact_key, normalise_batch, shingle_text
from dedupe.run import run_pipeline
from dedupe.settings import Settings

HASHER = MinHasher()


def _datasketch_signature(text: str, ngram: int = 3) -> np.ndarray:
    m = datasketch.MinHash(num_perm=128, seed=1, hashfunc=xxhash.xxh32_intdigest)
    w = shingle_text(text).split()
    shingles = [" ".join(w[i:i + ngram]) for i in range(max(1, len(w) - ngram + 1))] if w else []
    if shingles:
        m.update_batch([s.encode("utf-8") for s in shingles])
    return m.hashvalues


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=100))
def test_xxh32_kernel_equals_the_xxhash_library(data: bytes) -> None:
    assert int(xxh32(np.frombuffer(data, dtype=np.uint8), 0, len(data))) == xxhash.xxh32_intdigest(data)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=512), st.integers(min_value=0, max_value=2**31))
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    a, b = affine32_permutations(num_perm, seed)
    expected = datasketch.MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    assert np.array_equal(a, expected[0]) and np.array_equal(b, expected[1])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab cd,.«»—\u00a0\tЖжΣς中文")), max_size=60),
                min_size=1, max_size=5))
def test_signatures_equal_datasketch_minhash(texts: list[str]) -> None:
    ours = HASHER.signatures(texts)
    for text, row in zip(texts, ours, strict=True):
        assert np.array_equal(row, _datasketch_signature(text))


def test_lean_minhash_queries_a_datasketch_index_built_from_the_corpus(tmp_path: Path, seeds_dir: Path) -> None:
    run_pipeline([seeds_dir], tmp_path)
    rows = duckdb.sql(f"select s.doc_id, s.block_idx, s.minhash, b.text from '{tmp_path}/signatures/**/*.parquet' s "
                      f"join '{tmp_path}/blocks/**/*.parquet' b using (doc_id, block_idx)").fetchall()
    lsh = datasketch.MinHashLSH(threshold=0.8, num_perm=128)
    for doc_id, block_idx, minhash, _ in rows:
        lsh.insert(f"{doc_id}:{block_idx}", datasketch.LeanMinHash(
            seed=1, hashvalues=np.array(minhash, dtype=np.uint32), scheme="affine32"))
    doc_id, block_idx, _, text = rows[3]
    query = HASHER.lean_minhash(text.upper() + "  ")  # case and spacing do not matter
    assert f"{doc_id}:{block_idx}" in lsh.query(query)


def test_band_layout_reaches_the_target_recall() -> None:
    for threshold in (0.6, 0.7, 0.8, 0.9):
        bands, rows = choose_bands(threshold, 128)
        assert bands * rows <= 128
        assert candidate_probability(threshold, bands, rows) >= 0.99
        assert rows == 128 or candidate_probability(threshold, 128 // (rows + 1), rows + 1) < 0.99


def test_band_index_finds_exactly_the_pairs_brute_force_finds() -> None:
    rng = np.random.default_rng(7)
    keys = rng.integers(0, 50, size=(600, 4), dtype=np.uint32)  # small key space: many collisions
    index = BandIndex(4)
    found: set[tuple[int, int]] = set()
    for start in range(0, 600, 97):  # uneven batches exercise the run merging
        batch = keys[start:start + 97]
        rows, ids = index.query(batch)
        found.update((start + int(r), int(i)) for r, i in zip(rows, ids, strict=True))
        index.insert(batch, np.arange(start, start + len(batch), dtype=np.uint32))
    # A batch is queried before it is inserted: pairs within one batch are not the index's to find.
    expected = {(j, i) for j in range(600) for i in range(j - j % 97) if (keys[i] == keys[j]).any()}
    assert found == expected
    assert index.nbytes() == 600 * 4 * 8


def test_band_keys_depend_on_every_row_of_the_band() -> None:
    sig = np.arange(12, dtype=np.uint32).reshape(1, 12)
    base = band_keys(sig, 3, 4)
    for col in range(12):
        changed = sig.copy()
        changed[0, col] += 1
        diff = band_keys(changed, 3, 4) != base
        assert diff[0, col // 4] and diff.sum() == 1


# --- decisions ---------------------------------------------------------------------------------

STORY = [
    "The harbour council voted on Thursday to open a second ferry route between the old town pier and "
    "the northern islands, ending two years of debate over cost and noise in the waterfront district.",
    "Councillors approved the plan by nine votes to four after a three-hour session in which residents "
    "argued that evening sailings would keep them awake, and asked for a curfew on the last boats.",
    "The operator says the new boats run on batteries for most of the crossing and are far quieter than "
    "the diesel ferries they replace. Services are due to start in the spring. Fares will be capped.",
    "Opponents have until the end of the month to lodge a formal appeal with the regional planning board, "
    "which could delay the first sailings by at least six months, the council's lawyers said.",
]


def decide(docs: list[tuple[str, list[str]]], **overrides: object) -> list[tuple[str, int, str, int, str]]:
    d = Deduplicator(Settings.from_mapping(overrides))  # type: ignore[arg-type]
    for doc_id, blocks in docs:
        d.add(doc_id, list(enumerate(blocks)))
    return [(x.doc_id, x.block_idx, x.dup_doc, x.dup_block, x.reason) for x in d.finish()]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aZ 7,.\t\n") + ["٣", "０", "𝟗", "\u1680", "\u3000", "\xa0",
                                                                   "é", "\u2028", "中", "\x1f", "Σ", "'"]),
                        max_size=30), min_size=1, max_size=8))
def test_exact_forms_in_arrays_are_the_definition(texts: list[str]) -> None:
    joined = normalise_batch(texts)
    forms, n_words = exact_forms(joined)
    lines = joined.split("\n")
    assert forms == [exact_form(t) for t in texts] == [" ".join(line.split()) for line in lines]
    assert n_words.tolist() == [len(line.split()) for line in lines]


def test_exact_copies_fold_case_spacing_and_punctuation_but_keep_numbers() -> None:
    assert exact_key("Fares rise 3% on 1 May!") == exact_key("fares RISE 3 %  on 1 may")
    assert exact_key("Fares rise 3% on 1 May!") != exact_key("Fares rise 7% on 12 May!")
    variant = STORY[1].upper().replace(",", "").replace("nine", "NINE") + "  "
    assert decide([("a", STORY), ("b", [variant])]) == [("b", 0, "a", 1, "exact")]


def test_near_copy_with_typos_is_found_and_a_different_paragraph_is_not() -> None:
    one_typo = STORY[0].replace("waterfront", "waterfornt")
    two_typos = STORY[1].replace("Councillors", "Councilors").replace("curfew", "curfue")
    other = ("The weather office warned of strong winds on the coast this weekend, with gusts of up to "
             "ninety kilometres an hour expected on the exposed northern headlands.")
    result = decide([("a", STORY), ("b", [one_typo, other, two_typos])])
    assert [r[:4] for r in result] == [("b", 0, "a", 0), ("b", 2, "a", 1)]
    assert result[0][4] == "near"  # Jaccard 0.9
    assert result[1][4] in ("near", "containment")  # six of 36 shingles changed: Jaccard 0.7


def test_edited_repeat_within_an_article_is_found_by_containment() -> None:
    edited = STORY[2].replace("Fares will be capped.", "Ticket prices for islanders will be frozen for years.")
    result = decide([("a", [*STORY, edited])])
    assert result == [("a", 4, "a", 2, "containment")]


def test_syndicated_copy_with_other_chrome_a_trimmed_ending_and_an_edited_lead() -> None:
    lead = STORY[0].replace("voted on Thursday", "voted late on Thursday evening")
    trimmed = STORY[3].split(", which")[0] + "."
    copy = [lead, STORY[1], STORY[2], trimmed]
    result = decide([("wire", STORY), ("copy", copy)])
    assert [r[:4] for r in result] == [("copy", 0, "wire", 0), ("copy", 1, "wire", 1),
                                       ("copy", 2, "wire", 2), ("copy", 3, "wire", 3)]


def test_duplicates_point_to_kept_blocks_only() -> None:
    # B is A with its last six words changed, C is B with its first six changed: A~B and B~C
    # (Jaccard 0.85) but not A~C (0.72). B is a duplicate, so C is compared with A only: kept.
    a = [f"w{i}" for i in range(100)]
    b = a[:94] + [f"x{i}" for i in range(6)]
    c = [f"y{i}" for i in range(6)] + b[6:]
    result = decide([("x", [" ".join(a)]), ("y", [" ".join(b)]), ("z", [" ".join(c)])],
                    containment_threshold=0.95)
    assert result == [("y", 0, "x", 0, "near")]


def test_short_blocks_only_match_exactly_and_very_short_ones_not_at_all() -> None:
    assert decide([("a", ["Why It Matters", "The route opens in spring"]),
                   ("b", ["Why It Matters", "The route opens in spring"])]) == [("b", 1, "a", 1, "exact")]


@pytest.mark.parametrize("chunk_blocks", [1, 2, 3, 5])
def test_decisions_do_not_depend_on_the_chunking(chunk_blocks: int) -> None:
    # A chunk's look-ups run while the chunk before it is walked, so a copy of a block that the
    # chunk just before kept is found late (in the walk), one of an older chunk in the index.
    lead = STORY[0].replace("voted on Thursday", "voted late on Thursday evening")
    trimmed = STORY[3].split(", which")[0] + "."
    edited = STORY[2].replace("Fares will be capped.", "Ticket prices for islanders will be frozen for years.")
    docs = [("wire", STORY), ("copy", [lead, STORY[1].upper(), trimmed]), ("later", [edited, STORY[1]]),
            ("echo", [STORY[2], "A fresh paragraph of reporting on the fares that nobody else wrote."]),
            ("last", [trimmed, STORY[0].replace("waterfront", "waterfornt")])]

    def run(size: int) -> list[tuple[str, int, str, int, str]]:
        d = Deduplicator(Settings(), chunk_blocks=size)
        for doc_id, blocks in docs:
            d.add(doc_id, list(enumerate(blocks)))
        return [(x.doc_id, x.block_idx, x.dup_doc, x.dup_block, x.reason) for x in d.finish()]

    whole = run(8192)
    assert run(chunk_blocks) == whole
    assert {r[4] for r in whole} == {"exact", "near", "containment"}
    assert all(r[2] in ("wire", "echo") for r in whole)  # kept blocks only: "copy" keeps none


def test_document_shares_and_near_duplicate_of() -> None:
    d = Deduplicator(Settings())
    d.add("wire", list(enumerate(STORY)))
    d.add("copy", list(enumerate(STORY[:3])))
    d.add("quote", list(enumerate([STORY[0], "A fresh paragraph of reporting on the fares that nobody else wrote."])))
    d.finish()
    stats = d.document_stats()
    assert stats["copy"].duplicate_ratio == 1.0 and stats["copy"].near_duplicate_of == "wire"
    assert 0.5 < stats["quote"].duplicate_ratio < 0.8 and stats["quote"].near_duplicate_of is None
    assert "wire" not in stats


# --- end to end ---------------------------------------------------------------------------------

def test_seeds_mark_exactly_the_five_repeats_and_the_repeated_headlines(tmp_path: Path, seeds_dir: Path) -> None:
    run_pipeline([seeds_dir], tmp_path)
    rows = duckdb.sql(f"""select d.path, b.block_idx, b.reason, b.duplicate_of_block, b.start
        from '{tmp_path}/blocks/**/*.parquet' b join '{tmp_path}/documents/**/*.parquet' d using (doc_id)
        where b.label = 'duplicate' order by 1, 2""").fetchall()
    text = (seeds_dir / "001_927cb4e43b5f7477.txt").read_text(encoding="utf-8")
    line_of = {start: text.count("\n", 0, start) + 1 for *_, start in rows}
    seed_001 = [(line_of[start], reason) for path, _, reason, _, start in rows if path.startswith("001")]
    assert [line for line, _ in seed_001] == [7, 13, 14, 15, 16]
    assert all(reason.startswith("duplicate:") for _, reason in seed_001)
    headlines = [(path[:3], reason) for path, _, reason, _, _ in rows if not path.startswith("001")]
    assert headlines == [("003", "title_repeat"), ("004", "title_repeat"), ("004", "title_repeat")]
    (text_001,) = duckdb.sql(f"select text from '{tmp_path}/documents/**/*.parquet' where path like '001%'").fetchall()[0]
    assert text_001.count("Numerous recruitment videos are easily found") == 1


def _articles(root: Path, names: list[str]) -> None:
    wire = "\n".join(["Harbour council approves ferry route", *STORY])
    copy = "\n".join(["Share this article", "Ferry route approved", *STORY[:3], "Follow us on Telegram"])
    other = "\n".join(["Storm closes the coastal road", "Heavy rain closed the coastal road on Monday and "
                       "engineers said it could stay shut for a week while they inspect the sea wall."])
    for name, body in zip(names, [wire, copy, other], strict=True):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(body + "\n", encoding="utf-8")


def _decisions(out: Path) -> list[tuple[str, int, str, int]]:
    return duckdb.sql(f"""select d.path, b.block_idx, k.path, b.duplicate_of_block
        from '{out}/blocks/**/*.parquet' b join '{out}/documents/**/*.parquet' d using (doc_id)
        join '{out}/documents/**/*.parquet' k on k.doc_id = b.duplicate_of_doc
        where b.label = 'duplicate' order by 1, 2""").fetchall()


def test_kept_copy_is_the_first_in_path_order_whatever_the_batches(tmp_path: Path) -> None:
    _articles(tmp_path / "in", ["a/wire.txt", "b/copy.txt", "c/other.txt"])
    run_pipeline([tmp_path / "in"], tmp_path / "one", Settings(batch_files=100))
    one = _decisions(tmp_path / "one")
    assert [(path, kept) for path, _, kept, _ in one] == [("b/copy.txt", "a/wire.txt")] * 3
    # The same files written in another order, found through a glob, cut into other batches.
    _articles(tmp_path / "again", ["c/other.txt", "b/copy.txt", "a/wire.txt"][::-1])
    run_pipeline([str(tmp_path / "again" / "*" / "*.txt")], tmp_path / "many", Settings(batch_files=1))
    assert _decisions(tmp_path / "many") == one


def test_shuffled_records_with_dates_give_the_same_decisions(tmp_path: Path) -> None:
    import json
    import random

    bodies = ["\n".join(STORY), "\n".join(STORY[:3]), "\n".join([STORY[3], STORY[0]]), "\n".join(STORY[1:])]
    records = [{"text": b, "url": f"https://site{i}.example/a", "published": f"2025-03-0{i + 1}"}
               for i, b in enumerate(bodies)]
    results = []
    for seed in range(3):
        random.Random(seed).shuffle(records)
        (tmp_path / f"in{seed}").mkdir()
        (tmp_path / f"in{seed}" / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
        run_pipeline([tmp_path / f"in{seed}"], tmp_path / f"out{seed}")
        results.append(duckdb.sql(f"""select d.source, b.block_idx, k.source, b.duplicate_of_block
            from '{tmp_path}/out{seed}/blocks/**/*.parquet' b join '{tmp_path}/out{seed}/documents/**/*.parquet' d
            using (doc_id) join '{tmp_path}/out{seed}/documents/**/*.parquet' k on k.doc_id = b.duplicate_of_doc
            where b.label = 'duplicate' order by 1, 2""").fetchall())
    assert results[0] == results[1] == results[2]
    assert {kept for _, _, kept, _ in results[0]} == {"site0.example"}


def test_earliest_published_copy_is_kept(tmp_path: Path) -> None:
    import json

    (tmp_path / "in").mkdir()
    wire, copy = "\n".join(STORY), "\n".join(STORY[:3])
    records = [{"text": wire, "url": "https://late.example/x", "published": "2025-03-02"},
               {"text": copy, "url": "https://early.example/y", "published": "2025-03-01T08:00:00Z"}]
    (tmp_path / "in" / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    run_pipeline([tmp_path / "in"], tmp_path / "out")
    rows = duckdb.sql(f"""select source, n_duplicate, duplicate_ratio, near_duplicate_of is not null
        from '{tmp_path}/out/documents/**/*.parquet' order by source""").fetchall()
    assert rows == [("early.example", 0, 0.0, False), ("late.example", 3, pytest.approx(0.75, abs=0.05), False)]


def test_dedup_can_be_switched_off(tmp_path: Path) -> None:
    _articles(tmp_path / "in", ["a/wire.txt", "b/copy.txt", "c/other.txt"])
    run_pipeline([tmp_path / "in"], tmp_path / "out", Settings(dedup=False))
    assert _decisions(tmp_path / "out") == []
    shutil.rmtree(tmp_path / "out")
