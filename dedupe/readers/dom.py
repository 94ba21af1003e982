"""The visible blocks of an HTML page, each with where it sat in the page (DOM features).

One block per block-level element (``p``, ``h1``-``h6``, ``li``, a table row, ``blockquote``, a line
of ``pre``, ``figcaption``, ``dt``/``dd``, text directly inside a ``div``...; lines broken by
``<br>``), its inline descendants merged into its text, whitespace collapsed: the page read like a
naive visible-text dump, one line per block. Hidden elements (``hidden``, ``aria-hidden``, inline
``display: none``) are skipped; streamed React parts (``<div hidden id="S:n">``) are first moved
where their template stands, as the browser's script would.

Each block keeps :data:`DOM_FEATURES`: its tag, heading level, the containers around it (list,
table, quote, figure; ``nav``, ``header``, ``footer``, ``aside``, ``form``, ``main``, ``article`` or
their ARIA roles), link density, depth, the class/id words of chrome and of content on it and its
ancestors (:data:`CHROME_WORDS`, :data:`CONTENT_WORDS`), the share of the page's words under its
parent and grandparent, and whether it lies in the element that holds most of the page's long,
unlinked text. The block model reads them (:mod:`dedupe.clean.model`).

>>> blocks = dump_blocks(parse("<html><body><nav><a href='/'>Home</a></nav><div class='post-content'>"
...                            "<p>Prices <b>rose</b> in May.</p><p>Line one<br>Line two</p></div>"
...                            "</body></html>"))
>>> [b.text for b in blocks]
['Home', 'Prices rose in May.', 'Line one', 'Line two']
>>> features = dom_features(blocks)
>>> [float(features[0, DOM_FEATURES.index(name)]) for name in ("anc_nav", "link_density", "content_anc")]
[1.0, 1.0, 0.0]
>>> float(features[1, DOM_FEATURES.index("content_anc")])
2.0
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Final

import lxml.html
import numpy as np
from lxml import etree

# --- rules as data ----------------------------------------------------------------------------------

#: Words of class, id, itemprop and role attributes that hint at page chrome.
CHROME_WORDS: Final = tuple("""
    nav menu footer header sidebar widget comment share social related recommend promo ad advert
    banner breadcrumb cookie newsletter subscribe signup author bio tag byline meta caption credit
""".split())
#: ... and at the article.
CONTENT_WORDS: Final = tuple("article content post entry story body main text prose".split())
#: Keywords this short only match a whole class token ("ad" must not match "head" or "shadow").
SHORT_KEYWORD: Final = 4
#: Class tokens of text hidden by the stylesheet (screen-reader text): kept, but flagged.
HIDDEN_CLASSES: Final = frozenset("""
    hidden d-none sr-only visually-hidden visuallyhidden screen-reader-text element-invisible hide
""".split())
#: Elements whose content is never visible text.
SKIP: Final = frozenset("""
    script style noscript template svg head title meta link iframe object embed canvas video audio
    select datalist option math map source track param input textarea img picture
""".split())
#: Elements that start a block of their own.
BLOCK: Final = frozenset("""
    address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section
    summary table tbody thead tfoot tr td th caption ul legend
