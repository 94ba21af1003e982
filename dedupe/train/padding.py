"""Retrain the padding model: ``python -m dedupe.train.padding``.

There is no labelled AI padding to learn from, so it is made: every page of
``../shared/eval/{wcxb-dev,fundus,aeb}`` gets sections of the padding generator
(:mod:`dedupe.train.padding_gen`) inserted before, inside and after its article (the lines that
align with its truth), :data:`VARIANTS` times with different sections. The blocks of article text
(real stories, their real "Key Takeaways" and "FAQ" sections included) are the negatives, the
generated padding the positives; chrome is left out (the block model deals with it).

Only the generator's training families are ever learned from. Its held-out families, whose
headings and sentence templates the training families do not share, measure what the model does
on padding worded in ways it has never seen, and every figure is site-grouped: a fold's pages are
judged by a model trained on other sites. The card reports, per set of families, the share of
padding words removed and of article words kept, through the cleaner's own section decisions
(:func:`dedupe.clean.commentary.padding_sections`).

Writes ``dedupe/clean/models/padding-<version>.npz`` and its card ``padding-<version>.md``. Needs
the ``train`` extra.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from dedupe.clean import cleaner
from dedupe.clean.commentary import (
    PADDING_FEATURES,
    padding_features,
    padding_probabilities,
    padding_runs,
)
from dedupe.clean.model import TreeModel, model_path
from dedupe.document import Document
from dedupe.settings import Settings
from dedupe.stages.read import DOCUMENT_STEPS
from dedupe.train import blocks
from dedupe.train.blocks import (
    FOLDS,
    INNER_FOLDS,
    SEED,
    fit,
    site_chrome_of,
    site_folds,
    to_tree_model,
)
from dedupe.train.evalsets import SETS, SHARED, eval_pages
from dedupe.train.labels import aligned_shares, tokens
from dedupe.train.padding_gen import HELD_OUT_FAMILIES, TRAIN_FAMILIES, pad_article

#: Padded copies of every page to learn from (each with other sections).
VARIANTS: Final = 2
#: The block model's parameters (one thread, deterministic), larger leaves: fewer, longer rows.
PARAMS: Final = {**blocks.PARAMS, "min_data_in_leaf": 40}
#: 100 trees judge the held-out families as well as 300 did, at a third of the cost: the model
#: runs on every block of article text. (It weighs no words: learned from the generator's own
#: sentences, word weights tie a model to its templates; measured, 53 % of the held-out families'
#: padding words scored over 0.5 with them, 83 % without.)
ROUNDS: Final = 100
#: Article words the decisions may lose, at most, where the threshold is chosen.
MAX_ARTICLE_LOST: Final = 0.005
THRESHOLDS: Final = tuple(round(t, 2) for t in np.arange(0.1, 0.96, 0.05))
CHROME, ARTICLE, PADDING = 0, 1, 2


@dataclass
class PaddedPages:
    """Blocks of padded pages: features, role, words; pages in order."""

    own: np.ndarray  #: OWN_FEATURES (lexical columns at zero: the padding model weighs no words)
    facts: np.ndarray  #: FACT_FEATURES
    role: np.ndarray  #: CHROME, ARTICLE or PADDING per block
    words: np.ndarray
    heading: np.ndarray  #: heading-like blocks
    starts: np.ndarray  #: first block of each page, and the total
    sites: list[str]  #: per page
    families: list[tuple[str, ...]]  #: the families each page was padded with

    def rows_of(self, pages: np.ndarray) -> np.ndarray:
        if not len(pages):
            return np.zeros(0, np.int64)
        return np.concatenate([np.arange(self.starts[p], self.starts[p + 1]) for p in pages])


def padded_page(lines: Sequence[str], article: Sequence[bool], families: Sequence[str],
                rng: random.Random) -> tuple[list[str], list[int], tuple[str, ...]]:
    """``lines`` of a page with padding sections inserted around its article (from its first to its
    last article line): the lines, their roles, and the families used."""
    at = [i for i, a in enumerate(article) if a]
    if not at:
        return list(lines), [CHROME] * len(lines), ()
    first, last = at[0], at[-1]
    padded = pad_article(None, list(lines[first:last + 1]), rng, families)
    middle_roles = iter(ARTICLE if a else CHROME for a in article[first:last + 1])
    out_lines = list(lines[:first])
    roles = [CHROME] * first
    used: list[str] = []
    for line in padded:
        out_lines.append(line.text)
        if line.role == "padding":
            roles.append(PADDING)
            if line.family and line.family not in used:
                used.append(line.family)
        else:
            roles.append(next(middle_roles))
    out_lines += lines[last + 1:]
    roles += [CHROME] * (len(lines) - last - 1)
    return out_lines, roles, tuple(used)


def load_padded(shared: Path = SHARED, sets: Sequence[str] = SETS, families: Sequence[str] = TRAIN_FAMILIES,
                variants: int = VARIANTS, seed: int = SEED) -> PaddedPages:
    """Every page of ``sets`` padded ``variants`` times with sections of ``families``, described."""
    settings = Settings(dedup=False)
    owns: list[np.ndarray] = []
    facts: list[np.ndarray] = []
    roles: list[int] = []
    words: list[int] = []
    heading: list[bool] = []
    starts: list[int] = [0]
    sites: list[str] = []
    used: list[tuple[str, ...]] = []
    for name in sets:
        docs: list[Document] = []
        doc_roles: list[list[int]] = []
        for page in eval_pages(name, shared):
            text = page.path("text").read_text("utf-8", errors="replace")
            lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
            article = [s >= 0.5 for s in aligned_shares(lines, page.truth())]
            source = page.key.split("/", 1)[0] if "/" in page.key else ""
            for variant in range(variants):
                rng = random.Random(f"{seed}/{name}/{page.key}/{variant}")
                out_lines, line_roles, fams = padded_page(lines, article, families, rng)
                doc = Document.from_text("\n".join(out_lines), path=f"{page.key}-{variant}.txt",
                                         format="text", source=source)
                for step in DOCUMENT_STEPS:
                    doc = step(doc, settings)
                # Each block takes the role of the line it lies in.
                line_starts = np.cumsum([0] + [len(ln) + 1 for ln in out_lines])
                doc_roles.append([line_roles[int(np.searchsorted(line_starts, b.start, "right")) - 1]
                                  for b in doc.blocks])
                docs.append(doc)
                sites.append(page.group)
                used.append(fams)
        # Site chrome is learned per variant: copies of one page must not make its lines "repeat
        # across the site".
        chrome: dict[str, frozenset[int]] = {}
        for variant in range(variants):
            for site, keys in site_chrome_of(docs[variant::variants], settings).items():
                chrome[site] = chrome.get(site, frozenset()) | keys
        labellers = cleaner.prepare(docs, settings, chrome)
        batch = cleaner.batch_features(labellers)
        owns.append(batch.own)
        facts.append(batch.facts)
        for lab, block_roles in zip(labellers, doc_roles, strict=True):
            roles.extend(block_roles)
            words.extend(len(tokens(b.text)) for b in lab.blocks)
            heading.extend(f.features.heading_like for f in lab.facts)
            starts.append(starts[-1] + len(lab.blocks))
    return PaddedPages(own=np.concatenate(owns), facts=np.concatenate(facts), role=np.array(roles, np.int8),
                       words=np.array(words, np.float64),
                       heading=np.array(heading, bool), starts=np.array(starts, np.int64), sites=sites,
                       families=used)


# --- learning and judging --------------------------------------------------------------------------

def _trainable(pages: PaddedPages, rows: np.ndarray) -> np.ndarray:
    out: np.ndarray = rows[pages.role[rows] != CHROME]
    return out


def decisions(pages: PaddedPages, page_ids: np.ndarray, probabilities: np.ndarray,
              threshold: float) -> np.ndarray:
    """Which blocks of ``page_ids`` the cleaner's decisions (:func:`padding_runs`) take for
    padding, given the model's ``probabilities`` (over those pages' rows) and every non-chrome
    block taken for article text (as the block model would leave it)."""
    taken = np.zeros(len(probabilities), bool)
    at = 0
    for p in page_ids.tolist():
        a, b = int(pages.starts[p]), int(pages.starts[p + 1])
        n = b - a
        article = (pages.role[a:b] != CHROME).tolist()
        for start, end in padding_runs(probabilities[at:at + n].tolist(), pages.words[a:b].tolist(),
                                       article, threshold):
            taken[at + start:at + end] = True
        at += n
    return taken


def removal(pages: PaddedPages, page_ids: np.ndarray, taken: np.ndarray) -> dict[str, float]:
    """Share of padding words removed and of article words kept, over ``page_ids``."""
    rows = pages.rows_of(page_ids)
    role, words = pages.role[rows], pages.words[rows]
    padding, article = role == PADDING, role == ARTICLE
    return {"padding_removed": float(words[padding & taken].sum() / max(words[padding].sum(), 1)),
            "article_kept": float(words[article & ~taken].sum() / max(words[article].sum(), 1)),
            "pages": float(len(page_ids))}


def best_threshold(pages: PaddedPages, page_ids: np.ndarray, probabilities: np.ndarray) -> float:
    """The threshold removing the most padding while losing at most :data:`MAX_ARTICLE_LOST` of
    the article words (the highest threshold if none does)."""
    best, best_removed = THRESHOLDS[-1], -1.0
    for t in THRESHOLDS:
        figures = removal(pages, page_ids, decisions(pages, page_ids, probabilities, t))
        if figures["article_kept"] >= 1 - MAX_ARTICLE_LOST and figures["padding_removed"] > best_removed:
            best, best_removed = t, figures["padding_removed"]
    return float(best)


def features(pages: PaddedPages, page_ids: np.ndarray) -> np.ndarray:
    """The PADDING_FEATURES rows of ``page_ids``."""
    rows = pages.rows_of(page_ids)
    starts = np.concatenate(([0], np.cumsum(np.diff(pages.starts)[page_ids])))
    return padding_features(pages.own[rows], starts, pages.facts[rows])


def _inner_oof(pages: PaddedPages, page_ids: np.ndarray, inner: list[np.ndarray], x: np.ndarray,
               trainable: np.ndarray) -> np.ndarray:
    """Out-of-fold probabilities of the rows of ``page_ids`` (``x``), each inner fold predicted by
    trees trained on the other folds' article and padding blocks."""
    all_rows = pages.rows_of(page_ids)
    position = {p: i for i, p in enumerate(page_ids.tolist())}
    local_starts = np.concatenate(([0], np.cumsum(np.diff(pages.starts)[page_ids])))
    out = np.zeros(len(all_rows))
    for fold in inner:
        if not len(fold):
            continue
        test = np.concatenate([np.arange(local_starts[position[p]], local_starts[position[p] + 1])
                               for p in fold.tolist()])
        rows = np.setdiff1d(np.flatnonzero(trainable), test)
        out[test] = _fit(pages, all_rows[rows], x[rows]).predict(x[test])
    return out


