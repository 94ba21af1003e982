"""The corpus as analysts open it (issue 15): DuckDB views over committed files with the contract's
comments, `dedupe sql`, Polars, and the README's three questions with the same answers everywhere."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from dedupe.corpus import committed_files
from dedupe.run import run_pipeline
from dedupe.schema import BLOCKS
from dedupe.settings import Settings
from dedupe.views import connect
from tests.servers import BIN

README = Path(__file__).resolve().parent.parent / "README.md"


def _readme_queries() -> list[str]:
    """The SQL block under "The three questions" in the README: the queries a user copies."""
    text = README.read_text(encoding="utf-8")
    block = text.split("The three questions a data team asks first", 1)[1].split("```sql", 1)[1].split("```", 1)[0]
    return [q.strip() for q in re.sub(r"--[^\n]*", "", block).split(";") if q.strip()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds under two sites (syndicated copies across sites), in two runs."""
    tmp = tmp_path_factory.mktemp("analyst")
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    shutil.copytree(seeds, tmp / "in" / "alpha.example")
    run_pipeline([tmp / "in"], tmp / "out", Settings(workers=1))
    shutil.copytree(seeds, tmp / "in" / "beta.example")
    for f in (tmp / "in" / "beta.example").iterdir():
        f.write_text("Beta Daily\n" + f.read_text(encoding="utf-8"), encoding="utf-8")
    run_pipeline([tmp / "in"], tmp / "out", Settings(workers=1))
    return tmp / "out"


def test_the_readme_questions_give_answers_and_the_same_in_polars(corpus: Path) -> None:
    con = connect(corpus)
    removed, copied, by_ratio = (con.sql(q).fetchall() for q in _readme_queries())
    assert {source for source, _ in removed} == {"alpha.example", "beta.example"}
    assert all(0 < share < 1 for _, share in removed)
    assert copied and copied[0][2] >= 2 and copied[0][0]  # a paragraph copied at least twice, with its text
    assert by_ratio[0][2] > 0.5 and by_ratio[0][3] is not None  # a syndicated copy, pointing at its original
    blocks = pl.scan_parquet(committed_files(corpus, "blocks"))
    share = (blocks.group_by("source").agg(
        (pl.col("text").str.len_chars().filter(~pl.col("label").is_in(["content", "title"])).sum()
         / pl.col("text").str.len_chars().sum()).round(3).alias("removed_share"))
        .sort("removed_share", descending=True).collect())
    assert sorted(share.rows()) == sorted(removed)


def test_views_list_committed_files_only_and_carry_the_contract(corpus: Path) -> None:
    stray = corpus / "blocks" / "run=99991231T000000.000000Z-stray0"
    stray.mkdir()
    shutil.copy(next((corpus / "blocks").glob("run=*/*.parquet")), stray / "part-000000.parquet")
    try:
        con = connect(corpus)
        n_views = con.sql("select count(*) from blocks").fetchall()[0][0]
        n_committed = duckdb.sql(f"select count(*) from read_parquet({committed_files(corpus, 'blocks')})").fetchall()
        assert n_views == n_committed[0][0]
    finally:
        shutil.rmtree(stray)
    comments = dict(con.sql("select column_name, comment from duckdb_columns() where table_name = 'blocks'").fetchall())
    assert set(comments) == {*BLOCKS.names, "run"} and all(comments.values())
    assert comments["source"].startswith("The site of its document")
    assert (corpus / "_corpus" / "views.sql").read_text().count("CREATE OR REPLACE VIEW") == 8


def test_dedupe_sql_answers_on_the_command_line(corpus: Path) -> None:
    result = subprocess.run([str(BIN / "dedupe"), "sql", str(corpus), "select count(*) as n from documents", "--csv"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["n", "10"]
    bad = subprocess.run([str(BIN / "dedupe"), "sql", str(corpus), "select nope from blocks"], capture_output=True,
                         text=True, timeout=60)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "nope" in bad.stderr


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs a Java runtime (.ci/run installs one)")
def test_spark_reads_each_table_folder_and_answers_the_readme_questions_alike(corpus: Path) -> None:
    pyspark_sql = pytest.importorskip("pyspark.sql")
    spark = (pyspark_sql.SparkSession.builder.master("local[1]").appName("dedupe-readme")
             .config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC").getOrCreate())
    try:
        for table in ("documents", "blocks"):  # the README's call: one table folder each
            spark.read.parquet(str(corpus / table)).createOrReplaceTempView(table)
        assert "run" in spark.table("blocks").columns  # partition discovery
        con = connect(corpus)

        def figures(rows: list[Any]) -> list[tuple[float, ...]]:  # ties under a LIMIT may pick other rows
            return sorted(tuple(round(float(v), 4) for v in row if isinstance(v, int | float)) for row in rows)

        for query in _readme_queries():
            assert figures(spark.sql(query).collect()) == figures(con.sql(query).fetchall()), query
    finally:
        spark.stop()
