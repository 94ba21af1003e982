"""The cleaner's learned models: tree ensembles over named features, shipped as versioned data.

Two models, each a gradient-boosted tree ensemble trained with LightGBM (:mod:`dedupe.train`):

- the **block model** (``blocks-<version>.npz``): the probability that a block is article text,
  from :data:`dedupe.clean.context.FEATURES`, with the learned weight of every word bucket that
  the lexical features average;
- the **padding model** (``padding-<version>.npz``): the probability that a block of article text
  is commentary about the story (:data:`dedupe.clean.commentary.PADDING_FEATURES`).

Both ship inside the package (``dedupe/clean/models/``, each with its model card beside it) and
are evaluated here by one compiled pass over a batch: no LightGBM at run time, so nothing in a
forked worker touches an OpenMP thread pool, and a batch of 10,000 blocks costs about a
millisecond.

>>> model = default_model()
>>> model.features == FEATURES, 0.0 < model.threshold < 1.0
(True, True)
>>> import numpy as np
>>> probabilities = model.predict(np.zeros((3, len(FEATURES)), np.float32))
>>> probabilities.shape, bool(((probabilities > 0) & (probabilities < 1)).all())
((3,), True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
from numba import njit

from dedupe.clean.context import FEATURES, TOKEN_BUCKETS

#: The model the cleaner uses unless told otherwise.
MODEL_VERSION: Final = "2026.12.07"
MODELS_DIR: Final = Path(__file__).with_name("models")


@dataclass(frozen=True)
class TreeModel:
    """A tree ensemble in flat arrays: node ``k`` tests ``x[feature[k]] <= threshold[k]`` and goes
    to ``left[k]`` or ``right[k]``; a negative child ``-1 - j`` is leaf ``j`` of ``leaf_value``."""

    version: str
    features: tuple[str, ...]
    #: Blocks scoring below it are not article text (the model card says how it was chosen).
    threshold: float
    roots: np.ndarray  #: first node of each tree (int32)
    feature: np.ndarray  #: int32
    split: np.ndarray  #: float64
    left: np.ndarray  #: int32
    right: np.ndarray  #: int32
    leaf_value: np.ndarray  #: float64
    #: float32, one per word bucket (:data:`~dedupe.clean.context.TOKEN_BUCKETS`); empty when the
    #: model weighs no words.
    token_weights: np.ndarray
    #: What the model card says of it: training data, parameters, cross-validated scores.
    info: dict[str, Any] = field(default_factory=dict)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Probability of article text for each row of ``x`` (columns :attr:`features`)."""
        out = np.zeros(x.shape[0], np.float64)
        if x.shape[0]:
            _ensemble(np.ascontiguousarray(x, np.float32), self.roots, self.feature, self._split32,
                      self.left, self.right, self.leaf_value, out)
        return out

    @property
    def _split32(self) -> np.ndarray:
        """The thresholds as float32, each rounded down: for a float32 ``v``, ``v <= t`` exactly
        when ``v <= t32`` (a float32 comparison is half the memory and no conversion)."""
        cached: np.ndarray | None = self.__dict__.get("_split32_cache")
        if cached is None:
            rounded = self.split.astype(np.float32)
            above = rounded.astype(np.float64) > self.split
            rounded[above] = np.nextafter(rounded[above], np.float32(-np.inf))
            cached = rounded
            object.__setattr__(self, "_split32_cache", cached)
        return cached

    def _arrays(self, prefix: str) -> dict[str, np.ndarray]:
        meta = {"version": self.version, "features": list(self.features), "threshold": self.threshold,
                "info": self.info}
        out = {f"{prefix}{name}": getattr(self, name) for name in _ARRAYS}
        out[f"{prefix}meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
        return out

    def save(self, path: str | Path) -> None:
        """Write the model as one ``.npz``: its arrays, and its metadata as JSON."""
        with open(path, "wb") as fh:
            np.savez_compressed(fh, **self._arrays(""))  # type: ignore[arg-type]

    @classmethod
    def _from(cls, data: Any, prefix: str) -> TreeModel:
        meta = json.loads(bytes(data[f"{prefix}meta"]).decode())
        arrays = {name: data[f"{prefix}{name}"].astype(dtype) for name, dtype in _ARRAYS.items()}
        return cls(version=meta["version"], features=tuple(meta["features"]),
                   threshold=float(meta["threshold"]), info=meta["info"], **arrays)

    @classmethod
    def load(cls, path: str | Path, features: tuple[str, ...] = FEATURES) -> TreeModel:
        """Read a model written by :meth:`save`; refuse one made for other ``features``."""
        with np.load(path) as data:
            model = cls._from(data, "")
        if model.features != features or model.token_weights.shape not in ((TOKEN_BUCKETS,), (0,)):
            raise ValueError(f"the model {path} was trained on other features than this version of "
                             "dedupe computes: retrain it (python -m dedupe.train)")
        return model


#: The arrays of a :class:`TreeModel` and their types.
_ARRAYS: Final = {"roots": np.int32, "feature": np.int32, "split": np.float64, "left": np.int32,
                  "right": np.int32, "leaf_value": np.float64, "token_weights": np.float32}


#: Rows evaluated together, tree after tree: a tree's nodes stay in the first-level cache while
#: the chunk's rows (a few hundred kilobytes) stay in the second.
_CHUNK: Final = 256
#: Rows walked down one tree side by side: each step of one row waits on two loads, so eight
#: independent walks keep the core busy (twice as fast as one row at a time, measured).
_LANES: Final = 8


@njit(cache=True, nogil=True)
def _ensemble(x: Any, roots: Any, feature: Any, split: Any, left: Any, right: Any, leaf_value: Any,
              out: Any) -> None:
    n = x.shape[0]
    nodes = np.empty(_LANES, np.int32)
    for lo in range(0, n, _CHUNK):
        hi = min(n, lo + _CHUNK)
        totals = np.zeros(hi - lo)
        for t in range(roots.shape[0]):
            root = roots[t]
            r = lo
            while r + _LANES <= hi:
                nodes[:] = root
                walking = True
                while walking:
                    walking = False
                    for k in range(_LANES):
                        node = nodes[k]
                        if node >= 0:
                            nodes[k] = left[node] if x[r + k, feature[node]] <= split[node] else right[node]
                            walking = True
                for k in range(_LANES):
                    totals[r + k - lo] += leaf_value[-1 - nodes[k]]
                r += _LANES
            for rest in range(r, hi):
                node = root
                while node >= 0:
                    node = left[node] if x[rest, feature[node]] <= split[node] else right[node]
                totals[rest - lo] += leaf_value[-1 - node]
        for r in range(lo, hi):
            out[r] = 1.0 / (1.0 + np.exp(-totals[r - lo]))


def model_path(kind: str = "blocks", version: str = MODEL_VERSION) -> Path:
    """Where the model of ``kind`` (``blocks`` or ``padding``) and ``version`` ships."""
    return MODELS_DIR / f"{kind}-{version}.npz"


@lru_cache(maxsize=8)
def load_model(path: str, features: tuple[str, ...] = FEATURES) -> TreeModel:
    """:meth:`TreeModel.load`, once per process and path."""
    return TreeModel.load(path, features)


def default_model() -> TreeModel:
    """The block model shipped with this version of dedupe."""
    return load_model(str(model_path()))
