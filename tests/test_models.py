"""The learned models: evaluated like LightGBM evaluates them, shipped with their cards, refused
when they do not fit the features this version computes."""

from __future__ import annotations

import re
from pathlib import Path

import lightgbm
import numpy as np
import pytest

from dedupe.clean.commentary import PADDING_FEATURES
from dedupe.clean.context import FEATURES, HTML_FEATURES
from dedupe.clean.model import MODEL_VERSION, TreeModel, load_model, model_path
from dedupe.train.blocks import to_tree_model


def _booster(n_features: int, seed: int) -> tuple[lightgbm.Booster, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2000, n_features)).astype(np.float32)
    x[:, 3] = np.round(x[:, 3])  # ties on thresholds
    y = (x[:, 0] + x[:, 1] * x[:, 2] + (x[:, 3] > 0) > 0.5).astype(int)
    params = {"objective": "binary", "num_leaves": 15, "verbose": -1, "num_threads": 1, "seed": seed}
    return lightgbm.train(params, lightgbm.Dataset(x, y), num_boost_round=40), x


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_exported_ensemble_predicts_what_lightgbm_predicts(seed: int) -> None:
    booster, x = _booster(8, seed)
    model = to_tree_model(booster, tuple(f"f{i}" for i in range(8)), np.zeros(0, np.float32), 0.5, {})
    rng = np.random.default_rng(seed + 10)
    fresh = np.vstack([x[:200], rng.normal(size=(300, 8)).astype(np.float32) * 3]).astype(np.float32)
    np.testing.assert_allclose(model.predict(fresh), booster.predict(fresh), rtol=1e-9, atol=1e-12)


def test_a_model_survives_saving(tmp_path: Path) -> None:
    booster, x = _booster(len(FEATURES), 4)
    model = to_tree_model(booster, FEATURES, np.linspace(-1, 1, 1 << 18, dtype=np.float32), 0.37, {"cv": {"a": 1}})
    model.save(tmp_path / "m.npz")
    loaded = TreeModel.load(tmp_path / "m.npz")
    assert loaded.threshold == 0.37 and loaded.info == {"cv": {"a": 1}}
    np.testing.assert_array_equal(loaded.predict(x[:50]), model.predict(x[:50]))
    np.testing.assert_array_equal(loaded.token_weights, model.token_weights)
    with pytest.raises(ValueError, match="retrain"):
        TreeModel.load(tmp_path / "m.npz", HTML_FEATURES)


@pytest.mark.parametrize(("kind", "features"), [("blocks", FEATURES), ("html", HTML_FEATURES),
                                                ("padding", PADDING_FEATURES)])
def test_the_shipped_models_fit_this_version_and_carry_their_card(kind: str, features: tuple[str, ...]) -> None:
    path = model_path(kind)
    model = load_model(str(path), features)
    assert model.version == MODEL_VERSION and 0 < model.threshold < 1
    card = path.with_suffix(".md").read_text(encoding="utf-8")
    assert f"{model.threshold:.2f}" in card and "## Reproduce" in card
    # The card reports site-grouped cross-validated figures, a table row per set of pages.
    rows = re.findall(r"^\| (wcxb-dev|fundus|aeb|training families|held-out families) \|", card, re.MULTILINE)
    assert len(rows) >= 2
    probabilities = model.predict(np.zeros((4, len(features)), np.float32))
    assert ((probabilities > 0) & (probabilities < 1)).all()
