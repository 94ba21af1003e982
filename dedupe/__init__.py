"""dedupe: turn a folder of scraped news pages into a clean, deduplicated Parquet corpus.

The stages are plain functions (``dedupe.stages``), run in order by ``dedupe.run``; ``flows/`` runs
them as a Prefect flow.

>>> from dedupe import Settings, run_pipeline
>>> Settings().batch_files
256
"""

from dedupe.run import RunSummary, run_pipeline
from dedupe.settings import Settings

__all__ = ["RunSummary", "Settings", "run_pipeline"]
__version__ = "0.1.0"
