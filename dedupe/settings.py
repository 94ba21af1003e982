"""Every tunable of the pipeline, in one place.

A :class:`Settings` value travels unchanged from the CLI or the Prefect flow parameters down to each
stage, so a run is fully described by its inputs and this one object (it is also stored in the
Parquet metadata of every file the run writes).

>>> from dedupe.settings import Settings
>>> settings = Settings(batch_files=64)
>>> settings.batch_files, settings.max_file_bytes
(64, 67108864)
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any, Final

_MIB: Final = 1024 * 1024


def setting(default: Any, help: str, *, option: str = "", scale: int = 1) -> Any:
    """A field of :class:`Settings`, declared once: its default and its ``help`` (the docs and the
    command line's). ``option`` names the ``dedupe run`` option that sets it (``""``: only
    ``--set NAME=VALUE``), in units of ``scale`` (``max_file_bytes`` is ``--max-file-mb``)."""
    return dataclasses.field(default=default, metadata={"help": help, "option": option, "scale": scale})


@dataclass(frozen=True)
class Settings:
    """Knobs of a run, with the defaults a daily scrape needs."""

    # --- reading -------------------------------------------------------------------------------
    max_file_bytes: int = setting(
        64 * _MIB, "Files larger than this (bytes on disk, or decompressed for .gz) are refused with an "
        "oversized error instead of being read into memory.", option="max_file_mb", scale=_MIB)
    max_record_bytes: int = setting(
        16 * _MIB, "A JSON Lines record whose text or HTML is larger than this is refused (oversized).",
        option="max_record_mb", scale=_MIB)
    max_control_char_ratio: float = setting(
        0.01, "Share of control characters (other than tab, newline, CR, FF) above which decoded text "
        "is binary.")

    # --- segmentation --------------------------------------------------------------------------
    max_block_chars: int = setting(1000, "Lines longer than this many characters are split at sentences.",
                                   option="max_block_chars")
    target_block_chars: int = setting(
        400, "Sentences of a long line are grouped until a group reaches this many characters.",
        option="target_block_chars")

    # --- cleaning ------------------------------------------------------------------------------
    clean: bool = setting(True, "Label chrome, padding and titles (off: every block stays content; for "
                          "an HTML page, every visible block).", option="clean")
    site_chrome_min_docs: int = setting(2, "A short line on this many pages of one site is that site's "
                                        "chrome.", option="site_chrome_min_docs")
    site_chrome_prose_min_docs: int = setting(
        3, "Running text must recur on this many pages of one site to count as chrome (the syndication "
        "guard).")
    chrome_section_max_lines: int = setting(
        15, "Lines of links after a Related/References heading that are taken as chrome, at most.")
    title_search_blocks: int = setting(8, "The headline is looked for among the first lines of a document.")
    body_min_words: int = setting(
        30, "The main body must hold at least this many words of running text to be told from chrome.")
    body_secondary_ratio: float = setting(
        0.3, "A further run of text beside the main body is body too when worth this share of it.")
    block_model: str = setting(
        "", "The block model (a .npz written by python -m dedupe.train.blocks); empty: the one shipped "
        "with dedupe (its model card is in dedupe/clean/models/).")
    content_threshold: float | None = setting(
        None, "Blocks the block model scores below this are chrome (chrome:model); empty: the model's "
        "own threshold (see its card). Lower keeps more text, higher removes more.",
        option="content_threshold")
    html_model: str = setting(
        "", "The block model of HTML pages (python -m dedupe.train.blocks --kind html); empty: the "
        "shipped one.")
    padding_model: str = setting("", "The padding model (python -m dedupe.train.padding); empty: the "
                                 "shipped one.")

    # --- duplicates ------------------------------------------------------------------------------
    dedup: bool = setting(
        True, "Find exact and near-duplicate blocks (off: none is; a repeat of the headline is still "
        "labelled duplicate by the cleaner, title_repeat).", option="dedup")
    num_perm: int = setting(128, "MinHash permutations (the signature's length).", option="num_perm")
    shingle_words: int = setting(3, "Words per shingle.", option="shingle_words")
    minhash_seed: int = setting(
        1, "datasketch's seed for the permutation parameters (signatures stay comparable across runs).")
    jaccard_threshold: float = setting(
        0.8, "Verified Jaccard similarity of word shingles from which a block is a near duplicate.",
        option="jaccard_threshold")
    lsh_bands: int = setting(0, "LSH bands; 0 chooses the layout with 99 % recall at jaccard_threshold "
                             "(21 x 6 at 0.8 with 128 permutations).", option="lsh_bands")
    lsh_rows: int = setting(0, "LSH rows per band (0: chosen with the bands).", option="lsh_rows")
    near_min_words: int = setting(10, "Blocks shorter than this (words) are compared exactly only.",
                                  option="near_min_words")
    exact_min_words: int = setting(
        4, "Blocks shorter than this (words) are not compared at all (a three-word heading may repeat "
        "in many articles).", option="exact_min_words")
    containment_threshold: float = setting(
        0.6, "Share of a block's shingles found in one kept block that makes it a repeat (an edited or "
        "trimmed copy), verified exactly like the Jaccard similarity.", option="containment_threshold")
    dedup_bucket_docs: int = setting(
        5000, "Documents per bucket of the external sort that feeds the deduplicator in keep-order "
        "(bounds the memory of the global pass).")
    near_duplicate_ratio: float = setting(
        0.8, "A document whose content duplicates other documents at this share is near_duplicate_of "
        "the one it copies most.", option="near_duplicate_ratio")

    # --- corpus ----------------------------------------------------------------------------------
    lock_timeout: float = setting(60.0, "Seconds a run waits for another run on the same corpus to "
                                  "finish before giving up.")

    # --- orchestration -------------------------------------------------------------------------
    batch_files: int = setting(
        256, "Input files per batch (the unit of reading; a task run on a cluster). Records of a JSON "
        "Lines file are streamed, so a big file does not make a big batch in memory.",
        option="batch_files")
    workers: int = setting(0, "Worker processes for the stages of batches and parts (read, clean, "
                           "assemble); 0: every core.", option="workers")
    rows_per_group: int = setting(512, "Documents per Parquet row group; bounds the memory of the writers.")

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
