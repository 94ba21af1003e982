"""The evaluation sets of ``../shared/eval``: their pages, truths, and the site each page belongs to.

Every set has ``index.jsonl`` (``{"id", "site", "url"}`` per page) and, per page,
``html/<site>/<id>.html``, ``text/<site>/<id>.txt`` and ``truth/<site>/<id>.txt`` (a page without a
site sits at the top: ``html/<id>.html``). A page's **group** is the domain of its URL (without
``www.``): the unit of every site-grouped fold, so that a site present in two sets (fundus'
"APNews" and aeb's "apnews.com") falls in one fold, and no page is ever scored by a model that saw
its site.

>>> group_of("https://www.apnews.com/article/x", "APNews", "APNews_0")
'apnews.com'
>>> group_of("https:///", "", "4129")
'4129'
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit

import xxhash

SHARED: Final = Path(__file__).resolve().parents[3] / "shared"
SETS: Final = ("wcxb-dev", "fundus", "aeb")


@dataclass(frozen=True)
class EvalPage:
    """One page of an evaluation set."""

    set: str
    key: str  #: ``<site>/<id>`` (or ``<id>``): its files' path under each folder, without suffix
    group: str  #: the site it belongs to, for folds (:func:`group_of`)
    url: str
    root: Path  #: the set's folder

    def path(self, kind: str) -> Path:
        """Its file of ``kind``: ``html``, ``text`` or ``truth``."""
        return self.root / kind / f"{self.key}.{'html' if kind == 'html' else 'txt'}"

    def truth(self) -> str:
        return self.path("truth").read_text("utf-8", errors="replace")


def group_of(url: str, site: str, page_id: str) -> str:
    """The domain of ``url`` without ``www.``, else the page's site, else its id."""
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    return host or site or page_id


def eval_pages(name: str, shared: Path = SHARED) -> Iterator[EvalPage]:
    """The pages of the set ``name``, in index order."""
    root = shared / "eval" / name
    for line in (root / "index.jsonl").read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            key = f"{row['site']}/{row['id']}" if row["site"] else row["id"]
            url = row.get("url", "")
            yield EvalPage(name, key, group_of(url, row["site"], row["id"]), url, root)


def fold_of(group: str, folds: int, salt: str = "") -> int:
    """The fold (of ``folds``) a group falls in: a hash of its name, so that every model and
    benchmark splitting by site agrees, whatever pages it holds."""
    return xxhash.xxh32_intdigest(f"{salt}{group}".encode()) % folds