""".split())
#: The element a block's text belongs to, by kind; any other is "other".
OWNER_TAGS: Final = ("p", "div", "li", "tr", "td", "heading", "blockquote", "pre", "figcaption", "dt", "dd",
                     "section", "article", "other")
#: Containers a block can sit in: tag or ARIA role -> flag.
CONTAINER_TAGS: Final = {
    "nav": "nav", "header": "header", "footer": "footer", "aside": "aside", "form": "form", "button": "form",
    "label": "form", "main": "main", "article": "article", "li": "li", "table": "table",
    "blockquote": "blockquote", "pre": "pre", "figure": "figure", "figcaption": "figcaption", "a": "a",
    "dl": "dl",
}
CONTAINER_ROLES: Final = {
    "navigation": "nav", "banner": "header", "contentinfo": "footer", "complementary": "aside",
    "search": "form", "form": "form", "main": "main", "article": "article", "menu": "nav", "menubar": "nav",
    "dialog": "aside", "alert": "aside",
}
_FLAGS: Final = ("nav", "header", "footer", "aside", "form", "main", "article", "li", "table", "blockquote",
                 "pre", "figure", "figcaption", "dl", "a")
_BIT: Final = {name: 1 << i for i, name in enumerate(_FLAGS)}
_INSIDE: Final = ("li", "table", "blockquote", "pre", "figure", "figcaption", "dl")
_UNDER: Final = ("nav", "header", "footer", "aside", "form", "main", "article")

#: The columns of :func:`dom_features`.
DOM_FEATURES: Final = (
    *(f"tag_{t}" for t in OWNER_TAGS), "heading_level", "in_heading", *(f"in_{f}" for f in _INSIDE),
    *(f"anc_{f}" for f in _UNDER), "hidden", "br_line", "link_density", "log_links", "depth", "depth_rel",
    "hidden_class", "chrome_self", "content_self", "chrome_near", "content_near", "chrome_anc",
    "content_anc", "parent_share", "grandparent_share", "owner_share", "in_best", "best_share",
    "dist_best", "parent_long_share", "n_siblings_log", "repeat_parents_log", "repeat_share",
)
_COLUMN: Final = {name: i for i, name in enumerate(DOM_FEATURES)}

_SPACES: Final = re.compile(r"\s+")
_ATTRIBUTE_WORD: Final = re.compile(r"[^a-z0-9]+")
_CAMEL: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
_TOKEN: Final = re.compile(r"\w+")
_DIGITS: Final = re.compile(r"\d+")
_HIDDEN_STYLE: Final = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: A block of this many words or more, mostly unlinked, is long text (where the article is).
LONG_WORDS: Final = 15


def _keyword_hits(attributes: str) -> tuple[int, int, bool]:
    """Chrome words, content words and a hidden class among class/id/itemprop/role values."""
    words = [w for w in _ATTRIBUTE_WORD.split(_CAMEL.sub("-", attributes).lower()) if w]
    chrome = content = 0
    for word in words:
        if any(word == k or (len(k) >= SHORT_KEYWORD and k in word) for k in CHROME_WORDS):
            chrome += 1
        if any(word == k or (len(k) >= SHORT_KEYWORD and k in word) for k in CONTENT_WORDS):
            content += 1
    return chrome, content, any(t in HIDDEN_CLASSES for t in attributes.lower().split())


def is_hidden(element: Any) -> bool:
    """Hidden by the ``hidden`` attribute, ``aria-hidden`` or an inline style."""
    attributes = element.attrib
    if "hidden" in attributes or attributes.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = attributes.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


@dataclass(frozen=True, slots=True)
class _Context:
    """What a block inherits from the element it sits in and that element's ancestors."""

    tag: str
    depth: int
    flags: int
    heading: int  #: level of the enclosing h1-h6 (0: none)
    chrome_self: int
    content_self: int
    chrome_near: int  #: on this element and its three nearest ancestors
    content_near: int
    chrome_anc: int  #: on every ancestor
    content_anc: int
    hidden_class: bool
    elements: tuple[int, ...]  #: serials of the block elements on the path, outermost first
    near: tuple[tuple[int, int], ...] = ()
    #: The path's tags and classes (digits dropped: "comment-4512"), hashed: blocks of one template
    #: (teasers, comments, the article's paragraphs) share it.
    signature: int = 0


_ROOT: Final = _Context("#root", 0, 0, 0, 0, 0, 0, 0, 0, 0, False, ())


@dataclass(slots=True)
class DomBlock:
    """One visible block of a page and what :func:`dom_features` needs of it."""

    text: str
    context: _Context
    owner: str  #: the kind of element its text belongs to (:data:`OWNER_TAGS`)
    link_chars: int
    chars: int
    links: int
    inline_chrome: int
    inline_content: int
    br: bool = False
    words: int = 0
    siblings: int = 0  #: block elements under its parent element


def _child(element: Any, tag: str, parent: _Context, serial: int | None) -> _Context:
    attributes = element.attrib
    values = " ".join(v for v in (attributes.get("class"), attributes.get("id"), attributes.get("itemprop"),
                                  attributes.get("role")) if v)
    chrome, content, hidden_class = _keyword_hits(values) if values else (0, 0, False)
    flags = parent.flags
    if flag := CONTAINER_TAGS.get(tag):
        flags |= _BIT[flag]
    if (role := attributes.get("role")) and (flag := CONTAINER_ROLES.get(role.strip().lower())):
        flags |= _BIT[flag]
    heading = int(tag[1]) if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456" else parent.heading
    near = (*parent.near, (chrome, content))[-4:]
    classes = attributes.get("class")
    signature = hash((parent.signature, tag, _DIGITS.sub("", classes) if classes else ""))
    return _Context(tag, parent.depth + 1, flags, heading, chrome, content, sum(n[0] for n in near),
                    sum(n[1] for n in near), parent.chrome_anc + chrome, parent.content_anc + content,
                    parent.hidden_class or hidden_class,
                    (*parent.elements, serial) if serial is not None else parent.elements, near, signature)


def _owner(tag: str) -> str:
    if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
        return "heading"
    if tag == "th":
        return "td"
    if tag in ("main", "aside", "nav", "header", "footer", "form", "body", "html", "center"):
        return "section"
    return tag if tag in OWNER_TAGS else "other"


def _tag(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str):  # a comment, a processing instruction, an entity
        return None
    return tag.rsplit("}", 1)[-1].lower()


