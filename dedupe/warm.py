"""Imported once before the pool's workers are forked (:data:`dedupe.parallel.PRELOAD`): every
worker then starts with dedupe imported and numba's kernels loaded, instead of spending most of a
second on it at its first batch."""

from dedupe.pipeline import warm_up

warm_up()
