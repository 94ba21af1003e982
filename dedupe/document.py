"""The plain data that flows through the pipeline: input files, documents, blocks and input errors.

Stages take and yield these objects; writers turn them into Arrow rows. Nothing here does I/O.

>>> from dedupe.document import Document
>>> doc = Document.from_text("Title\\n\\nBody.", path="a.txt", format="text")
>>> doc.doc_id == Document.from_text("Title\\n\\nBody.", path="b.txt", format="text").doc_id
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import xxhash

#: Every label a block can carry. Issue-by-issue the cleaners and the deduplicator assign them.
LABELS: Final = ("content", "title", "chrome", "padding", "duplicate")
#: Reason recorded for a block no stage has decided on.
DEFAULT_REASON: Final = "default"


def content_hash(text: str) -> str:
    """Stable 64-bit xxh3 hash of ``text`` as 16 hex digits (the document id)."""
    return xxhash.xxh3_64_hexdigest(text.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True)
class InputFile:
    """One file found under an input root."""

    path: str  #: absolute path on disk
    rel_path: str  #: path relative to its input root, with ``/`` separators
    root: str  #: the input root it was found under
    size: int
    mtime_ns: int


@dataclass
class Block:
    """A line or paragraph of a document: ``Document.base_text[start:end] == text``."""

    idx: int
    start: int
    end: int
    text: str
    label: str = "content"
    reason: str = DEFAULT_REASON
    duplicate_of_doc: str | None = None
    duplicate_of_block: int | None = None
    similarity: float | None = None
    #: The block model's probability that the block is article text (:mod:`dedupe.clean.model`).
    score: float | None = None
    #: :func:`dedupe.clean.site.line_key` of ``text`` (what site chrome is counted and matched by),
    #: computed once while reading; ``None`` when not known.
    line_key: int | None = None


@dataclass
class Document:
    """One article, from a text file, an HTML page or a JSON Lines record."""

    doc_id: str
    path: str  #: relative to the input root
    format: str  #: ``text``, ``html`` or ``jsonl``
    raw_text: str  #: the decoded input (HTML markup for HTML inputs): nothing is ever lost
    #: The text the blocks index into when it differs from ``raw_text`` (trafilatura's output for
    #: HTML); ``None`` when the blocks index into ``raw_text`` itself.
    extracted_text: str | None = None
    record: int | None = None  #: 1-based line of a JSON Lines record
    source: str = ""
    url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    blocks: list[Block] = field(default_factory=list)
    #: HTML pages: the reader's features of each line of ``extracted_text`` (the page's visible
    #: blocks), :data:`dedupe.readers.html.LINE_FEATURES` columns; ``None`` for text.
    line_features: np.ndarray | None = field(default=None, repr=False)
    duplicate_ratio: float = 0.0  #: share of content characters copied from other documents
    near_duplicate_of: str | None = None  #: the document this one copies, when it copies most of it

    @classmethod
    def from_text(cls, raw_text: str, *, path: str, format: str, **fields: object) -> Document:
        return cls(doc_id=content_hash(raw_text), path=path, format=format, raw_text=raw_text,
                   **fields)  # type: ignore[arg-type]

    @property
    def base_text(self) -> str:
        """The text block offsets refer to."""
        return self.raw_text if self.extracted_text is None else self.extracted_text

    @property
    def text(self) -> str:
        """The clean body: content blocks joined by blank lines."""
        return "\n\n".join(b.text for b in self.blocks if b.label == "content")

    def label_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LABELS, 0)
        for b in self.blocks:
            counts[b.label] += 1
        return counts


@dataclass(frozen=True)
class InputError:
    """An input that could not be used, and why. It becomes a row of the ``errors`` table."""

    path: str
    stage: str  #: ``discover``, ``read``, ``decode``, ``parse`` or ``extract``
    error: str  #: short machine-readable code, e.g. ``binary``, ``oversized``, ``malformed_json``
    message: str  #: a sentence for the human reading the error table
    record: int | None = None


class InputProblem(Exception):
    """Raised by readers for an unusable input; the batch turns it into an :class:`InputError`."""

    def __init__(self, stage: str, error: str, message: str) -> None:
        super().__init__(message)
        self.stage = stage
        self.error = error
        self.message = message

    def at(self, path: str, record: int | None = None) -> InputError:
        return InputError(path=path, stage=self.stage, error=self.error, message=self.message,
                          record=record)
