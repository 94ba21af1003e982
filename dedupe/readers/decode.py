"""Turn the bytes of an input into text, or say precisely why they are not text.

Order of evidence: a byte-order mark wins; then strict UTF-8 (most of the web); then
charset-normalizer's detection (cp1251, GB18030, Shift-JIS, BOM-less UTF-16...). Known binary
signatures and decoded text full of control characters are refused as ``binary``.
Detection needs some text to work on: below a hundred characters or so, a legacy encoding can be
mistaken for another (an article is long enough; a one-line file may not be).

>>> news = "Президент заявил, что переговоры продолжатся на следующей неделе в Стамбуле."
>>> decode_bytes(news.encode("cp1251")) == news
True
>>> decode_bytes(b"\\x89PNG\\r\\n\\x1a\\n....")
Traceback (most recent call last):
...
dedupe.document.InputProblem: binary file (PNG image signature)
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Final

import charset_normalizer

from dedupe.document import InputProblem

#: Byte-order marks and the codec that strips them. UTF-32 first: its LE mark starts like UTF-16's.
BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Leading bytes of common binary formats found in scrape folders.
BINARY_SIGNATURES: Final = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x1f\x8b", "gzip stream"),
    (b"BZh", "bzip2 stream"),
    (b"\xfd7zXZ\x00", "xz stream"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"PAR1", "Parquet file"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"ID3", "MP3 audio"),
    (b"\x00asm", "WebAssembly module"),
)

#: C0 control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL: Final = re.compile("[\x00-\x08\x0e-\x1f]")
_CONTROL_BYTES: Final = bytes([*range(0x00, 0x09), *range(0x0E, 0x20)])
#: The control characters are counted in the first this many characters.
_CONTROL_SAMPLE: Final = 65536
#: charset-normalizer's mess ratio from which a detected decoding is mojibake, not text (clean
#: legacy-encoded articles measure 0; invalid UTF-8 read as cp1251 about 0.06).
MAX_MESS: Final = 0.05
#: :func:`mojibake_share` from which a detected decoding is mojibake (the 1,052 pages of
#: ``../shared/eval``: median 0.08 %, at most 3.3 %; invalid UTF-8 read as cp1251: about 30 %).
MAX_MOJIBAKE: Final = 0.1
_MOJIBAKE_SAMPLE: Final = 8192


def _binary_signature(data: bytes) -> str | None:
    for magic, name in BINARY_SIGNATURES:
        if data.startswith(magic):
            # "MZ" and "BZh" are also plausible starts of a text file: demand a NUL nearby too.
            if magic in (b"MZ", b"BZh", b"RIFF", b"ID3") and b"\x00" not in data[:512]:
                continue
            return name
    return None


def control_char_ratio(text: str) -> float:
    """Share of characters that are C0 controls other than whitespace (binary tell-tale)."""
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


def _control_ratio(text: str, utf8: bytes | None) -> float:
    """:func:`control_char_ratio` of the first ``_CONTROL_SAMPLE`` characters of ``text``;
    ``utf8``: its bytes, when it was decoded from UTF-8."""
    if utf8 is not None and text and len(text) <= _CONTROL_SAMPLE:
        # A byte below 0x80 is that character in UTF-8: count them in the bytes (one C pass).
        return (len(utf8) - len(utf8.translate(None, _CONTROL_BYTES))) / len(text)
    return control_char_ratio(text[:_CONTROL_SAMPLE])


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Codec for BOM-less UTF-16 of mostly Latin text, told by where its NUL bytes sit (other
    scripts are left to charset-normalizer's detection)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le"
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be"
    return None


def _try_codec(data: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def mojibake_share(text: str) -> float:
    """Share of the letters of ``text`` (its first ``_MOJIBAKE_SAMPLE`` characters) that sit where
    text of no language puts them: an upper-case letter straight after a lower-case one, a symbol
    glued to a letter, a letter, an opening bracket and a letter with no space. Bytes read in the
    wrong single-byte encoding do that all the time ("Ўв(Ўв‚(р", "Ã©tÃ©"); text hardly ever.

    >>> mojibake_share("Le président a déclaré que les négociations reprendront."), mojibake_share("Ã©tÃ© Ã")
    (0.0, 0.75)
    """
    sample = text[:_MOJIBAKE_SAMPLE]
    kinds = [unicodedata.category(ch) for ch in sample]
    letters = odd = 0
    for i, kind in enumerate(kinds):
        if kind[0] != "L":
            continue
        letters += 1
        before = kinds[i - 1] if i else "Zs"
        after = kinds[i + 1] if i + 1 < len(kinds) else "Zs"
        if (kind == "Lu" and before == "Ll") or before[0] == "S" or after[0] == "S" \
                or (before == "Ps" and i > 1 and kinds[i - 2][0] == "L"):
            odd += 1
    return odd / letters if letters else 0.0


def _detected(data: bytes) -> str:
    """``data`` decoded by charset-normalizer's detection, unless that is not text: NUL bytes no
    text encoding explains are ``binary``; no encoding, or only mojibake, is ``undecodable``."""
    best = charset_normalizer.from_bytes(data).best()
    text = None
    if best is not None and best.chaos < MAX_MESS and mojibake_share(decoded := str(best)) <= MAX_MOJIBAKE:
        text = decoded
    if b"\x00" in data and (text is None or "\x00" in text):
        raise InputProblem("decode", "binary", "binary file (NUL bytes, no text encoding fits)")
    if best is None:
        raise InputProblem("decode", "undecodable", "not UTF-8 and no text encoding could be detected")
    if text is None:
        raise InputProblem("decode", "undecodable", f"not UTF-8, and read as {best.encoding} (the "
                           "likeliest encoding) it is mojibake")
    return text


def decode_bytes(data: bytes, *, max_control_char_ratio: float = 0.01, hint: str | None = None) -> str:
    """Decode ``data`` to text; raise :class:`InputProblem` for empty, binary or undecodable input.

    ``hint`` is an encoding the file declares (an HTML ``<meta charset>``); it is tried after the
    byte-order mark and UTF-8, before statistical detection.
    """
    if not data.strip():
        raise InputProblem("decode", "empty", "file is empty" if not data else "file holds only whitespace")
    codec = _bom_codec(data)
    if codec is None:
        signature = _binary_signature(data)
        if signature:
            raise InputProblem("decode", "binary", f"binary file ({signature} signature)")
    text: str | None = None
    utf8: bytes | None = None  # the bytes, when they were decoded as UTF-8
    suspect: str | None = None  # valid UTF-8 that does not look like text
    if codec is not None:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError as exc:
            raise InputProblem("decode", "undecodable",
                               f"byte-order mark says {codec} but the bytes are not: {exc.reason} "
                               f"at byte {exc.start}") from None
    else:
        # NUL bytes are valid UTF-8, so the UTF-16 pattern must be checked first.
        text = _try_codec(data, _utf16_without_bom(data))
        if text is None and (text := _try_codec(data, "utf-8")) is not None:
            utf8 = data
            if "\x00" in text or _control_ratio(text, utf8) > max_control_char_ratio:
                # UTF-16 of another script can be valid UTF-8 full of controls: ask detection.
                suspect, text, utf8 = text, None, None
        if text is None and hint and hint.lower().replace("_", "-") not in ("utf-8", "utf8"):
            text = _try_codec(data, hint)
        if text is None:
            try:
                text = _detected(data)
            except InputProblem:
                if suspect is None or "\x00" in suspect:
                    raise
                text, utf8 = suspect, data  # no better reading: refused below for its controls
    ratio = _control_ratio(text, utf8)
    if ratio > max_control_char_ratio:
        raise InputProblem("decode", "binary",
                           f"binary content: {ratio:.1%} control characters after decoding")
    if not text.strip():
        raise InputProblem("decode", "empty", "file holds only whitespace")
    return text
