"""Retrain the block model from the evaluation sets: ``python -m dedupe.train.blocks``.

Every block of every page of ``../shared/eval/{wcxb-dev,fundus,aeb}`` is read, segmented and
prepared exactly as a run does (:func:`dedupe.clean.cleaner.prepare`), labelled article text or
not by aligning it with the page's truth (:mod:`dedupe.train.labels`), and described by
:data:`~dedupe.clean.context.FEATURES`. Then:

1. **Word weights**: the log-odds of each word bucket in article text against the rest, counting
   each site once per word (a big site's menu must not teach its own words), words seen on fewer
   than :data:`MIN_SITES` sites weighing nothing.
2. **Trees**: LightGBM on the features, the lexical ones computed with weights learned *without*
   the rows' own sites (inner folds), as they will be on pages of a new site. Blocks weigh their
   share of their page's words: the benchmark averages pages, and a long line matters more.
3. **Threshold**: the cut-off that maximises the mean page F1 with a recall of at least
   :data:`MIN_RECALL`, chosen on out-of-fold predictions of the same rows.

Everything scored is site-grouped: :func:`cross_validate` trains a model per fold of sites and
predicts the others, and the model card reports those figures. The run is reproducible (fixed
seeds, LightGBM's deterministic mode) and writes ``dedupe/clean/models/blocks-<version>.npz`` and
its card ``blocks-<version>.md``. Needs the ``train`` extra (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyarrow as pa

from dedupe.clean import cleaner
from dedupe.clean.context import (
    FEATURES,
    HTML_FEATURES,
    LEXICAL_COLUMNS,
    TOKEN_BUCKETS,
    EncodedLines,
    lexical_features,
    page_features,
    token_buckets,
)
from dedupe.clean.model import MODEL_VERSION, TreeModel, model_path
from dedupe.clean.site import chrome_keys, chrome_lines, line_stats
from dedupe.document import Document, InputFile
from dedupe.readers.formats import read_input
from dedupe.settings import Settings
from dedupe.stages.read import DOCUMENT_STEPS
from dedupe.train.evalsets import SETS, SHARED, EvalPage, eval_pages, fold_of
from dedupe.train.labels import TOKEN, aligned_shares
from dedupe.train.metrics import summarise

#: A block is article text when at least this share of its tokens aligns with the truth.
ALIGNED: Final = 0.5
#: A word weighs something once seen on this many sites.
MIN_SITES: Final = 3
#: The threshold keeps at least this recall (mean over pages).
MIN_RECALL: Final = 0.95
FOLDS: Final = 5
INNER_FOLDS: Final = 4
SEED: Final = 20261130
#: One thread: LightGBM's OpenMP threads spin while they wait, and on a machine with another busy
#: process training slowed down twentyfold with two (measured).
PARAMS: Final = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 30,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "verbose": -1, "num_threads": 1, "deterministic": True, "force_row_wise": True, "seed": SEED,
}
#: 150 trees of 31 leaves judge as well as 300 of 63 (site-grouped F1 within 0.001 on every set)
#: and cost a third: the model runs on every block of every page.
ROUNDS: Final = 150
THRESHOLDS: Final = tuple(round(t, 2) for t in np.arange(0.1, 0.71, 0.05))


@dataclass
class Pages:
    """The training rows: one per block of every page, pages in order, with what scoring needs."""

    own: np.ndarray  #: OWN_FEATURES, lexical columns at zero
    starts: np.ndarray  #: first row of each page, and the total
    is_html: np.ndarray  #: per page
    flat: np.ndarray  #: word buckets of every row
    offsets: np.ndarray  #: row i's buckets are flat[offsets[i]:offsets[i + 1]]
    aligned: np.ndarray  #: share of each row's tokens aligned with the truth
    words: np.ndarray  #: tokens per row
    title: np.ndarray  #: rows the title step took (never kept as body text)
    names: list[str]  #: "<set>/<page>" per page
    sites: list[str]  #: per page
    #: Tokens of every row as ids local to its page (row i's are tokens[token_offsets[i]:...[i + 1]])
    tokens: np.ndarray = field(repr=False)
    token_offsets: np.ndarray = field(repr=False)
    truths: list[np.ndarray] = field(repr=False)  #: per page: count of each local token in the truth
    #: HTML pages: the reader's LINE_FEATURES of each row (the HTML model's extra columns)
    extra: np.ndarray | None = field(default=None, repr=False)

    @property
    def features(self) -> tuple[str, ...]:
        """The columns of the model these pages train."""
        return FEATURES if self.extra is None else HTML_FEATURES

    @property
    def labels(self) -> np.ndarray:
        return self.aligned >= ALIGNED

    @property
    def page_of_row(self) -> np.ndarray:
        return np.repeat(np.arange(len(self.names)), np.diff(self.starts))

    def rows_of(self, pages: np.ndarray) -> np.ndarray:
        """The rows of the given pages, in order."""
        if not len(pages):
            return np.zeros(0, np.int64)
        return np.concatenate([np.arange(self.starts[p], self.starts[p + 1]) for p in pages])


def read_page(page: EvalPage, kind: str, settings: Settings) -> Document | None:
    """The document a run reads from the page's ``kind`` file (``text`` or ``html``), segmented and
    keyed; ``None`` when it reads none."""
    path = page.path(kind)
    root = page.root / kind
    stat = path.stat()
    item = InputFile(path=str(path), rel_path=path.relative_to(root).as_posix(), root=str(root),
                     size=stat.st_size, mtime_ns=stat.st_mtime_ns)
    for doc in read_input(item, settings):
        if isinstance(doc, Document):
            for step in DOCUMENT_STEPS:
                doc = step(doc, settings)
            return doc
    return None


def site_chrome_of(docs: Sequence[Document], settings: Settings) -> dict[str, frozenset[int]]:
    """The site chrome a run over ``docs`` would learn (all pages of a site are in one fold)."""
    documents = pa.table({"doc_id": [d.doc_id for d in docs], "source": [d.source for d in docs],
                          "n_blocks": [len(d.blocks) for d in docs]})
    blocks = pa.table({"text": [b.text for d in docs for b in d.blocks],
                       "line_key": [b.line_key for d in docs for b in d.blocks]})
    return chrome_keys(chrome_lines(line_stats(documents, blocks), min_docs=settings.site_chrome_min_docs,
                                    prose_min_docs=settings.site_chrome_prose_min_docs))


def load_pages(shared: Path = SHARED, sets: Sequence[str] = SETS, kind: str = "text") -> Pages:
    """Read, prepare, describe and label every page of ``sets`` (``kind``: ``text`` or ``html``)."""
    settings = Settings(dedup=False)
    owns: list[np.ndarray] = []
    extras: list[np.ndarray] = []
    is_html: list[np.ndarray] = []
    starts: list[int] = [0]
    lowers: list[str] = []
    aligned: list[float] = []
    words: list[int] = []
    title: list[bool] = []
    names: list[str] = []
    sites: list[str] = []
    tokens: list[np.ndarray] = []
    truths: list[np.ndarray] = []
    for name in sets:
        read = [(page, read_page(page, kind, settings)) for page in eval_pages(name, shared)]
        pages = [page for page, doc in read if doc is not None and doc.blocks]
        docs = [doc for _, doc in read if doc is not None and doc.blocks]
        labellers = cleaner.prepare(docs, settings, site_chrome_of(docs, settings))
        batch = cleaner.batch_features(labellers)
        owns.append(batch.own)
        is_html.append(batch.is_html)
        for page, lab in zip(pages, labellers, strict=True):
            if kind == "html":
                assert lab.doc.line_features is not None
                extras.append(lab.doc.line_features[lab.line_of_blocks()])
            truth = page.truth()
            texts = [b.text for b in lab.blocks]
            aligned.extend(aligned_shares(texts, truth))
            vocab: dict[str, int] = {}
            for text in texts:
                ids = np.array([vocab.setdefault(t, len(vocab)) for t in TOKEN.findall(text.lower())],
                               np.int32)
                tokens.append(ids)
                words.append(len(ids))
            truth_ids = [vocab.setdefault(t, len(vocab)) for t in TOKEN.findall(truth.lower())]
            truths.append(np.bincount(np.array(truth_ids, np.int64), minlength=len(vocab)))
            title.extend(label is not None and label[0] in ("title", "duplicate")
                         and label[1].startswith("title") for label in lab.labels)
            lowers.extend(f.lower for f in lab.facts)
            names.append(f"{name}/{page.key}")
            sites.append(page.group)
            starts.append(starts[-1] + len(texts))
    words_of_rows = token_buckets(EncodedLines.of(lowers))
    flat, offsets = words_of_rows.flat, words_of_rows.offsets
    return Pages(own=np.concatenate(owns), starts=np.array(starts, np.int64), is_html=np.concatenate(is_html),
                 flat=flat, offsets=offsets, aligned=np.array(aligned), words=np.array(words, np.float64),
                 title=np.array(title, bool), names=names, sites=sites,
                 tokens=np.concatenate(tokens) if tokens else np.zeros(0, np.int32),
                 token_offsets=np.concatenate(([0], np.cumsum([len(t) for t in tokens]))).astype(np.int64),
                 truths=truths, extra=np.concatenate(extras) if extras else None)


# --- learning ---------------------------------------------------------------------------------------

def site_folds(sites: Sequence[str], pages: np.ndarray, k: int, salt: str = "") -> list[np.ndarray]:
    """``pages`` split into ``k`` folds of whole sites (:func:`~dedupe.train.evalsets.fold_of`)."""
    folds: list[list[int]] = [[] for _ in range(k)]
    for p in pages.tolist():
        folds[fold_of(sites[p], k, salt)].append(p)
    return [np.array(f, np.int64) for f in folds]


def word_log_odds(flat: np.ndarray, offsets: np.ndarray, rows: np.ndarray, positive: np.ndarray,
                  group: np.ndarray, min_groups: int) -> np.ndarray:
    """Log-odds of each word bucket in the ``positive`` rows against the others, over ``rows``
    (row ``r``'s buckets are ``flat[offsets[r]:offsets[r + 1]]``), each ``group`` (a site, a page)
    counted once per bucket and class; buckets of fewer than ``min_groups`` groups weigh 0."""
    sizes = np.diff(offsets)[rows]
    buckets = np.concatenate([flat[offsets[r]:offsets[r + 1]] for r in rows.tolist()]) \
        if len(rows) else np.zeros(0, np.int64)
    label = positive[rows].astype(np.int64)
    keys = np.unique((np.repeat(group[rows].astype(np.int64), sizes) * TOKEN_BUCKETS + buckets) * 2
                     + np.repeat(label, sizes))
    cls, bucket = keys % 2, (keys // 2) % TOKEN_BUCKETS
    pos = np.bincount(bucket[cls == 1], minlength=TOKEN_BUCKETS).astype(np.float64)
    neg = np.bincount(bucket[cls == 0], minlength=TOKEN_BUCKETS).astype(np.float64)
    vocab = max(int(((pos + neg) > 0).sum()), 1)
    weights = np.log((pos + 1) / (pos.sum() + vocab)) - np.log((neg + 1) / (neg.sum() + vocab))
    weights[(pos + neg) < min_groups] = 0.0
    out: np.ndarray = weights.astype(np.float32)
    return out


def token_weights(pages: Pages, rows: np.ndarray) -> np.ndarray:
    """:func:`word_log_odds` of article text against the rest, each site counted once, buckets
    of fewer than :data:`MIN_SITES` sites weighing nothing."""
    site_ids = {s: i for i, s in enumerate(sorted(set(pages.sites)))}
    site_of_page = np.array([site_ids[s] for s in pages.sites], np.int64)
    return word_log_odds(pages.flat, pages.offsets, rows, pages.labels, site_of_page[pages.page_of_row],
                         MIN_SITES)


def with_lexical(own: np.ndarray, starts: np.ndarray, flat: np.ndarray, offsets: np.ndarray,
                 page_ids: np.ndarray,
                 weights_of_page: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The OWN_FEATURES rows of ``page_ids`` (pages delimited by ``starts``) with their lexical
    columns weighed by each page's weights, and the pages' new starts."""
    rows = np.concatenate([np.arange(starts[p], starts[p + 1]) for p in page_ids.tolist()]) \
        if len(page_ids) else np.zeros(0, np.int64)
    out = own[rows].copy()
    at = 0
    for p, weights in zip(page_ids.tolist(), weights_of_page, strict=True):
        n = int(starts[p + 1] - starts[p])
        lines = offsets[starts[p]:starts[p + 1] + 1]
        out[at:at + n][:, LEXICAL_COLUMNS] = lexical_features(flat, lines, weights)
        at += n
    return out, np.concatenate(([0], np.cumsum(np.diff(starts)[page_ids])))


def features(pages: Pages, page_ids: np.ndarray, weights_of_page: Sequence[np.ndarray]) -> np.ndarray:
    """The model's rows of ``page_ids`` (:attr:`Pages.features`), each page's lexical columns
    weighed by its own weights."""
    own, starts = with_lexical(pages.own, pages.starts, pages.flat, pages.offsets, page_ids, weights_of_page)
    x = page_features(own, starts, pages.is_html[page_ids])
    return x if pages.extra is None else np.hstack([x, pages.extra[pages.rows_of(page_ids)]])


def row_weights(pages: Pages, rows: np.ndarray) -> np.ndarray:
    """Each block's share of its page's words (x100): pages count alike, long blocks more."""
    per_page = np.add.reduceat(pages.words, pages.starts[:-1]) if len(pages.words) else np.zeros(0)
    out: np.ndarray = (pages.words[rows] + 1) / (per_page[pages.page_of_row[rows]] + 1) * 100
    return out


def _lightgbm() -> Any:
    try:
        import lightgbm
    except ImportError:  # pragma: no cover - the message is the point
        sys.exit("training needs LightGBM: pip install -e '.[train]'")
    return lightgbm


def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, params: dict[str, Any] | None = None,
        rounds: int | None = None) -> Any:
    """A LightGBM booster on rows ``x``, labels ``y``, weights ``w`` (the block model's parameters
    unless others are given)."""
    lgb = _lightgbm()
    return lgb.train(dict(params or PARAMS), lgb.Dataset(x, y.astype(np.int32), weight=w, free_raw_data=True),
                     num_boost_round=rounds or ROUNDS)


