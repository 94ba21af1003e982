from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedupe.document import InputProblem
from dedupe.readers.decode import _control_ratio, control_char_ratio, decode_bytes

UKRAINIAN = ("Російські вербувальники поширюють відео в китайських соцмережах. "
             "Президент вимагає відповіді від Пекіна, а МЗС викликало тимчасового повіреного.\n") * 3
CHINESE = ("乌克兰总统泽连斯基表示，俄罗斯通过社交媒体招募中国公民参战。"
           "外交部回应称正在核实有关情况，并呼吁中国公民远离冲突地区。\n") * 3
JAPANESE = "東京都は今日、新しい交通計画を発表しました。市民の意見を聞いてから決定するという。\n" * 3
ENGLISH = "The council voted on Thursday to open a second ferry route.\n" * 5

#: Byte sequences that are not UTF-8 (a lead byte without its continuation, stray continuations).
INVALID_UTF8 = b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xe2\x82\x28\xf0\x28\x8c\xbc\xf0\x90\x28\xbc\xf8\xa1\xa1\xa1\xa1"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (ENGLISH.encode("utf-8"), ENGLISH),
        (codecs.BOM_UTF8 + ENGLISH.encode("utf-8"), ENGLISH),
        (UKRAINIAN.encode("cp1251"), UKRAINIAN),
        (CHINESE.encode("gb18030"), CHINESE),
        (UKRAINIAN.encode("utf-16"), UKRAINIAN),  # with BOM
        (codecs.BOM_UTF16_BE + CHINESE.encode("utf-16-be"), CHINESE),
        (ENGLISH.encode("utf-16-le"), ENGLISH),  # no BOM: told by where the NUL bytes are
        (ENGLISH.encode("utf-16-be"), ENGLISH),
        (UKRAINIAN.encode("utf-32"), UKRAINIAN),
        (UKRAINIAN.encode("utf-16-le"), UKRAINIAN),  # no BOM, another script: valid UTF-8 of controls
        (CHINESE.encode("utf-16-le"), CHINESE),
        (CHINESE.encode("utf-16-be"), CHINESE),
        (JAPANESE.encode("shift_jis"), JAPANESE),
    ],
    ids=["utf8", "utf8-bom", "cp1251", "gb18030", "utf16-bom", "utf16be-bom", "utf16le-nobom",
         "utf16be-nobom", "utf32", "utf16le-nobom-cyrillic", "utf16le-nobom-chinese", "utf16be-nobom-chinese",
         "shift-jis"],
)
def test_decodes_common_encodings(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


def test_declared_charset_is_used_before_guessing() -> None:
    html = "<html><head><meta charset='koi8-r'></head><body>Привет, мир</body></html>"
    assert decode_bytes(html.encode("koi8-r"), hint="koi8-r") == html


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b" \n\t\r\n ", "empty"),
        (codecs.BOM_UTF8 + b"   \n", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "binary"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, "binary"),
        (b"PK\x03\x04" + bytes(200), "binary"),
        (bytes(range(256)) * 8, "binary"),  # no signature, NUL bytes everywhere
        (b"text\x01\x02\x03\x04\x05 with many controls \x06\x07\x0e\x0f" * 20, "binary"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00", "undecodable"),  # lone surrogate
        (ENGLISH.encode() + b"\x00\x00" + ENGLISH.encode(), "binary"),  # two NUL bytes in a text
        (INVALID_UTF8, "undecodable"),  # read as cp1251 it would be mojibake
        (INVALID_UTF8 * 4 + b" " + INVALID_UTF8[::-1], "undecodable"),
    ],
    ids=["empty", "whitespace", "bom-only", "png", "pdf", "zip", "nul-bytes", "control-chars",
         "bad-utf16", "two-nuls", "invalid-utf8", "invalid-utf8-longer"],
)
def test_refuses_non_text_with_a_reason(data: bytes, code: str) -> None:
    with pytest.raises(InputProblem) as info:
        decode_bytes(data)
    assert info.value.error == code
    assert info.value.message  # a sentence for the person reading the errors table


def test_text_starting_like_a_signature_is_still_text() -> None:
    text = "MZ Logistics reported record profits this quarter, its chief executive said.\n"
    assert decode_bytes(text.encode()) == text


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\x00", "\x07", "\x0b", "\x1b", "\x1f", "é", "中", "\x7f"]),
               max_size=300))
def test_control_characters_counted_in_the_bytes_are_those_of_the_text(text: str) -> None:
    assert _control_ratio(text, text.encode("utf-8")) == control_char_ratio(text)
