"""The training commands, end to end, on a small evaluation set written for these tests: pages of
six invented sites (menus, a story, a footer) with their truth, as text and as HTML."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dedupe.clean.commentary import PADDING_FEATURES
from dedupe.clean.context import FEATURES, HTML_FEATURES
from dedupe.clean.model import TreeModel
from dedupe.train import blocks, padding
from dedupe.train.evalsets import eval_pages, fold_of

SITES = ["harbour.example", "valley-news.example", "www.tidewire.example", "coastline.example",
         "northern-post.example", "islandtimes.example"]
SENTENCES = [
    "The council voted on {day} to open a second ferry route between the pier and the islands.",
    "Residents of the waterfront argued for weeks that evening sailings would keep them awake.",
    "The operator says its new boats run on batteries for most of the forty-minute crossing.",
    "Fares for island residents will be capped for three years, the transport lead said on {day}.",
    "Opponents can still appeal to the regional planning board before the end of the month.",
    "A second vote on the timetable is expected in {month}, when the winter service is reviewed.",
]
MENU = ["Home", "News", "Sport", "Weather", "Subscribe"]
FOOTER = ["© {site} media group", "Privacy policy", "Contact us"]


def _page(site: str, n: int) -> tuple[list[str], list[str]]:
    days, months = ["Monday", "Tuesday", "Friday"], ["March", "June", "October"]
    story = [s.format(day=days[(n + i) % 3], month=months[(n + i) % 3])
             for i, s in enumerate(SENTENCES[n % 2:n % 2 + 5])]
    return story, [*MENU, f"Ferry news from {site} number {n}", *story, *(f.format(site=site) for f in FOOTER)]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``<shared>/eval/tiny``: 12 pages of 6 sites, text, HTML and truth."""
    root = tmp_path_factory.mktemp("shared")
    base = root / "eval" / "tiny"
    index = []
    for s, site in enumerate(SITES):
        for n in range(2):
            page_id = f"{s}{n}"
            story, lines = _page(site, s * 2 + n)
            folder = site.removeprefix("www.")
            for kind, body in (
                    ("text", "\n".join(lines)),
                    ("truth", "\n".join(story)),
                    ("html", "<html><head><title>Ferry news</title></head><body><nav>"
                     + "".join(f"<a href='/{m}'>{m}</a> " for m in MENU) + "</nav><article><h1>"
                     + lines[len(MENU)] + "</h1>" + "".join(f"<p>{p}</p>" for p in story)
                     + "</article><footer>" + "".join(f"<p>{f}</p>" for f in lines[-3:])
                     + "</footer></body></html>")):
                path = base / kind / folder / f"{page_id}.{'html' if kind == 'html' else 'txt'}"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(body, encoding="utf-8")
            index.append({"id": page_id, "site": folder, "url": f"https://{site}/{page_id}"})
    (base / "index.jsonl").write_text("\n".join(json.dumps(r) for r in index) + "\n", encoding="utf-8")
    return root


def test_pages_are_grouped_by_the_domain_of_their_url(shared: Path) -> None:
    pages = list(eval_pages("tiny", shared))
    assert {p.group for p in pages} == {s.removeprefix("www.") for s in SITES}
    folds = blocks.site_folds([p.group for p in pages], np.arange(len(pages)), 3)
    for fold in folds:  # a site never straddles two folds
        sites = {pages[i].group for i in fold}
        assert all(fold_of(site, 3) == fold_of(next(iter(sites)), 3) for site in sites)


@pytest.mark.parametrize(("kind", "features"), [("text", FEATURES), ("html", HTML_FEATURES)])
def test_the_block_model_trains_cross_validates_and_saves(shared: Path, tmp_path: Path, kind: str,
                                                           features: tuple[str, ...],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blocks, "ROUNDS", 30)
    monkeypatch.setattr(blocks, "PARAMS", {**blocks.PARAMS, "min_data_in_leaf": 5})
    pages = blocks.load_pages(shared, sets=("tiny",), kind=kind)
    assert len(pages.names) == 12 and pages.features == features
    # The story lines align with the truth, the menus and footers do not.
    assert pages.labels.sum() == 12 * 5
    probabilities, models = blocks.cross_validate(pages, folds=3)
    figures = blocks.fold_figures(pages, probabilities, models)
    assert figures["tiny"]["F1"] > figures["tiny"]["as_is_F1"]
    model = blocks.train(pages, np.arange(12))
    model.save(tmp_path / "m.npz")
    loaded = TreeModel.load(tmp_path / "m.npz", features)
    x = blocks.features(pages, np.arange(2), [loaded.token_weights] * 2)
    scores = loaded.predict(x)
    rows = pages.rows_of(np.arange(2))
    assert scores[pages.labels[rows]].min() > scores[~pages.labels[rows]].max()
    card = blocks.model_card(model, figures, pages, kind, 1.0)
    assert "| tiny | 12 |" in card and f"Threshold {model.threshold:.2f}" in card


def test_the_padding_model_trains_on_generated_padding(shared: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(padding, "ROUNDS", 30)
    monkeypatch.setattr(padding, "PARAMS", {**padding.PARAMS, "min_data_in_leaf": 5})
    pages = padding.load_padded(shared, sets=("tiny",), variants=2)
    assert set(np.unique(pages.role)) == {padding.CHROME, padding.ARTICLE, padding.PADDING}
    model = padding.train(pages, np.arange(len(pages.sites)))
    assert model.features == PADDING_FEATURES
    probabilities = padding.predict(model, pages, np.arange(len(pages.sites)))
    role = pages.role
    assert probabilities[role == padding.PADDING].mean() > 0.5 > probabilities[role == padding.ARTICLE].mean()
