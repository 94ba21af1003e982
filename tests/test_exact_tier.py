"""Numbers are content: the exact tier keeps them (issue 13, item 6), the near tier shingles them,
and a corpus whose stored exact keys were computed another way is refused, not mixed."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pytest

from dedupe.corpus import Manifest
from dedupe.dedup.deduplicator import Deduplicator
from dedupe.dedup.features import FeatureComputer
from dedupe.dedup.minhash import MinHasher
from dedupe.dedup.text import exact_form, exact_key, shingle_text
from dedupe.run import run_pipeline
from dedupe.settings import Settings


def decide(docs: list[tuple[str, list[str]]]) -> list[tuple[str, int, str, int, str]]:
    d = Deduplicator(Settings())
    for doc_id, blocks in docs:
        d.add(doc_id, list(enumerate(blocks)))
    return [(x.doc_id, x.block_idx, x.dup_doc, x.dup_block, x.reason) for x in d.finish()]


# --- the exact form ------------------------------------------------------------------------------

SCORE_LINES = [
    ("84 minutes: Luton 2 Villa 2", "95 minutes: Luton 2 Villa 3"),
    ("84 minutes: Luton 2 Villa 2", "84 minutes: Luton 2 Villa 3"),  # one goal apart
    ("FT: Arsenal 1-0 Spurs, Saka 17'", "FT: Arsenal 0-1 Spurs, Saka 71'"),  # the same digits, swapped
    ("Final score: Kent 10-2 Essex", "Final score: Kent 1-02 Essex"),  # the separator moved
    ("Set three: Alcaraz 6-4 Sinner", "Set three: Alcaraz 6-4 Sinner 7-6"),
    ("Half time at Elland Road: Leeds 1 Hull 1", "Half time at Elland Road: Leeds 11 Hull 1"),
]

PRICE_LINES = [
    ("Tickets cost £4.99 at the door.", "Tickets cost £5.49 at the door."),
    ("The house sold for $1,000,000 in June.", "The house sold for $1,500,000 in June."),
    ("Brent crude rose to $83.12 a barrel", "Brent crude rose to $83.21 a barrel"),
    ("Shares closed up 3.5% on the day", "Shares closed up 35% on the day"),  # a decimal point is not nothing
    ("Unemployment fell to 4.2 per cent", "Unemployment fell to 4.02 per cent"),
    ("The fare is ٣ dinars in Baghdad", "The fare is ٤ dinars in Baghdad"),  # Arabic-Indic digits
    ("Ein Bier kostet ４ Euro", "Ein Bier kostet ５ Euro"),  # full-width digits
]

DATE_LINES = [
    ("The vote is on 12 May 2025", "The vote is on 21 May 2025"),
    ("Polls close at 21:00 on 2025-05-12", "Polls close at 21:00 on 2025-05-21"),
]


@pytest.mark.parametrize(("first", "second"), SCORE_LINES + PRICE_LINES + DATE_LINES)
def test_lines_with_other_numbers_are_different_texts(first: str, second: str) -> None:
    # Shorter than near_min_words: the exact tier alone decides.
    assert len(exact_form(first).split()) < Settings().near_min_words
    assert exact_key(first) != exact_key(second)
    assert decide([("a", [first]), ("b", [second])]) == []


@pytest.mark.parametrize(("line", "repeat"), [
    ("84 minutes: Luton 2 Villa 2", "84 MINUTES — Luton 2, Villa 2!"),
    ("FT: Arsenal 1-0 Spurs", "ft  arsenal 1 : 0 spurs"),
    ("Tickets cost £4.99 at the door.", "TICKETS COST 4.99 AT THE DOOR"),  # the pound sign is punctuation
    ("The house sold for $1,000,000 in June.", "the house sold for 1 000 000 in june"),
    ("Shares closed up 3.5% on the day", "Shares closed up 3,5 % on the day"),  # decimal comma
    ("The fare is ٣ dinars in Baghdad", "the fare is ٣ dinars in baghdad."),
])
def test_the_same_numbers_up_to_case_spacing_and_punctuation_are_copies(line: str, repeat: str) -> None:
    assert exact_key(line) == exact_key(repeat)
    assert decide([("a", [line]), ("b", [repeat])]) == [("b", 0, "a", 0, "exact")]


def test_digits_are_kept_as_written_whatever_the_script() -> None:
    assert exact_form("Row ٣ of ３: 3") == "row ٣ of ３ 3"
    assert len({exact_key(f"The fare is {d} dinars") for d in ("3", "٣", "３", "۳", "३")}) == 5
    assert exact_form("3.5") != exact_form("35") and exact_form("1,000") != exact_form("1000")


def test_long_lines_with_one_other_number_are_never_exact_copies() -> None:
    # Ten words or more: the near and containment tiers may still call them an edited copy (their
    # thresholds on shingles, numbers included, decide: here 0.73 and 0.82 of the shingles are
    # shared), but never an exact one, and never with similarity 1.
    report = ("With eighty four minutes played at Kenilworth Road, Luton 2 Villa 2, and the home crowd "
              "sensed a winner as the rain came down")
    later = report.replace("eighty four", "ninety five").replace("Villa 2", "Villa 3")
    price = ("Tickets for the concert at the town hall cost £4.99 at the door and £3.99 online, the "
             "organisers said on Monday evening")
    for first, second in ((report, later), (price, price.replace("£4.99", "£5.49"))):
        assert exact_key(first) != exact_key(second)
        d = Deduplicator(Settings())
        d.add("a", [(0, first)])
        d.add("b", [(0, second)])
        assert all(x.reason in ("near", "containment") and x.similarity < 1 for x in d.finish())


# --- the near tier ---------------------------------------------------------------------------------

RESULTS = ("Saturday results: Luton 2 Villa 3, Leeds 1 Hull 0, Derby 4 Stoke 4, Wigan 0 Bolton 1, "
           "Fulham 3 Burnley 2, Reading 1 Exeter 1, Barnsley 2 Oxford 0.")


def test_shingles_include_numbers() -> None:
    assert shingle_text("Luton 2, Villa 3.") == "luton 2 villa 3"
    hasher = MinHasher()
    hashes, offsets = hasher.shingle_hashes(["Luton 2 Villa", "Luton 3 Villa", "Luton 0 Villa"])  # one each
    assert len(set(hashes.tolist())) == 3 and offsets.tolist() == [0, 1, 2, 3]


def test_a_results_table_with_other_scores_is_not_a_near_copy() -> None:
    other_scores = ("Saturday results: Luton 0 Villa 1, Leeds 3 Hull 3, Derby 1 Stoke 0, Wigan 2 Bolton 2, "
                    "Fulham 0 Burnley 0, Reading 4 Exeter 2, Barnsley 1 Oxford 1.")
    typo = RESULTS.replace("Barnsley", "Barnsly")
    assert decide([("a", [RESULTS]), ("b", [other_scores]), ("c", [typo])]) == [("c", 0, "a", 0, "near")]


# --- end to end: a table page ----------------------------------------------------------------------

CITIES = ("Lisbon", "Oslo", "Quito", "Perth", "Lagos", "Hanoi")


def _row(n: int, city: str, value: int) -> str:
    return f"Row {n} | {city} | {value // 100:,}.{value % 100:02d}"


def _reformat(line: str, how: int) -> str:
    """The same row as another site or another template would write it."""
    if how == 0:
        return line.upper().replace(" | ", " ; ")
    if how == 1:
        return line.replace(" | ", "  \t").replace(",", " ")  # a space as thousands separator
    return "| " + line.lower() + " |"


def _blocks(out: Path) -> dict[tuple[str, str], tuple[str, str, str | None, int | None]]:
    """(path, text) -> (label, reason, path of the kept block's document, its block_idx)."""
    rows = duckdb.sql(f"""select d.path, b.text, b.label, b.reason, k.path, b.duplicate_of_block
        from '{out}/blocks/**/*.parquet' b join '{out}/documents/**/*.parquet' d using (doc_id)
        left join '{out}/documents/**/*.parquet' k on k.doc_id = b.duplicate_of_doc""").fetchall()
    blocks = {(path, text): (label, reason, kept, kept_block) for path, text, label, reason, kept, kept_block in rows}
    assert len(blocks) == len(rows)  # every (page, text) once: the test's lines are distinct
    return blocks


def test_distinct_table_rows_are_kept_and_reformatted_repeats_are_exact_copies(tmp_path: Path) -> None:
    rng = random.Random(13)
    n_rows = 2000
    # Rows differ in their numbers only: six cities, values drawn from a narrow range (many share
    # digits), so with numbers folded the whole table would be six rows.
    rows = [_row(n, rng.choice(CITIES), rng.randrange(100_000, 10_000_000)) for n in range(1, n_rows + 1)]
    repeated = rng.sample(range(n_rows), 60)
    within = [_reformat(rows[k], 2) for k in repeated[:20]]  # the page repeats a few rows at its end
    mirror = [_reformat(rows[k], i % 2) for i, k in enumerate(repeated[20:])]  # another page copies rows
    edited = []  # and has rows of its own that differ from the first page's by one number
    for k in rng.sample([k for k in range(n_rows) if k not in repeated], 40):
        n, city, value = rows[k].split(" | ")
        changed = f"{value[:-1]}{(int(value[-1]) + 1) % 10}" if k % 2 else value
        edited.append(f"{n} | {city} | {changed}" if k % 2 else f"Row {n_rows + k} | {city} | {value}")
    (tmp_path / "in" / "a").mkdir(parents=True)
    (tmp_path / "in" / "b").mkdir()
    (tmp_path / "in" / "a" / "table.txt").write_text(
        "\n".join(["Rainfall by station, 2024", *rows, *within]) + "\n", encoding="utf-8")
    (tmp_path / "in" / "b" / "mirror.txt").write_text(
        "\n".join(["Station rainfall, mirrored", *mirror, *edited]) + "\n", encoding="utf-8")
    run_pipeline([tmp_path / "in"], tmp_path / "out")
    blocks = _blocks(tmp_path / "out")

    page, copy = "a/table.txt", "b/mirror.txt"
    assert [blocks[page, r][:2] for r in rows] == [("content", "body")] * n_rows
    assert [blocks[copy, r][:2] for r in edited] == [("content", "body")] * len(edited)
    block_of = {r: k + 1 for k, r in enumerate(rows)}  # block 0 is the page's heading
    for path, lines in ((page, within), (copy, mirror)):
        for k, line in zip(repeated[:20] if path == page else repeated[20:], lines, strict=True):
            assert blocks[path, line] == ("duplicate", "duplicate:exact", page, block_of[rows[k]])
    duplicates = [key for key, (label, *_) in blocks.items() if label == "duplicate"]
    assert len(duplicates) == len(repeated)


# --- stored keys of another exact form -------------------------------------------------------------

OLD_LAYOUT = {"num_perm": 128, "shingle_words": 3, "minhash_seed": 1, "bands": 21, "rows": 6,
              "anchor_modulus": 8}  # what the index of a corpus written before exact_form 2 holds


@pytest.mark.parametrize("old", ["no version", "version 1"])
def test_a_corpus_indexed_with_another_exact_form_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             old: str) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "scores.txt").write_text(
        "Late goals at Kenilworth Road\nThe home side pressed for a winner in the rain.\n84 minutes: Luton 2 Villa 2\n",
        encoding="utf-8")
    (tmp_path / "two" / "scores.txt").write_text(
        "Full time at Kenilworth Road\nThe visitors scored twice after the break.\n95 minutes: Luton 2 Villa 3\n",
        encoding="utf-8")
    current = FeatureComputer(Settings()).layout
    assert current == OLD_LAYOUT | {"exact_form": 2}
    with monkeypatch.context() as patch:
        if old == "no version":
            patch.setattr(FeatureComputer, "layout", property(lambda self: dict(OLD_LAYOUT)))
        else:
            patch.setattr("dedupe.dedup.features.EXACT_FORM_VERSION", 1)
        run_pipeline([tmp_path / "one"], tmp_path / "out")
    committed = Manifest.load(tmp_path / "out").run_ids
    with pytest.raises(ValueError, match="exact_form") as refused:
        run_pipeline([tmp_path / "two"], tmp_path / "out")
    assert str(tmp_path / "out") in str(refused.value) and "indexes blocks differently: write a new corpus" in str(refused.value)
    assert Manifest.load(tmp_path / "out").run_ids == committed  # nothing mixed in

    # The same layout is taken: the earlier run's blocks are compared with, by their stored keys.
    run_pipeline([tmp_path / "one"], tmp_path / "new")
    (tmp_path / "two" / "again.txt").write_text(
        "A draw in the rain\nNeither side could find a winner late on.\n84 MINUTES - luton 2, villa 2\n", encoding="utf-8")
    run_pipeline([tmp_path / "two"], tmp_path / "new")
    labels = duckdb.sql(f"""select text, label, reason from '{tmp_path}/new/blocks/**/*.parquet'
        where text ilike '%luton%' order by text""").fetchall()
    # Kept by whichever body step (the model, or the guard on this two-line page): the point is
    # which line is the exact copy.
    assert [(text, label) for text, label, _ in labels] == [
        ("84 MINUTES - luton 2, villa 2", "duplicate"), ("84 minutes: Luton 2 Villa 2", "content"),
        ("95 minutes: Luton 2 Villa 3", "content")]
    assert labels[0][2] == "duplicate:exact"


def test_a_corpus_indexed_with_other_settings_names_them(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.txt").write_text("A headline here\nThe council voted on Thursday to open a "
                                            "second ferry route between the pier and the islands.\n",
                                            encoding="utf-8")
    run_pipeline([tmp_path / "one"], tmp_path / "out", Settings(num_perm=64))
    (tmp_path / "one" / "b.txt").write_text("Another page\nIt rained all week in the harbour town.\n",
                                            encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        run_pipeline([tmp_path / "one"], tmp_path / "out")
    message = str(refused.value)
    assert "'num_perm': 64" in message and "'num_perm': 128" in message
    assert "run with the corpus's settings" in message and "exact_form" not in message
