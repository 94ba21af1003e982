"""Read one input file into documents: plain text, HTML, or JSON Lines (optionally gzipped).

The format comes from the extension, checked against the content: a ``.txt`` file that is really an
HTML page is read as HTML, and a file with an unknown extension is sniffed. Every problem becomes an
:class:`~dedupe.document.InputError` and reading goes on with the next record or file.

>>> import tempfile, pathlib
>>> from dedupe.readers.discover import discover
>>> from dedupe.settings import Settings
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "a.jsonl").write_text('{"text": "One."}\\nnot json\\n')
>>> [type(x).__name__ for f in discover([root]) for x in read_input(f, Settings())]
['Document', 'InputError']
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, BinaryIO, Final
from urllib.parse import urlsplit

from dedupe.document import Document, InputError, InputFile, InputProblem
from dedupe.readers.decode import decode_bytes
from dedupe.readers.html import extract_html
from dedupe.settings import Settings

#: Extension (after removing ``.gz``) to format.
EXTENSIONS: Final = {
    ".txt": "text", ".text": "text", ".md": "text", ".markdown": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".jsonlines": "jsonl",
}
#: Keys read from a JSON Lines record (first present wins).
RECORD_KEYS: Final = {
    "text": ("text", "content", "body"),
    "html": ("html", "raw_html"),
    "url": ("url", "link"),
    "title": ("title", "headline"),
    "published": ("published", "date", "published_at"),
    "author": ("author", "byline"),
}

_HTML_START = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES: Final = 65536
#: Error rows one input file may write: the first ones, then one row counting the rest (a broken
#: file of millions of lines must not write millions of rows).
MAX_ERRORS_PER_INPUT: Final = 100


def site_of_url(url: str | None) -> str:
    """The domain of ``url`` without ``www.``, lower-cased; ``""`` when there is none."""
    if not url:
        return ""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def source_of(url: str | None, rel_path: str) -> str:
    """The site of a document: its URL's domain, else the first folder under the input root."""
    site = site_of_url(url)
    if site:
        return site
    parts = PurePosixPath(rel_path).parts
    return parts[0] if len(parts) > 1 else ""