def _inner_features(pages: Pages, page_ids: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """FEATURES of ``page_ids`` with lexical weights learned without each page's own sites, and
    the inner folds."""
    inner = site_folds(pages.sites, page_ids, INNER_FOLDS, salt="inner")
    weights_of: dict[int, np.ndarray] = {}
    for fold in inner:
        others = np.setdiff1d(page_ids, fold)
        weights = token_weights(pages, pages.rows_of(others))
        for p in fold.tolist():
            weights_of[p] = weights
    return features(pages, page_ids, [weights_of[p] for p in page_ids.tolist()]), inner


def train(pages: Pages, page_ids: np.ndarray, choose_threshold: bool = True) -> TreeModel:
    """A block model trained on ``page_ids``; its threshold chosen on out-of-fold predictions of
    the same pages (inner folds of sites) when ``choose_threshold``, else 0.5."""
    x, inner = _inner_features(pages, page_ids)
    rows = pages.rows_of(page_ids)
    y, w = pages.labels[rows], row_weights(pages, rows)
    threshold = 0.5
    if choose_threshold:
        oof = np.zeros(len(rows))
        position = {p: i for i, p in enumerate(page_ids.tolist())}
        local_starts = np.concatenate(([0], np.cumsum(np.diff(pages.starts)[page_ids])))
        for fold in inner:
            if not len(fold):
                continue
            test = np.concatenate([np.arange(local_starts[position[p]], local_starts[position[p] + 1])
                                   for p in fold.tolist()])
            train_rows = np.setdiff1d(np.arange(len(rows)), test)
            oof[test] = fit(x[train_rows], y[train_rows], w[train_rows]).predict(x[test])
        threshold = best_threshold(pages, page_ids, oof)
    booster = fit(x, y, w)
    gain = booster.feature_importance(importance_type="gain")
    return to_tree_model(booster, pages.features, token_weights(pages, rows), threshold,
                          {"pages": len(page_ids), "blocks": len(rows),
                           "importance": [pages.features[i] for i in np.argsort(-gain)]})


def to_tree_model(booster: Any, features: tuple[str, ...], weights: np.ndarray, threshold: float,
                  info: dict[str, Any]) -> TreeModel:
    """A LightGBM booster (trained on the columns ``features``) as the flat arrays
    :class:`~dedupe.clean.model.TreeModel` evaluates."""
    dump = booster.dump_model()
    if len(dump["feature_names"]) != len(features):
        raise ValueError("the booster was trained on other columns than the features named")
    feature: list[int] = []
    split: list[float] = []
    left: list[int] = []
    right: list[int] = []
    leaves: list[float] = []
    roots: list[int] = []

    def walk(node: dict[str, Any]) -> int:
        if "leaf_value" in node:
            leaves.append(float(node["leaf_value"]))
            return -len(leaves)  # leaf j is -1 - j
        if node["decision_type"] != "<=":
            raise ValueError(f"unsupported split {node['decision_type']}")
        k = len(feature)
        feature.append(int(node["split_feature"]))
        split.append(float(node["threshold"]))
        left.append(0)
        right.append(0)
        left[k] = walk(node["left_child"])
        right[k] = walk(node["right_child"])
        return k

    for tree in dump["tree_info"]:
        root = tree["tree_structure"]
        if "leaf_value" in root:  # a tree of one leaf: a node that always goes left
            feature.append(0)
            split.append(np.inf)
            leaves.append(float(root["leaf_value"]))
            left.append(-len(leaves))
            right.append(-len(leaves))
            roots.append(len(feature) - 1)
        else:
            roots.append(walk(root))
    return TreeModel(version=MODEL_VERSION, features=features, threshold=float(threshold),
                      roots=np.array(roots, np.int32), feature=np.array(feature, np.int32),
                      split=np.array(split, np.float64), left=np.array(left, np.int32),
                      right=np.array(right, np.int32), leaf_value=np.array(leaves, np.float64),
                      token_weights=weights, info=info)


# --- scoring ------------------------------------------------------------------------------------------

def page_scores(pages: Pages, page_ids: np.ndarray,
                keep: np.ndarray) -> dict[str, tuple[float, float, float]]:
    """Word P, R, F1 of each page when the rows of ``keep`` (over the rows of ``page_ids``) are kept."""
    out = {}
    at = 0
    for p in page_ids.tolist():
        a, b = int(pages.starts[p]), int(pages.starts[p + 1])
        kept = keep[at:at + b - a]
        at += b - a
        truth = pages.truths[p]
        lo, hi = pages.token_offsets[a:b], pages.token_offsets[a + 1:b + 1]
        ids = pages.tokens[np.repeat(kept, hi - lo).nonzero()[0] + lo[0]] if b > a else pages.tokens[:0]
        ours = np.bincount(ids, minlength=truth.shape[0])
        n_ours, n_truth = int(ours.sum()), int(truth.sum())
        if not n_ours or not n_truth:
            out[pages.names[p]] = (1.0, 1.0, 1.0) if not n_ours and not n_truth else (0.0, 0.0, 0.0)
            continue
        hit = int(np.minimum(ours, truth).sum())
        precision, recall = hit / n_ours, hit / n_truth
        out[pages.names[p]] = (precision, recall,
                               2 * precision * recall / (precision + recall) if hit else 0.0)
    return out


def kept_as_is(pages: Pages, page_ids: np.ndarray) -> dict[str, tuple[float, float, float]]:
    """Each page's figures when every block is kept (the catastrophe baseline)."""
    return page_scores(pages, page_ids, np.ones(len(pages.rows_of(page_ids)), bool))


def best_threshold(pages: Pages, page_ids: np.ndarray, probabilities: np.ndarray) -> float:
    """The threshold of :data:`THRESHOLDS` with the best mean F1 among those keeping a mean recall
    of :data:`MIN_RECALL` (the lowest threshold if none does)."""
    not_title = ~pages.title[pages.rows_of(page_ids)]
    best, best_f1 = THRESHOLDS[0], -1.0
    for t in THRESHOLDS:
        figures = summarise(page_scores(pages, page_ids, (probabilities >= t) & not_title))
        if figures["R"] >= MIN_RECALL and figures["F1"] > best_f1:
            best, best_f1 = t, figures["F1"]
    return float(best)


def cross_validate(pages: Pages, folds: int = FOLDS) -> tuple[np.ndarray, list[tuple[np.ndarray, TreeModel]]]:
    """Out-of-fold probabilities of every row (folds of sites) and the fold models, each with the
    pages it did not see."""
    all_pages = np.arange(len(pages.names))
    probabilities = np.zeros(len(pages.words))
    models = []
    for k, fold in enumerate(site_folds(pages.sites, all_pages, folds)):
        if not len(fold):
            continue
        started = time.perf_counter()
        model = train(pages, np.setdiff1d(all_pages, fold))
        rows = pages.rows_of(fold)
        weights = [model.token_weights] * len(fold)
        probabilities[rows] = model.predict(features(pages, fold, weights))
        models.append((fold, model))
        print(f"  fold {k + 1}/{folds}: {len(fold)} pages, threshold {model.threshold:.2f}, "
              f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return probabilities, models


def fold_figures(pages: Pages, probabilities: np.ndarray,
                 models: Sequence[tuple[np.ndarray, TreeModel]]) -> dict[str, dict[str, float]]:
    """Per set: P, R, F1 and catastrophes of the blocks each fold model keeps (its own threshold,
    titles out), against the text kept as is."""
    keep = np.zeros(len(probabilities), bool)
    for fold, model in models:
        rows = pages.rows_of(fold)
        keep[rows] = (probabilities[rows] >= model.threshold) & ~pages.title[rows]
    all_pages = np.arange(len(pages.names))
    scores = page_scores(pages, all_pages, keep)
    baseline = kept_as_is(pages, all_pages)
    out = {}
    for name in sorted({n.split("/", 1)[0] for n in pages.names}):
        mine = {p: s for p, s in scores.items() if p.startswith(name + "/")}
        out[name] = summarise(mine, baseline) | {
            "as_is_F1": summarise({p: baseline[p] for p in mine})["F1"]}
    return out


# --- the command ------------------------------------------------------------------------------------------

#: The model each kind of input trains, its name in the package, and what its pages are.
KINDS: Final = {
    "text": ("blocks", "the `text/` dumps of `../shared/eval` (every visible block of the page, one per "
                       "line)"),
    "html": ("html", "the `html/` pages of `../shared/eval`, read by the HTML reader: the page's visible "
                     "blocks (`dedupe/readers/dom.py`) with their place in the page and what trafilatura "
                     "kept of them (`dedupe/readers/html.py`)"),
}


def model_card(model: TreeModel, figures: dict[str, dict[str, float]], pages: Pages, kind: str,
               seconds: float) -> str:
    """The model card (Markdown) of a trained model."""
    rows = [f"| {name} | {int(f['pages'])} | {f['as_is_F1']:.3f} | {f['P']:.3f} | {f['R']:.3f} | "
            f"{f['F1']:.3f} | {int(f['catastrophes'])} |" for name, f in figures.items()]
    importance = model.info.get("importance", [])
    params = json.dumps({k: v for k, v in PARAMS.items() if k != "verbose"})
    html = kind == "html"
    return "\n".join([
        f"# Block model of {'HTML pages' if html else 'text'} {model.version}",
        "",
        "The probability that a block of a scraped page is article text, used by the cleaner "
        "(`dedupe/clean/cleaner.py`) for every block of "
        f"{'an HTML page' if html else 'a text input'}: below the threshold a block is `chrome` "
        "(reason `chrome:model`) unless a certain rule decided first; a rule the model checks is "
        "overruled above it. `blocks.score` holds the probability.",
        "",
        "## Training data",
        f"- {len(pages.names)} pages of {len(set(pages.sites))} sites: "
        + ", ".join(f"{n} ({sum(p.startswith(n + '/') for p in pages.names)})"
                    for n in sorted({p.split('/', 1)[0] for p in pages.names}))
        + f", {len(pages.words):,} blocks; {KINDS[kind][1]}.",
        f"- Labels: a block is article text when at least {ALIGNED:.0%} of its tokens align, in order, "
        "with the page's `truth/` (`dedupe/train/labels.py`).",
        "",
        "## Model",
        f"- LightGBM, {ROUNDS} trees, parameters: `{params}`; exported to flat arrays "
        f"({len(model.feature):,} split nodes, {len(model.leaf_value):,} leaves) and evaluated by a "
        "compiled loop, without LightGBM.",
        f"- Features ({len(model.features)}): `dedupe/clean/context.py` — the block's shape, the rules' "
        "matches, its neighbours at ±1 and ±2, means over ±3 and ±10 blocks, position in the page "
        "and in its running text, the body step's maximum-sum run, word classes of commentary, and "
        f"word weights: the log-odds of {TOKEN_BUCKETS:,} hashed word buckets in article text "
        f"(each site counted once per word, words of fewer than {MIN_SITES} sites weigh 0), learned "
        "without each training page's site"
        + ("; and the HTML reader's `LINE_FEATURES`: the block's element, containers, link density, "
           "class and id words, share of the page's words around it, and trafilatura's choice."
           if html else "."),
        f"- Threshold {model.threshold:.2f}: the best mean page F1 with mean recall ≥ {MIN_RECALL} on "
        "out-of-fold predictions of the training pages.",
        "",
        "## Cross-validated scores",
        f"{FOLDS} folds of whole sites (a site is the domain of its URL, whatever set it is in): every "
        "page is scored by a model trained without its site (its word weights and threshold "
        "included). The model's decisions alone (threshold, titles out); `python -m "
        "benchmarks.cleaning` measures the whole cleaner the same way.",
        "",
        "| set | pages | text kept as is F1 | P | R | F1 | pages > 0.1 F1 below kept as is |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## Most useful features (gain)",
        ", ".join(f"`{name}`" for name in importance[:20]),
        "",
        "## Reproduce",
        f"`python -m dedupe.train.blocks --kind {kind}` (needs `../shared/eval` and the `train` extra; "
        f"{seconds / 60:.0f} minutes on 2 cores). Trained {model.info.get('trained', '')}.",
        "",
    ])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the folder holding eval/")
    parser.add_argument("--kind", choices=(*KINDS, "all"), default="all", help="which model to train")
    parser.add_argument("--out", type=Path, default=model_path().parent, help="where the models are written")
    parser.add_argument("--folds-out", type=Path, help="also write each fold's model there (benchmarks)")
    args = parser.parse_args(argv)
    if not (args.shared / "eval").is_dir():
        sys.exit(f"no evaluation sets in {args.shared / 'eval'}: nothing to train on")
    for kind in KINDS if args.kind == "all" else (args.kind,):
        train_kind(kind, args.shared, args.out, args.folds_out)


def train_kind(kind: str, shared: Path, out: Path, folds_out: Path | None = None) -> TreeModel:
    """Cross-validate, train and write the block model of ``kind`` inputs, with its card."""
    started = time.perf_counter()
    name = KINDS[kind][0]
    print(f"{kind}: reading and describing the pages...", file=sys.stderr)
    pages = load_pages(shared, kind=kind)
    print(f"{len(pages.names)} pages, {len(pages.words):,} blocks; cross-validating...", file=sys.stderr)
    probabilities, models = cross_validate(pages)
    figures = fold_figures(pages, probabilities, models)
    if folds_out is not None:
        folds_out.mkdir(parents=True, exist_ok=True)
        for k, (_, fold_model) in enumerate(models):
            fold_model.save(folds_out / f"{name}-fold{k}.npz")
    print("training on every page...", file=sys.stderr)
    model = train(pages, np.arange(len(pages.names)))
    model.info.update({"trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d"), "cv": figures})
    out.mkdir(parents=True, exist_ok=True)
    target = out / model_path(name).name
    model.save(target)
    card = model_card(model, figures, pages, kind, time.perf_counter() - started)
    target.with_suffix(".md").write_text(card, encoding="utf-8")
    print(card)
    print(f"written {target} and {target.with_suffix('.md')}", file=sys.stderr)
    return model


if __name__ == "__main__":
    main()
