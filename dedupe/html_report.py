"""A static HTML report of one committed run: one self-contained file (no script, no network).

Written to ``OUT/_reports/<run_id>.html`` after each run (and by ``dedupe report``), from the corpus
alone. It shows the totals and the removals by label and reason (a bar chart), the chrome lines
learned per site, the largest duplicate clusters with their members side by side, the documents
with the highest duplicate ratio, the errors, and a page per document with every removed span
struck through and coloured, its reason beside it, and each duplicate linked to the kept block.

It stays small for a run of any size: lists are cut to their top entries, and document pages are
written for at most ``max_documents`` documents - every document a list links to first, then the
first others by path. The report says how many it shows; ``dedupe inspect`` shows any document.

>>> import tempfile
>>> from dedupe.run import run_pipeline
>>> out = tempfile.mkdtemp()
>>> summary = run_pipeline(["seeds"], out)
>>> path = write_html_report(out, summary.run_id)
>>> path.name == f"{summary.run_id}.html", "<del class=\\"b padding\\"" in path.read_text()
(True, True)
"""

from __future__ import annotations

import html
import os
from collections import defaultdict
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from dedupe.corpus import Manifest
from dedupe.document import LABELS
from dedupe.inspect import BLOCK_COLUMNS, kept_blocks
from dedupe.report import label_reason_counts, run_table