def normalise_date(value: Any) -> str | None:
    """ISO 8601 form of a date string when it parses as one, else the string as given."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return text


def _strip_gz(name: str) -> tuple[str, bool]:
    lower = name.lower()
    return (name[:-3], True) if lower.endswith(".gz") else (name, False)


def format_by_extension(name: str) -> str | None:
    base, _ = _strip_gz(name)
    return EXTENSIONS.get(PurePosixPath(base.lower()).suffix)


def sniff_format(head: bytes) -> str:
    """Format told by the first bytes of a (decompressed) file."""
    body = head.lstrip(b"\xef\xbb\xbf")
    if _HTML_START.match(body):
        return "html"
    first = body.lstrip().split(b"\n", 1)[0].strip()
    if first.startswith(b"{") and first.endswith(b"}"):
        try:
            if isinstance(json.loads(first), dict):
                return "jsonl"
        except (ValueError, RecursionError):
            pass
    return "text"


def _open(f: InputFile, gz: bool) -> BinaryIO:
    try:
        raw = open(f.path, "rb")  # noqa: SIM115 - handed to the caller, closed there
    except OSError as exc:
        raise InputProblem("read", "unreadable", f"cannot open file: {exc.strerror or exc}") from None
    return gzip.GzipFile(fileobj=raw, mode="rb") if gz else raw  # type: ignore[return-value]


def _read_all(f: InputFile, gz: bool, limit: int) -> bytes:
    """The whole (decompressed) file, refusing more than ``limit`` bytes before reading them all."""
    if not gz and f.size > limit:
        raise InputProblem("read", "oversized",
                           f"file is {f.size:,} bytes, over the limit of {limit:,} (max_file_bytes)")
    try:
        with _open(f, gz) as stream:
            data = stream.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        kind = "corrupt_gzip" if gz else "unreadable"
        raise InputProblem("read", kind, f"cannot read file: {exc}") from None
    if len(data) > limit:
        what = "decompresses to" if gz else "is"
        raise InputProblem("read", "oversized",
                           f"file {what} more than {limit:,} bytes (max_file_bytes)")
    return data


def _declared_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def _document(f: InputFile, raw_text: str, fmt: str, *, record: int | None = None,
              html: bool = False, meta: dict[str, Any] | None = None) -> Document:
    meta = meta or {}
    url = meta.get("url")
    fields: dict[str, Any] = {
        "record": record,
        "url": url,
        "title": meta.get("title"),
        "author": meta.get("author"),
        "published": normalise_date(meta.get("published")),
    }
    if html:
        page = extract_html(raw_text, url)
        fields["extracted_text"] = page.text
        fields["line_features"] = page.features
        fields["url"] = url or page.url
        for key in ("title", "author"):
            fields[key] = fields[key] or getattr(page, key)
        fields["published"] = fields["published"] or normalise_date(page.published)
    doc = Document.from_text(raw_text, path=f.rel_path, format=fmt, **fields)
    doc.source = source_of(doc.url, f.rel_path)
    return doc


def _read_jsonl(f: InputFile, gz: bool, settings: Settings) -> Iterator[Document | InputError]:
    limit, file_limit = settings.max_record_bytes, settings.max_file_bytes
    if not gz and f.size > file_limit:
        yield InputError(f.rel_path, "read", "oversized",
                         f"file is {f.size:,} bytes, over the limit of {file_limit:,} (max_file_bytes)")
        return
    try:
        stream = _open(f, gz)
    except InputProblem as problem:
        yield problem.at(f.rel_path)
        return
    with stream:
        line_no = read = 0
        while True:
            try:
                line = stream.readline(limit + 1)
            except (OSError, EOFError, zlib.error) as exc:
                yield InputError(f.rel_path, "read", "corrupt_gzip" if gz else "unreadable",
                                 f"cannot read past line {line_no}: {exc}")
                return
            if not line:
                return
            read += len(line)
            if read > file_limit:  # a gzip stream says its size only once read
                yield InputError(f.rel_path, "read", "oversized",
                                 f"file decompresses to more than {file_limit:,} bytes (max_file_bytes); "
                                 f"records after line {line_no} not read")
                return
            line_no += 1
            if len(line) > limit and not line.endswith(b"\n"):
                # Skip the rest of an oversized record without holding it in memory.
                while line and not line.endswith(b"\n"):
                    line = stream.readline(limit + 1)
                yield InputError(f.rel_path, "read", "oversized",
                                 f"record is over {limit:,} bytes (max_record_bytes)", record=line_no)
                continue
            if not line.strip():
                continue
            try:
                yield _jsonl_record(f, line, line_no)
            except InputProblem as problem:
                yield problem.at(f.rel_path, line_no)


def _first(record: dict[str, Any], field: str) -> Any:
    for key in RECORD_KEYS[field]:
        value = record.get(key)
        if value not in (None, ""):
            return value
    return None


def _jsonl_record(f: InputFile, line: bytes, line_no: int) -> Document:
    if not line.lstrip().startswith(b"{"):  # cheap, for files of millions of bad lines
        raise InputProblem("parse", "malformed_json", "record is not a JSON object (no opening {)")
    try:
        record = json.loads(line)
    except UnicodeDecodeError as exc:
        raise InputProblem("parse", "undecodable", f"record is not UTF-8: {exc.reason}") from None
    except json.JSONDecodeError as exc:
        raise InputProblem("parse", "malformed_json",
                           f"malformed JSON: {exc.msg} at column {exc.colno}") from None
    except RecursionError:
        raise InputProblem("parse", "malformed_json", "JSON nested too deeply to read") from None
    if not isinstance(record, dict):
        raise InputProblem("parse", "malformed_json",
                           f"record is a JSON {type(record).__name__}, not an object")
    text, html = _first(record, "text"), _first(record, "html")
    body = text if text is not None else html
    if body is None:
        keys = ", ".join(RECORD_KEYS["text"] + RECORD_KEYS["html"])
        raise InputProblem("parse", "missing_text", f"record has none of the fields {keys}")
    if not isinstance(body, str):
        raise InputProblem("parse", "missing_text", f"record text is a {type(body).__name__}, not a string")
    if not body.strip():
        raise InputProblem("parse", "empty", "record text is empty")
    meta = {key: _first(record, key) for key in ("url", "title", "published", "author")}
    meta = {k: (v if isinstance(v, str) or v is None else str(v)) for k, v in meta.items()}
    return _document(f, body, "jsonl", record=line_no, html=text is None, meta=meta)


def read_input(f: InputFile, settings: Settings) -> Iterator[Document | InputError]:
    """Yield the documents of one input file, and an :class:`InputError` for each unusable part
    (of its records: the first :data:`MAX_ERRORS_PER_INPUT`, then one that counts the others)."""
    errors = 0
    last: InputError | None = None
    for item in _read_input(f, settings):
        if isinstance(item, InputError) and item.record is not None:  # a file's own error always shows
            errors += 1
            if errors > MAX_ERRORS_PER_INPUT:
                last = item
                continue
        yield item
    if last is not None:
        yield InputError(f.rel_path, last.stage, "more_errors",
                         f"{errors - MAX_ERRORS_PER_INPUT:,} more unusable records in this file after the "
                         f"first {MAX_ERRORS_PER_INPUT} (the last: {last.error} at record {last.record})",
                         record=last.record)


def _read_input(f: InputFile, settings: Settings) -> Iterator[Document | InputError]:
    _, gz = _strip_gz(f.rel_path)
    fmt = format_by_extension(f.rel_path)
    try:
        if fmt == "jsonl":
            yield from _read_jsonl(f, gz, settings)
            return
        data = _read_all(f, gz, settings.max_file_bytes)
        sniffed = sniff_format(data[:_SNIFF_BYTES])
        if fmt is None or (fmt == "text" and sniffed == "html"):
            fmt = sniffed
        if fmt == "jsonl":  # an unknown extension that holds JSON Lines: already in memory
            for line_no, line in enumerate(data.splitlines(), start=1):
                if line.strip():
                    try:
                        yield _jsonl_record(f, line, line_no)
                    except InputProblem as problem:
                        yield problem.at(f.rel_path, line_no)
            return
        hint = _declared_charset(data) if fmt == "html" else None
        text = decode_bytes(data, max_control_char_ratio=settings.max_control_char_ratio, hint=hint)
        yield _document(f, text, fmt, html=fmt == "html")
    except InputProblem as problem:
        yield problem.at(f.rel_path)