class _Dumper:
    """Walks the tree once, collecting inline text into the block of the element that owns it."""

    def __init__(self) -> None:
        self.blocks: list[DomBlock] = []
        self.serials = 0
        self.children: dict[int, int] = {}
        self._reset()

    def _reset(self) -> None:
        self.parts: list[str] = []
        self.link_chars = self.chars = self.links = self.inline_chrome = self.inline_content = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.parts.append(text)
            n = len(text) - text.count(" ") - text.count("\n") - text.count("\t")
            self.chars += n
            if in_link:
                self.link_chars += n

    def flush(self, owner: _Context, kind: str | None = None, br: bool = False) -> None:
        if self.parts:
            text = _SPACES.sub(" ", "".join(self.parts)).strip()
            if text:
                self.blocks.append(DomBlock(text, owner, kind or _owner(owner.tag), self.link_chars,
                                            self.chars, self.links, self.inline_chrome, self.inline_content,
                                            br))
        self._reset()

    def serial(self, parent: _Context) -> int:
        serial = self.serials
        self.serials += 1
        if parent.elements:
            self.children[parent.elements[-1]] = self.children.get(parent.elements[-1], 0) + 1
        return serial

    def walk(self, element: Any, owner: _Context, context: _Context) -> None:
        """Add the content of ``element`` (visible; ``context`` its own) to the block of ``owner``."""
        in_link = bool(context.flags & _BIT["a"])
        self.add(element.text, in_link)
        broke = False
        for child in element:
            tag = _tag(child)
            if tag is None or tag in SKIP or is_hidden(child):
                self.add(child.tail, in_link)
                continue
            if tag == "br":
                self.flush(owner, br=True)
                broke = True
            elif tag in BLOCK:
                self.flush(owner, br=broke)
                broke = False
                inner = _child(child, tag, context, self.serial(context))
                if tag == "tr" and _simple_row(child):
                    self._row(child, inner)
                elif tag == "pre":
                    self._pre(child, inner)
                else:
                    self.walk(child, inner, inner)
                    self.flush(inner)
            else:  # inline
                inner = _child(child, tag, context, None)
                self.links += tag == "a"
                self.inline_chrome = max(self.inline_chrome, inner.chrome_self)
                self.inline_content = max(self.inline_content, inner.content_self)
                self.walk(child, owner, inner)
            self.add(child.tail, in_link)
        if broke and owner is context:
            self.flush(owner, br=True)

    def _row(self, row: Any, context: _Context) -> None:
        """A table row of simple cells is one block, its cells joined by " | "."""
        cells = []
        for cell in row:
            if _tag(cell) not in ("td", "th") or is_hidden(cell):
                continue
            sub = _Dumper()
            inner = _child(cell, _tag(cell) or "td", context, None)
            sub.walk(cell, inner, inner)
            sub.flush(inner)
            self.link_chars += sum(b.link_chars for b in sub.blocks)
            self.chars += sum(b.chars for b in sub.blocks)
            self.links += sum(b.links for b in sub.blocks)
            if text := " ".join(b.text for b in sub.blocks):
                cells.append(text)
        if cells:
            self.parts = [" | ".join(cells)]
        self.flush(context, "tr")

    def _pre(self, pre: Any, context: _Context) -> None:
        for line in pre.text_content().splitlines():
            if line := _SPACES.sub(" ", line).strip():
                self.blocks.append(DomBlock(line, context, "pre", 0, len(line), 0, 0, 0))


def _simple_row(row: Any) -> bool:
    cells = [c for c in row if _tag(c) in ("td", "th")]
    return bool(cells) and not any(
        _tag(d) in BLOCK and _tag(d) not in ("p", "div", "span") for c in cells for d in c.iterdescendants())


def parse(html: str | bytes) -> Any:
    """The page's tree (lxml); a string with an encoding declaration is parsed as its bytes."""
    try:
        return lxml.html.document_fromstring(html)
    except (ValueError, etree.ParserError):
        if isinstance(html, str):
            return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"))
        raise


def unstream(root: Any) -> int:
    """Move React's streamed parts (``<div hidden id="S:n">``, sent at the end of the body) where
    their ``<template id="B:n">`` stands, visible, as the page's script does; returns how many."""
    moved = 0
    for div in root.xpath('//div[@hidden][starts-with(@id, "S:")]'):
        del div.attrib["hidden"]
        templates = root.xpath(f'//template[@id="B:{div.get("id")[2:]}"]')
        if templates:
            parent, before = div.getparent(), div.getprevious()
            if div.tail and parent is not None:  # the text after the div stays where it was
                if before is not None:
                    before.tail = (before.tail or "") + div.tail
                else:
                    parent.text = (parent.text or "") + div.tail
            template = templates[0]
            div.tail = template.tail
            template.getparent().replace(template, div)
        moved += 1
    return moved


