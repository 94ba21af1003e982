"""Learn the site chrome: the lines each site repeats, from the parts' line counts and those of
earlier runs (``site_lines`` of the corpus)."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from dedupe.clean.site import chrome_lines
from dedupe.corpus import committed_files, read_committed
from dedupe.parallel import release_memory
from dedupe.stages.stage import Counts, RunPlan


def learn_site_chrome(plan: RunPlan) -> Counts:
    """Aggregate the staged line statistics into the run's ``site_chrome`` table.

    A line is chrome on a site when it is on ``site_chrome_min_docs`` of the site's documents
    (``site_chrome_prose_min_docs`` for running text: the syndication guard).
    """
    folder = plan.folder
    parts = folder.units("line_stats")
    settings = plan.settings
    chrome = pa.table({"source": pa.array([], pa.string()), "key": pa.array([], pa.int64()),
                       "text": pa.array([], pa.string()), "n_docs": pa.array([], pa.int32())})
    if parts and settings.clean:
        # Streamed part by part: memory holds one part's lines and the per-line counts. Each
        # part's counts were written beside it (read stage), in parallel.
        counted = folder.units("site_lines")
        # Earlier runs' counts without their text (~30 bytes a line); the text of the few
        # chrome lines is looked up afterwards.
        prior_files = committed_files(plan.out_dir, "site_lines")
        prior = read_committed(prior_files, ["source", "key", "n_docs", "prose"]) if prior_files else None
        chrome = chrome_lines(lambda columns: (folder.read("line_stats", p, columns) for p in parts),
                              min_docs=settings.site_chrome_min_docs,
                              prose_min_docs=settings.site_chrome_prose_min_docs, prior=prior,
                              counts=(folder.read("site_lines", p, ["source", "key", "n_docs", "prose"])
                                      for p in counted))
        chrome = _with_prior_text(chrome, prior_files)
    with folder.writer("site_chrome", metadata=plan.metadata) as writer:
        writer.write_table(chrome.append_column("run_id", pa.array([plan.run_id] * chrome.num_rows,
                                                                   pa.string())))
    release_memory()  # the per-line counts of the whole run are gone; the deduplicator comes next
    return Counts()


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