def _fit(pages: PaddedPages, rows: np.ndarray, x: np.ndarray) -> Any:
    """Trees on ``x`` (the features of ``rows``): padding against article text, longer blocks weighing
    more."""
    return fit(x, pages.role[rows] == PADDING, np.log1p(pages.words[rows]) + 0.5, dict(PARAMS), ROUNDS)


def train(pages: PaddedPages, page_ids: np.ndarray) -> TreeModel:
    """A padding model trained on the article and padding blocks of ``page_ids``, its threshold
    chosen on out-of-fold decisions over the same pages (inner folds of sites)."""
    inner = site_folds(pages.sites, page_ids, INNER_FOLDS, salt="inner")
    x = features(pages, page_ids)
    all_rows = pages.rows_of(page_ids)
    article = pages.role[all_rows] != CHROME
    threshold = best_threshold(pages, page_ids, _inner_oof(pages, page_ids, inner, x, article))
    rows = np.flatnonzero(article)
    trees = _fit(pages, all_rows[rows], x[rows])
    gain = trees.feature_importance(importance_type="gain")
    return to_tree_model(trees, PADDING_FEATURES, np.zeros(0, np.float32), threshold,
                         {"pages": len(page_ids), "blocks": len(rows),
                          "importance": [PADDING_FEATURES[i] for i in np.argsort(-gain)]})


