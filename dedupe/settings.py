"""Every tunable of the pipeline, in one place.

A :class:`Settings` value travels unchanged from the CLI or the Prefect flow parameters down to each
stage, so a run is fully described by its inputs and this one object (it is also stored in the
Parquet metadata of every file the run writes).

>>> from dedupe.settings import Settings
>>> s = Settings(batch_files=64)
>>> s.batch_files, s.max_file_bytes
(64, 67108864)
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """Knobs of a run, with the defaults a daily scrape needs."""

    # --- reading -------------------------------------------------------------------------------
    #: Files larger than this (bytes on disk, or decompressed for ``.gz``) are refused with an
    #: ``oversized`` error instead of being read into memory.
    max_file_bytes: int = 64 * 1024 * 1024
    #: A JSON Lines record whose text or HTML is larger than this is refused (``oversized``).
    max_record_bytes: int = 16 * 1024 * 1024
    #: Share of control characters (other than tab/newline/CR/FF) above which decoded text is binary.
    max_control_char_ratio: float = 0.01

    # --- segmentation --------------------------------------------------------------------------
    #: Lines longer than this many characters are split at sentence boundaries.
    max_block_chars: int = 1000
    #: Sentences of a long line are grouped until a group reaches this many characters.
    target_block_chars: int = 400

    # --- cleaning ------------------------------------------------------------------------------
    #: Label chrome, padding and titles (off: every block stays ``content``; for an HTML page, every
    #: visible block).
    clean: bool = True
    #: A short line on this many pages of one site is that site's chrome.
    site_chrome_min_docs: int = 2
    #: Running text must recur on this many pages of one site to count as chrome (syndication guard).
    site_chrome_prose_min_docs: int = 3
    #: Lines of links after a "Related"/"References" heading that are taken as chrome, at most.
    chrome_section_max_lines: int = 15
    #: The headline is looked for among the first lines of a document.
    title_search_blocks: int = 8
    #: The main body must hold at least this many words of running text to be told from chrome.
    body_min_words: int = 30
    #: A further run of text beside the main body is body too when worth this share of it.
    body_secondary_ratio: float = 0.3
    #: The block model (a ``.npz`` written by ``python -m dedupe.train.blocks``); empty: the one
    #: shipped with dedupe (see its model card in ``dedupe/clean/models/``).
    block_model: str = ""
    #: Blocks the block model scores below this are chrome (``chrome:model``); empty (None): the
    #: model's own threshold. Lower keeps more text, higher removes more.
    content_threshold: float | None = None
    #: The block model of HTML pages (``python -m dedupe.train.blocks --kind html``); empty: the
    #: shipped one.
    html_model: str = ""
    #: The padding model (``python -m dedupe.train.padding``); empty: the shipped one.
    padding_model: str = ""

    # --- duplicates ------------------------------------------------------------------------------
    #: Find exact and near-duplicate blocks (off: no block is labelled ``duplicate``).
    dedup: bool = True
    #: MinHash permutations (signature length) and words per shingle.
    num_perm: int = 128
    shingle_words: int = 3
    #: datasketch's seed for the permutation parameters (signatures stay comparable across runs).
    minhash_seed: int = 1
    #: Verified Jaccard similarity of word shingles from which a block is a near duplicate.
    jaccard_threshold: float = 0.8
    #: LSH layout; 0 chooses the one with 99 % recall at ``jaccard_threshold`` (21 x 6 at 0.8, 128).
    lsh_bands: int = 0
    lsh_rows: int = 0
    #: Blocks shorter than this (words) are compared exactly only; shorter than ``exact_min_words``
    #: not at all (a three-word heading may repeat in many articles).
    near_min_words: int = 10
    exact_min_words: int = 4
    #: Share of a block's shingles found in one kept block that makes it a repeat (an edited or
    #: trimmed copy), verified exactly like the Jaccard similarity.
    containment_threshold: float = 0.6
    #: Documents per bucket of the external sort that feeds the deduplicator in keep-order (bounds
    #: the memory of the global pass: one bucket of text at a time).
    dedup_bucket_docs: int = 5000
    #: A document whose content duplicates other documents at this share is ``near_duplicate_of``.
    near_duplicate_ratio: float = 0.8

    # --- corpus ----------------------------------------------------------------------------------
    #: Seconds a run waits for another run on the same corpus to finish before giving up.
    lock_timeout: float = 60.0

    # --- orchestration -------------------------------------------------------------------------
    #: Input files per batch (one Prefect task run each). Records of a JSON Lines file are streamed,
    #: so a big file does not make a big batch in memory.
    batch_files: int = 256
    #: Worker processes for the per-batch stages (reading, cleaning, labelling); 0: every core.
    workers: int = 0
    #: Documents per Parquet row group; bounds the memory of the writers.
    rows_per_group: int = 512

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), sort_keys=True)

    @classmethod
    def from_mapping(cls, values: dict[str, Any] | None) -> Settings:
        """Build settings from a partial mapping, rejecting unknown keys with a clear message."""
        values = dict(values or {})
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**values)

    def __post_init__(self) -> None:
        positive = ("max_file_bytes", "max_record_bytes", "max_block_chars", "target_block_chars",
                    "batch_files", "rows_per_group", "site_chrome_min_docs", "site_chrome_prose_min_docs",
                    "title_search_blocks", "num_perm", "shingle_words", "near_min_words",
                    "dedup_bucket_docs")
        for name in ("jaccard_threshold", "containment_threshold", "near_duplicate_ratio"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"setting {name} must be within (0, 1], got {getattr(self, name)!r}")
        if self.lsh_bands * self.lsh_rows > self.num_perm:
            raise ValueError("lsh_bands * lsh_rows must not exceed num_perm")
        for name in positive:
            if getattr(self, name) <= 0:
                raise ValueError(f"setting {name} must be positive, got {getattr(self, name)!r}")
        if self.content_threshold is not None and not 0.0 <= self.content_threshold <= 1.0:
            raise ValueError(f"setting content_threshold must be within [0, 1], "
                             f"got {self.content_threshold!r}")
        if not 0.0 <= self.max_control_char_ratio <= 1.0:
            raise ValueError("setting max_control_char_ratio must be within [0, 1]")
        if self.target_block_chars > self.max_block_chars:
            raise ValueError("setting target_block_chars must not exceed max_block_chars")