REPORTS = "_reports"
#: Colours of the labels, in the chart and in the document pages.
COLOURS = {"content": "#2b7a3d", "title": "#1f5fa8", "chrome": "#8a8f98", "padding": "#b0369a",
           "duplicate": "#c77800"}

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;
background:#f7f8fa}header{background:#1d2330;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#c7ccd6}main{padding:8px 32px 48px;max-width:1200px}
h2{margin-top:36px;border-bottom:1px solid #d9dde4;padding-bottom:4px}
table{border-collapse:collapse;background:#fff;margin:8px 0}td,th{padding:4px 10px;
border:1px solid #e1e4ea;vertical-align:top;text-align:left}th{background:#eef0f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}.totals{display:flex;gap:12px;flex-wrap:wrap}
.total{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:8px 14px;min-width:110px}
.total b{display:block;font-size:20px}
.bar{height:14px;border-radius:2px;display:inline-block;vertical-align:middle}
.chart td{border:none;padding:2px 8px}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:10px;margin:6px 0 18px}
.pair div{background:#fff;border:1px solid #e1e4ea;border-radius:4px;padding:8px;font-size:14px}
.pair .kept{border-left:4px solid #2b7a3d}.pair .copy{border-left:4px solid #c77800}
.doc{background:#fff;border:1px solid #e1e4ea;border-radius:6px;padding:4px 18px 14px;margin:18px 0}
.doc .text{white-space:pre-wrap;font-size:14px}.meta{color:#5b6472;font-size:13px}
.b.content{color:#1d2330}.b.title{color:#1f5fa8;font-weight:600}
del.b{text-decoration-thickness:1.5px}del.chrome{color:#8a8f98}del.padding{color:#b0369a}
del.duplicate{color:#c77800}.why{font-size:12px;color:#5b6472;background:#eef0f4;border-radius:3px;
padding:0 4px;margin-left:4px;white-space:normal}:target{background:#fff3bf}
.legend span{margin-right:14px}nav a{margin-right:14px}
"""


def _esc(text: Any) -> str:
    return html.escape("" if text is None else str(text))


def _doc_link(doc_id: str, path: str, shown: set[str]) -> str:
    return f'<a href="#doc-{_esc(doc_id)}">{_esc(path)}</a>' if doc_id in shown else _esc(path)


def _block_html(b: dict[str, Any], shown: set[str], paths: dict[str, str]) -> str:
    anchor = f'b-{_esc(b["doc_id"])}-{b["block_idx"]}'
    label = b["label"]
    if label in ("content", "title"):
        return f'<span class="b {label}" id="{anchor}">{_esc(b["text"])}</span>'
    why = _esc(b["reason"])
    if b["duplicate_of_doc"]:
        target = f'b-{_esc(b["duplicate_of_doc"])}-{b["duplicate_of_block"]}'
        where = _esc(paths.get(b["duplicate_of_doc"], b["duplicate_of_doc"]))
        text = f'{why} of block {b["duplicate_of_block"]} in {where}, similarity {b["similarity"]:.2f}'
        why = (f'<a class="kept-link" href="#{target}">{text}</a>' if b["duplicate_of_doc"] in shown
               else text)
    return (f'<del class="b {label}" id="{anchor}" title="{_esc(b["reason"])}">{_esc(b["text"])}</del>'
            f'<span class="why">{why}</span>')


def _document_html(doc: dict[str, Any], blocks: list[dict[str, Any]], shown: set[str],
                   paths: dict[str, str]) -> str:
    base = doc["extracted_text"] if doc["extracted_text"] is not None else doc["raw_text"]
    parts, prev = [], 0
    for b in blocks:
        parts.append(_esc(base[prev:b["start"]]))
        parts.append(_block_html(b, shown, paths))
        prev = b["end"]
    parts.append(_esc(base[prev:]))
    counts = ", ".join(f'{doc[f"n_{label}"]} {label}' for label in LABELS)
    source = doc["near_duplicate_of"]
    copy = f" · copy of {_doc_link(source, paths.get(source, source), shown)}" if source else ""
    return (f'<section class="doc" id="doc-{_esc(doc["doc_id"])}"><h3>{_esc(doc["path"])}</h3>'
            f'<p class="meta">doc {_esc(doc["doc_id"])} · site {_esc(doc["source"] or "-")} · '
            f'{counts} · duplicate ratio {doc["duplicate_ratio"]:.2f}{copy}</p>'
            f'<div class="text">{"".join(parts)}</div></section>')


def _chart(rows: list[tuple[str, int, str]]) -> str:
    top = max((n for _, n, _ in rows), default=1) or 1
    body = "".join(f'<tr><td>{_esc(name)}</td><td class="n">{n:,}</td><td><span class="bar" '
                   f'style="width:{max(2, round(360 * n / top))}px;background:{colour}"></span></td></tr>'
                   for name, n, colour in rows)
    return f'<table class="chart">{body}</table>'


def write_html_report(out_dir: str | Path, run_id: str, max_documents: int = 200, top: int = 10) -> Path:
    """Write ``OUT/_reports/<run_id>.html`` for a committed run and return its path."""
    out = Path(out_dir)
    record = next((r for r in Manifest.load(out).runs if r["run_id"] == run_id), None)
    if record is None:
        raise LookupError(f"run {run_id} is not committed in {out}")
    reasons = label_reason_counts(out, run_id)
    by_label: dict[str, int] = defaultdict(int)
    for r in reasons:
        by_label[r["label"]] += r["blocks"]
    docs = run_table(out, "documents", run_id, ["doc_id", "path", "duplicate_ratio", "near_duplicate_of",
                                                "__filename"])
    paths = dict(zip(docs["doc_id"].to_pylist(), docs["path"].to_pylist(), strict=True))
    # Lists: the largest clusters, the most copied documents, chrome per site, errors.
    # Clusters are counted without text; only the largest ones' members are read with theirs.
    is_dup = (pc.field("label") == "duplicate") & pc.starts_with(pc.field("reason"), "duplicate:")
    links = run_table(out, "blocks", run_id, ["duplicate_of_doc", "duplicate_of_block"], is_dup)
    sizes = (links.group_by(["duplicate_of_doc", "duplicate_of_block"])
             .aggregate([("duplicate_of_block", "count")]) if links.num_rows else None)
    n_clusters = sizes.num_rows if sizes is not None else 0
    largest_keys = [] if sizes is None else [
        (r["duplicate_of_doc"], r["duplicate_of_block"]) for r in sizes.sort_by(
            [("duplicate_of_block_count", "descending"), ("duplicate_of_doc", "ascending"),
             ("duplicate_of_block", "ascending")]).slice(0, top).to_pylist()]
    clusters: dict[tuple[str, int], list[dict[str, Any]]] = {k: [] for k in largest_keys}
    if largest_keys:
        targets = pc.field("duplicate_of_doc").isin(sorted({d for d, _ in largest_keys}))
        for d in run_table(out, "blocks", run_id, ["doc_id", "block_idx", "text", "duplicate_of_doc",
                                                    "duplicate_of_block", "similarity", "reason"],
                            is_dup & targets).to_pylist():
            if (d["duplicate_of_doc"], d["duplicate_of_block"]) in clusters:
                clusters[(d["duplicate_of_doc"], d["duplicate_of_block"])].append(d)
    largest = [(k, sorted(clusters[k], key=lambda m: (m["doc_id"], m["block_idx"]))) for k in largest_keys]
    kept = kept_blocks(out, set(largest_keys))
    for block in kept.values():
        paths.setdefault(block["doc_id"], block["path"] or block["doc_id"])
    copied = docs.filter(pc.greater(docs["duplicate_ratio"], 0)).sort_by(
        [("duplicate_ratio", "descending"), ("path", "ascending")]).slice(0, 25).to_pylist()
    chrome = run_table(out, "site_chrome", run_id, ["source", "text", "n_docs"]).to_pylist()
    errors = run_table(out, "errors", run_id, ["path", "record", "stage", "error", "message"])
    # Document pages: what the lists link to first, then the first others by path.
    wanted: list[str] = [r["doc_id"] for r in copied]
    for (kept_doc, _), members in largest:
        wanted += [kept_doc] + [m["doc_id"] for m in members[:6]]
    run_docs = set(docs["doc_id"].to_pylist())
    wanted += [d for _, d in sorted((p, d) for d, p in paths.items() if d in run_docs)]
    shown_order = list(dict.fromkeys(d for d in wanted if d in run_docs))[:max_documents]
    shown = set(shown_order)
    # The pages' text is read from the parts that hold them only (documents and blocks of a
    # part share its file name).
    files = docs["__filename"].to_pylist()
    name_of = {f: Path(f).name for f in set(files)}
    part_of = dict(zip(docs["doc_id"].to_pylist(), (name_of[f] for f in files), strict=True))
    pages = _document_pages(out, run_id, shown_order, shown, paths, {part_of[d] for d in shown_order})

    html_parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dedupe run {_esc(run_id)}</title>'
        f'<meta name="viewport" content="width=device-width"><style>{_CSS}</style></head><body>',
        f'<header><h1>dedupe run {_esc(run_id)}</h1><p>committed {_esc(record.get("committed"))} · '
        f'{_esc(out.resolve())}</p></header><main>',
        '<nav><a href="#totals">Totals</a><a href="#removed">Removed</a><a href="#chrome">Site chrome</a>'
        '<a href="#clusters">Duplicate clusters</a><a href="#copied">Most copied</a>'
        '<a href="#errors">Errors</a><a href="#documents">Documents</a></nav>']
    totals = [("input files", record.get("files", 0)), ("documents", record.get("documents", 0)),
              *((label, by_label.get(label, 0)) for label in LABELS), ("errors", record.get("errors", 0))]
    html_parts.append('<h2 id="totals">Totals</h2><div class="totals">' + "".join(
        f'<div class="total">{_esc(name)}<b>{n:,}</b></div>' for name, n in totals) + "</div>")
    html_parts.append('<h2 id="removed">Blocks by label, and what was removed by reason</h2>')
    html_parts.append(_chart([(label, by_label.get(label, 0), COLOURS[label]) for label in LABELS]))
    removed = [r for r in reasons if r["label"] not in ("content", "title")][:30]
    html_parts.append(_chart([(r["reason"], r["blocks"], COLOURS[r["label"]]) for r in removed]))
    html_parts.append(_chrome_html(chrome))
    html_parts.append(f'<h2 id="clusters">Largest duplicate clusters ({n_clusters:,} in all)</h2>')
    for (kept_doc, kept_block), members in largest:
        k = kept.get((kept_doc, kept_block), {})
        copies = f'{len(members)} {"copy" if len(members) == 1 else "copies"}'
        html_parts.append(f'<p><b>{copies}</b> of block {kept_block} of '
                          f'{_doc_link(kept_doc, paths.get(kept_doc, kept_doc), shown)}</p>')
        for m in members[:6]:
            member = _doc_link(m["doc_id"], paths.get(m["doc_id"], m["doc_id"]), shown)
            html_parts.append(
                f'<div class="pair"><div class="kept">{_esc(k.get("text", ""))}</div><div class="copy">'
                f'{member} · block {m["block_idx"]} · {_esc(m["reason"])}, similarity {m["similarity"]:.2f}'
                f'<br>{_esc(m["text"])}</div></div>')
    html_parts.append('<h2 id="copied">Documents with the highest duplicate ratio</h2><table><tr><th>document'
                      '</th><th>duplicate ratio</th><th>copy of</th></tr>' + "".join(
                          f'<tr><td>{_doc_link(r["doc_id"], r["path"], shown)}</td><td class="n">'
                          f'{r["duplicate_ratio"]:.2f}</td><td>'
                          f'{_esc(paths.get(r["near_duplicate_of"] or "", ""))}</td></tr>' for r in copied)
                      + "</table>")
    html_parts.append(f'<h2 id="errors">Errors ({errors.num_rows:,})</h2>')
    if errors.num_rows:
        html_parts.append("<table><tr><th>input</th><th>stage</th><th>error</th><th>message</th></tr>"
                          + "".join(f'<tr><td>{_esc(e["path"])}'
                                    f'{"" if e["record"] is None else " #" + str(e["record"])}</td>'
                                    f'<td>{_esc(e["stage"])}</td><td>{_esc(e["error"])}</td>'
                                    f'<td>{_esc(e["message"])}</td></tr>'
                                    for e in errors.slice(0, 200).to_pylist()) + "</table>")
    legend = "".join(f'<span style="color:{c}">■ {label}</span>' for label, c in COLOURS.items())
    html_parts.append(f'<h2 id="documents">Documents ({len(shown):,} of {len(run_docs):,} shown)</h2>'
                      f'<p class="legend">{legend} — removed text is struck through, its reason beside it. '
                      f'Pages are written for the documents the lists above link to, then the first '
                      f'others by path, {max_documents} at most; <code>dedupe inspect {_esc(out)} DOC_ID'
                      f'</code> shows any document.</p>')
    html_parts.extend(pages)
    html_parts.append("</main></body></html>")
    target = out / REPORTS / f"{run_id}.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text("".join(html_parts), encoding="utf-8")
    os.replace(tmp, target)
    return target


def _chrome_html(chrome: list[dict[str, Any]], sites: int = 40, lines: int = 12) -> str:
    by_site: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in chrome:
        by_site[c["source"]].append(c)
    ranked = sorted(by_site.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    out = [f'<h2 id="chrome">Site chrome learned ({len(chrome):,} lines on {len(by_site):,} sites)</h2>']
    for source, rows in ranked[:sites]:
        rows = sorted(rows, key=lambda r: (-r["n_docs"], r["text"]))
        out.append(f"<p><b>{_esc(source)}</b>: {len(rows)} lines</p>"
                   "<table><tr><th>line</th><th>pages</th></tr>"
                   + "".join(f'<tr><td>{_esc(r["text"])}</td><td class="n">{r["n_docs"]}</td></tr>'
                             for r in rows[:lines]) + "</table>")
    if len(ranked) > sites:
        out.append(f"<p>… and {len(ranked) - sites} more sites (<code>site_chrome/</code> has all).</p>")
    return "".join(out)


def _document_pages(out: Path, run_id: str, order: list[str], shown: set[str],
                    paths: dict[str, str], parts: set[str]) -> list[str]:
    if not order:
        return []
    doc_columns = ["doc_id", "path", "source", "raw_text", "extracted_text", "duplicate_ratio",
                   "near_duplicate_of", *[f"n_{label}" for label in LABELS]]
    in_order = pc.field("doc_id").isin(order)
    docs = {d["doc_id"]: d
            for d in run_table(out, "documents", run_id, doc_columns, in_order, parts).to_pylist()}
    blocks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in run_table(out, "blocks", run_id, BLOCK_COLUMNS, in_order, parts).to_pylist():
        blocks[b["doc_id"]].append(b)
    return [_document_html(docs[d], sorted(blocks[d], key=lambda b: b["block_idx"]), shown, paths)
            for d in order if d in docs]
