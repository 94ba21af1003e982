"""The stages of a run, declared once: :data:`STAGES` is what every runner loops over.

A run is: **plan** (:func:`plan_run`: find the inputs, write the batches), the stages of
:data:`STAGES` in order, then the **summary** and **publish** (:func:`publish_run`: commit, move
the tables into place). Each stage is one module of this package and a plain function over the run
folder (:mod:`dedupe.run_folder`); its declaration says what it does, what it reads and writes, and
its scope: once for the run or once per batch or part, which the runners use to spread it over
cores or a cluster. The runners are :func:`dedupe.run.run_pipeline` (this process and a process
pool) and the Prefect flow ``flows/dedupe_flow.py`` (the same, or one task run per batch or part on
a cluster).

>>> [(stage.name, stage.scope) for stage in STAGES]  # doctest: +NORMALIZE_WHITESPACE
[('read', 'batch'), ('resolve', 'run'), ('learn-site-chrome', 'run'), ('clean', 'part'),
 ('dedup', 'run'), ('assemble', 'part')]
"""

from __future__ import annotations

from typing import Final

from dedupe.stages.assemble import assemble_part
from dedupe.stages.clean import clean_part
from dedupe.stages.dedup import dedup_run
from dedupe.stages.plan import new_run_id, plan_run
from dedupe.stages.publish import has_news, publish_run
from dedupe.stages.read import read_batch
from dedupe.stages.resolve import resolve_run
from dedupe.stages.site_chrome import learn_site_chrome
from dedupe.stages.stage import Counts, RunPlan, Stage

STAGES: Final = (
    Stage("read", read_batch, "batch", reads=("batch",),
          writes=("staged_documents", "staged_blocks", "inputs", "errors", "line_stats", "site_lines",
                  "read_counts"),
          about="decode, extract and segment a batch's files into a staged part"),
    Stage("resolve", resolve_run, "run", reads=("staged_documents",),
          writes=("staged_documents", "staged_blocks", "inputs", "line_stats", "site_lines"),
          about="keep one document per doc_id across parts and runs"),
    Stage("learn-site-chrome", learn_site_chrome, "run", reads=("line_stats", "site_lines"),
          writes=("site_chrome",), about="the lines each site repeats"),
    Stage("clean", clean_part, "part", reads=("staged_documents", "staged_blocks", "site_chrome"),
          writes=("labels", "doc_facts", "features", "signatures"),
          about="label every block; the duplicate features of its content blocks"),
    Stage("dedup", dedup_run, "run", reads=("doc_facts", "features"),
          writes=("sorted_features", "run_decisions", "decisions", "doc_stats", "index"),
          about="which content blocks duplicate an earlier kept one, in keep-order"),
    Stage("assemble", assemble_part, "part",
          reads=("staged_documents", "staged_blocks", "labels", "doc_facts", "decisions", "doc_stats"),
          writes=("documents", "blocks"), about="labels and decisions applied: the part's final tables"),
)

__all__ = ["STAGES", "Counts", "RunPlan", "Stage", "has_news", "new_run_id", "plan_run", "publish_run"]
