"""Imported once before the pool's workers are forked (:data:`dedupe.parallel.PRELOAD`): every
worker then starts with dedupe imported and numba's kernels loaded, instead of spending most of a
second on it at its first batch."""

from __future__ import annotations

import pyarrow as pa

from dedupe.clean.cleaner import clean_documents
from dedupe.clean.site import line_stats
from dedupe.dedup.deduplicator import Deduplicator
from dedupe.dedup.features import FeatureComputer
from dedupe.document import Document
from dedupe.settings import Settings
from dedupe.stages.read import DOCUMENT_STEPS

#: A page with a copied paragraph, for :func:`warm_up`.
_WARM_PARAGRAPH = ("The council voted on Tuesday to extend the harbour wall by two hundred metres, "
                   "after a winter of storms flooded the lower town three times.")
_WARM_PAGE = "\n\n".join(["A Harbour Story", "By Jane Doe", _WARM_PARAGRAPH, "Share this article",
                          _WARM_PARAGRAPH])


def warm_up(settings: Settings | None = None) -> None:
    """Clean and deduplicate one tiny page in memory: loads what the first real batch would load
    otherwise (numba's compiled kernels from its cache, a quarter of a second for the first one in
    a process, and the common-word table)."""
    settings = settings or Settings()
    doc = Document.from_text(_WARM_PAGE, path="warm-up.txt", format="text", source="example.com")
    for step in DOCUMENT_STEPS:
        doc = step(doc, settings)
    line_stats(pa.table({"doc_id": [doc.doc_id], "source": [doc.source], "n_blocks": [len(doc.blocks)]}),
               pa.table({"text": [b.text for b in doc.blocks], "line_key": [b.line_key for b in doc.blocks]}))
    [doc] = clean_documents([doc], settings, {})
    texts = [b.text for b in doc.blocks]
    features, _ = FeatureComputer(settings).compute([doc.doc_id] * len(texts), list(range(len(texts))), texts)
    deduplicator = Deduplicator(settings)
    deduplicator.add_features(features)
    deduplicator.finish()


warm_up()
