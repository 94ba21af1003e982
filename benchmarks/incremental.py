"""What a run costs when the corpus is already big: new input only, against corpora of two sizes.

    python -m benchmarks.incremental

The eval sets' text pages (each copy made distinct by an edition line) form a corpus of 261 and of
1,044 pages; then 5 new articles (the seeds) arrive. The second run's time should follow the new
input and the corpus's compact state (index, inputs manifest), not the corpus's text.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from dedupe.corpus import committed_files
from dedupe.run import run_pipeline

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"


def main() -> None:
    pages = sorted(p for s in ("fundus", "aeb") for p in (SHARED / "eval" / s / "text").rglob("*.txt"))
    if not pages:
        print(f"{SHARED / 'eval'} not found: nothing to measure")
        return
    print(f"{'corpus':>14}  {'full run':>9}  {'+5 new':>8}  {'index':>14}")
    for copies in (1, 4):
        tmp = Path(tempfile.mkdtemp(prefix="dedupe-incremental-"))
        try:
            for c in range(copies):
                for page in pages:
                    target = tmp / "in" / f"c{c}" / page.parent.name / page.name
                    target.parent.mkdir(parents=True, exist_ok=True)
                    text = page.read_text(encoding="utf-8") + f"\nEdition {c}.\n"
                    target.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            full = run_pipeline([tmp / "in"], tmp / "out")
            full_s = time.perf_counter() - started
            shutil.copytree(PROJECT / "seeds", tmp / "in" / "zz-new")
            started = time.perf_counter()
            run_pipeline([tmp / "in"], tmp / "out")
            new_s = time.perf_counter() - started
            index = committed_files(tmp / "out", "index")
            blocks = sum(pq.read_metadata(f).num_rows for f in index)
            size = sum(os.path.getsize(f) for f in index)
            print(f"{full.documents:>8,} pages  {full_s:>8.1f}s  {new_s:>7.2f}s  "
                  f"{size / max(blocks, 1):>6.0f} B/block")
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
