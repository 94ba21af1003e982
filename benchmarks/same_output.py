"""Whether this checkout writes the same corpus as another version, row for row: the check of a
refactor that must not change behaviour.

    python -m benchmarks.same_output --baseline 511f5a8                # every set (about 15 minutes)
    python -m benchmarks.same_output --baseline 511f5a8 --sets seeds   # a minute

Each set is run by both versions in fresh processes (the baseline from a git worktree, with this
venv), into temporary corpora, through the public entry point ``dedupe.run_pipeline`` with the
default settings. Then every published table is compared row for row with DuckDB (``EXCEPT ALL``
both ways), leaving out what names the run itself (``run_id``, ``added``). The sets:

* ``seeds``: the project's ``seeds/``;
* ``eval-text``, ``eval-html``: every page of ``../shared/eval`` (fundus, aeb, wcxb-dev), as text
  dumps and as HTML;
* ``gen-10k``: the 10,000-article corpus of :mod:`benchmarks.corpus_gen` (text), as
  :mod:`benchmarks.scale` generates it.

Wall times of both versions are printed too, as a ratio in the same command; ``benchmarks.scale
--baseline`` is the throughput measurement proper. Exit status 1 when any table differs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from benchmarks.corpus_gen import generate
from dedupe.schema import TABLES
from dedupe.train.evalsets import SETS, SHARED

PROJECT = Path(__file__).resolve().parent.parent
#: Columns that name the run, not what it found.
RUN_COLUMNS = ("run_id", "added")
ALL_SETS = ("seeds", "eval-text", "eval-html", "gen-10k")
_RUN = "import sys; from dedupe import run_pipeline; run_pipeline(sys.argv[1:-1], sys.argv[-1])"


def inputs_of(name: str, cache: Path) -> list[Path]:
    """The input folders of the set ``name``."""
    if name == "seeds":
        return [PROJECT / "seeds"]
    if name in ("eval-text", "eval-html"):
        kind = name.removeprefix("eval-")
        return [SHARED / "eval" / s / kind for s in SETS]
    if name == "gen-10k":
        corpus = cache / "10000-seed0"
        generate(corpus, 10_000, 0, formats=("text",))
        return [corpus / "text"]
    raise ValueError(f"unknown set {name!r}; known: {', '.join(ALL_SETS)}")


def run_version(project: Path, inputs: list[Path], out: Path) -> float:
    """One run of the checkout at ``project`` on ``inputs`` into ``out``, in a fresh process;
    its wall time."""
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _RUN, *map(str, inputs), str(out)], cwd=project,
                          env={**os.environ, "PYTHONPATH": str(project)}, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the run of {project} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return time.perf_counter() - started


def table_differences(before: Path, after: Path, table: str,
                      examples: int = 3) -> tuple[int, int, int, list[str]]:
    """Rows of ``table`` in ``after``, rows only in ``before``, only in ``after`` (as multisets),
    and a few of the latter."""
    con = duckdb.connect()

    def select(root: Path) -> str:
        # Not the hive partition column (run=...) either: it names the run.
        files = f"read_parquet('{root}/{table}/**/*.parquet', union_by_name=true, hive_partitioning=false)"
        names = [r[0] for r in con.execute(f"describe select * from {files}").fetchall()]
        kept = ", ".join(f'"{n}"' for n in names if n not in RUN_COLUMNS)
        return f"select {kept} from {files}"

    gone = f"({select(before)} except all {select(after)})"
    new = f"({select(after)} except all {select(before)})"
    [(n_rows,)] = con.execute(f"select count(*) from ({select(after)})").fetchall()
    [(n_gone,)] = con.execute(f"select count(*) from {gone}").fetchall()
    [(n_new,)] = con.execute(f"select count(*) from {new}").fetchall()
    shown = [f"  - {row}"[:300] for row in con.execute(f"select * from {gone} limit {examples}").fetchall()]
    shown += [f"  + {row}"[:300] for row in con.execute(f"select * from {new} limit {examples}").fetchall()]
    return int(n_rows), int(n_gone), int(n_new), shown


def _worktree(ref: str, work: Path) -> Path:
    path = work / "baseline-checkout"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), ref], cwd=PROJECT, check=True,
                   capture_output=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", required=True, metavar="REF", help="the git commit to compare with")
    parser.add_argument("--sets", default=",".join(ALL_SETS), help=f"comma-separated: {', '.join(ALL_SETS)}")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "dedupe-scale-corpora",
                        help="where generated corpora are kept (shared with benchmarks.scale)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="dedupe-same-"))
    baseline = _worktree(args.baseline, work)
    differing = 0
    try:
        for version in (baseline, PROJECT):  # numba compiles a fresh checkout's kernels once
            run_version(version, [PROJECT / "seeds"], work / "warm")
        for name in args.sets.split(","):
            inputs = inputs_of(name, args.cache)
            old_s = run_version(baseline, inputs, work / "before")
            new_s = run_version(PROJECT, inputs, work / "after")
            print(f"{name}: {args.baseline} {old_s:.1f} s, this checkout {new_s:.1f} s "
                  f"({old_s / new_s:.2f}× its speed)", flush=True)
            for table in TABLES:
                n_rows, n_gone, n_new, shown = table_differences(work / "before", work / "after", table)
                same = not n_gone and not n_new
                differing += not same
                print(f"  {table:<12} {n_rows:>9,} rows  "
                      f"{'same' if same else f'DIFFER: {n_gone:,} rows gone, {n_new:,} new'}")
                for line in shown:
                    print(line)
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=PROJECT,
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    print("same output" if not differing else f"{differing} table(s) differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