def dump_blocks(root: Any) -> list[DomBlock]:
    """The visible blocks of a parsed page (:func:`parse`), in document order."""
    unstream(root)
    body = root.find("body")
    start = body if body is not None else root
    dumper = _Dumper()
    context = _child(start, _tag(start) or "body", _ROOT, dumper.serial(_ROOT))
    dumper.walk(start, context, context)
    dumper.flush(context)
    for block in dumper.blocks:
        if len(block.context.elements) >= 2:
            block.siblings = dumper.children.get(block.context.elements[-2], 0)
    return dumper.blocks


def dom_features(blocks: list[DomBlock]) -> np.ndarray:
    """The :data:`DOM_FEATURES` of the blocks of one page (float32, a row per block)."""
    out = np.zeros((len(blocks), len(DOM_FEATURES)), np.float32)
    if not blocks:
        return out
    words_under: dict[int, int] = {}
    long_under: dict[int, int] = {}
    depth_of: dict[int, int] = {}
    for b in blocks:
        b.words = len(_TOKEN.findall(b.text))
        long = b.words >= LONG_WORDS and b.link_chars < 0.3 * max(b.chars, 1)
        for depth, serial in enumerate(b.context.elements):
            words_under[serial] = words_under.get(serial, 0) + b.words
            depth_of[serial] = depth
            if long:
                long_under[serial] = long_under.get(serial, 0) + b.words
    page_words = max(sum(b.words for b in blocks), 1)
    total_long = sum(b.words for b in blocks
                     if b.words >= LONG_WORDS and b.link_chars < 0.3 * max(b.chars, 1))
    # The deepest element holding 60 % of the long text: where the article most likely is.
    best, best_depth = None, -1
    for serial, words in long_under.items():
        if words >= 0.6 * total_long and depth_of[serial] > best_depth:
            best, best_depth = serial, depth_of[serial]
    biggest = max(blocks, key=lambda b: b.words).context.depth
    # Blocks of one path signature under many parents are one template repeated (a teaser list, a
    # comment thread); the article's paragraphs share a parent.
    parents_of: dict[int, set[int]] = {}
    words_of: dict[int, int] = {}
    for b in blocks:
        signature, path = b.context.signature, b.context.elements
        parents_of.setdefault(signature, set()).add(path[-2] if len(path) >= 2 else -1)
        words_of[signature] = words_of.get(signature, 0) + b.words
    c = _COLUMN
    for row, b in zip(out, blocks, strict=True):
        ctx = b.context
        path = ctx.elements
        row[c[f"tag_{b.owner}"]] = 1.0
        row[c["heading_level"]] = int(ctx.tag[1]) if b.owner == "heading" else 0
        row[c["in_heading"]] = ctx.heading > 0
        for name in _INSIDE:
            row[c[f"in_{name}"]] = bool(ctx.flags & _BIT[name])
        for name in _UNDER:
            row[c[f"anc_{name}"]] = bool(ctx.flags & _BIT[name])
        row[c["link_density"]] = b.link_chars / max(b.chars, 1)
        row[c["br_line"]] = b.br
        row[c["log_links"]] = math.log1p(b.links)
        row[c["depth"]] = ctx.depth
        row[c["depth_rel"]] = ctx.depth - biggest
        row[c["hidden_class"]] = ctx.hidden_class
        row[c["chrome_self"]] = ctx.chrome_self + b.inline_chrome
        row[c["content_self"]] = ctx.content_self + b.inline_content
        row[c["chrome_near"]] = ctx.chrome_near
        row[c["content_near"]] = ctx.content_near
        row[c["chrome_anc"]] = ctx.chrome_anc
        row[c["content_anc"]] = ctx.content_anc
        row[c["repeat_parents_log"]] = math.log(len(parents_of[ctx.signature]))
        row[c["repeat_share"]] = words_of[ctx.signature] / page_words
        if path:
            row[c["owner_share"]] = words_under.get(path[-1], 0) / page_words
        if len(path) >= 2:
            row[c["parent_share"]] = words_under.get(path[-2], 0) / page_words
            row[c["parent_long_share"]] = long_under.get(path[-2], 0) / max(words_under.get(path[-2], 0), 1)
            row[c["n_siblings_log"]] = math.log1p(b.siblings)
        if len(path) >= 3:
            row[c["grandparent_share"]] = words_under.get(path[-3], 0) / page_words
        if best is None:
            row[c["in_best"]] = row[c["best_share"]] = row[c["dist_best"]] = -1.0
        else:
            row[c["best_share"]] = long_under[best] / max(total_long, 1)
            row[c["in_best"]] = best in path
            row[c["dist_best"]] = len(path) - 1 - path.index(best) if best in path else -1.0
    return out

