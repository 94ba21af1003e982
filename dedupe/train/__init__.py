"""Training data and the commands that retrain the cleaner's models (the ``train`` extra: LightGBM).

- ``evalsets.py``: the evaluation sets of ``../shared/eval``, their pages and the site of each (the
  unit of every fold);
- ``labels.py``: which blocks of a scraped page are article text, by alignment with the truth;
- ``metrics.py``: the benchmarks' bag-of-words precision, recall and F1;
- ``padding_gen.py``: the generator of AI padding (families held out of training);
- ``blocks.py``: ``python -m dedupe.train.blocks`` — the block models of text and of HTML;
- ``padding.py``: ``python -m dedupe.train.padding`` — the padding model.

Each command cross-validates by site, trains on every page, and writes the model with its card
into ``dedupe/clean/models/``.
"""