def predict(model: TreeModel, pages: PaddedPages, page_ids: np.ndarray) -> np.ndarray:
    """The model's probabilities for every block of ``page_ids`` (non-chrome blocks taken for
    article text)."""
    rows = pages.rows_of(page_ids)
    return padding_probabilities(model, features(pages, page_ids), pages.role[rows] != CHROME)


def cross_validate(train_pages: PaddedPages, held_out: PaddedPages,
                   folds_out: Path | None = None) -> dict[str, dict[str, float]]:
    """Site-grouped figures of the decisions: on pages padded with training families and with
    held-out ones, each page judged by a model trained on other sites' training-family pages
    (written to ``folds_out/padding-fold<k>.npz`` when given)."""
    all_pages = np.arange(len(train_pages.sites))
    taken_train = np.zeros(len(train_pages.role), bool)
    taken_held = np.zeros(len(held_out.role), bool)
    for k, fold in enumerate(site_folds(train_pages.sites, all_pages, FOLDS)):
        if not len(fold):
            continue
        started = time.perf_counter()
        model = train(train_pages, np.setdiff1d(all_pages, fold))
        if folds_out is not None:
            folds_out.mkdir(parents=True, exist_ok=True)
            model.save(folds_out / f"padding-fold{k}.npz")
        fold_sites = {train_pages.sites[p] for p in fold.tolist()}
        for pages, taken in ((train_pages, taken_train), (held_out, taken_held)):
            ids = np.array([p for p in range(len(pages.sites)) if pages.sites[p] in fold_sites], np.int64)
            taken[pages.rows_of(ids)] = decisions(pages, ids, predict(model, pages, ids), model.threshold)
        print(f"  fold {k + 1}/{FOLDS}: threshold {model.threshold:.2f}, "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return {"training families": removal(train_pages, all_pages, taken_train),
            "held-out families": removal(held_out, np.arange(len(held_out.sites)), taken_held)}


def load_both(shared: Path = SHARED) -> tuple[PaddedPages, PaddedPages]:
    """The pages padded with training families (to learn from) and with held-out ones (to measure)."""
    print("padding and describing the pages...", file=sys.stderr)
    return (load_padded(shared),
            load_padded(shared, families=HELD_OUT_FAMILIES, variants=1, seed=SEED + 1))


def fold_models(shared: Path, folds_out: Path) -> dict[str, dict[str, float]]:
    """Train and write the fold models only (for benchmarks); their cross-validated figures."""
    return cross_validate(*load_both(shared), folds_out=folds_out)


def model_card(model: TreeModel, figures: dict[str, dict[str, float]], pages: PaddedPages,
               seconds: float) -> str:
    rows = [f"| {name} | {int(f['pages'])} | {f['padding_removed']:.1%} | {f['article_kept']:.2%} |"
            for name, f in figures.items()]
    return "\n".join([
        f"# Padding model {model.version}",
        "",
        "The probability that a block of article text is AI commentary about the story, used by "
        "the cleaner's padding step (`dedupe/clean/commentary.py`): a section (heading to heading) "
        "whose article blocks average at least the threshold is `padding`, reason "
        "`padding:<heading family>` or `padding:commentary`.",
        "",
        "## Training data",
        f"- The pages of `../shared/eval/{{{','.join(SETS)}}}` ({len(set(pages.sites))} sites), each "
        f"padded {VARIANTS} times by `dedupe/train/padding_gen.py` with sections of its "
        f"{len(TRAIN_FAMILIES)} training families only (before, inside and after the story); "
        f"{len(pages.role):,} blocks. Positives: the generated padding; negatives: the article text "
        "(the lines aligned with each page's truth, real FAQ and takeaway sections included).",
        f"- Held out, never learned from: {len(HELD_OUT_FAMILIES)} families "
        f"({', '.join(HELD_OUT_FAMILIES)}) with their own headings and sentence templates.",
        "",
        "## Model",
        f"- LightGBM, {ROUNDS} trees: `{json.dumps({k: v for k, v in PARAMS.items() if k != 'verbose'})}`.",
        f"- Features ({len(model.features)}): `dedupe/clean/commentary.py` — word classes of commentary "
        "(`COMMENTARY_WORDS` in `dedupe/clean/rules.py`) in the block, around it and over its section, "
        "the reuse of the page's rare words, shape and position; no word of the generator is a feature.",
        f"- Threshold {model.threshold:.2f}: the most padding removed with at most "
        f"{MAX_ARTICLE_LOST:.1%} of article words lost, on out-of-fold decisions.",
        "",
        f"## Cross-validated figures ({FOLDS} folds of sites, the cleaner's section decisions)",
        "",
        "| pages padded with | pages | padding words removed | article words kept |",
        "|---|---|---|---|",
        *rows,
        "",
        "## Most useful features (gain)",
        ", ".join(f"`{name}`" for name in model.info.get("importance", [])[:20]),
        "",
        "## Reproduce",
        f"`python -m dedupe.train.padding` ({seconds / 60:.0f} minutes on 2 cores). "
        f"Trained {model.info.get('trained', '')}.",
        "",
    ])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the folder holding eval/")
    parser.add_argument("--out", type=Path, default=model_path("padding").parent)
    parser.add_argument("--folds-out", type=Path, help="also write each fold's model there (benchmarks)")
    args = parser.parse_args(argv)
    if not (args.shared / "eval").is_dir():
        sys.exit(f"no evaluation sets in {args.shared / 'eval'}: nothing to train on")
    started = time.perf_counter()
    train_pages, held_out = load_both(args.shared)
    print(f"{len(train_pages.sites)} padded pages; cross-validating...", file=sys.stderr)
    figures = cross_validate(train_pages, held_out, args.folds_out)
    model = train(train_pages, np.arange(len(train_pages.sites)))
    model.info.update({"trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"), "cv": figures})
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / model_path("padding").name
    model.save(target)
    card = model_card(model, figures, train_pages, time.perf_counter() - started)
    target.with_suffix(".md").write_text(card, encoding="utf-8")
    print(card)


if __name__ == "__main__":
    main()
