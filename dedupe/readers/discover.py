"""Find the input files of a run: directories (recursive), single files and glob patterns.

Files are yielded in a deterministic order (per input, sorted by relative path) so that every later
decision that depends on order ("keep the first copy") is reproducible. Hidden files and folders
(``.git``, ``.DS_Store``) are skipped. A symlink is followed only while its target stays inside the
input root; one that leaves it is reported as an :class:`~dedupe.document.InputError`, never read.

>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "site").mkdir(), (root / "site" / "a.txt").write_text("hi")
>>> [f.rel_path for f in discover([root]) if isinstance(f, InputFile)]
['site/a.txt']
"""

from __future__ import annotations

import errno
import glob
import os
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path

from dedupe.document import InputError, InputFile

_GLOB_CHARS = set("*?[")
_LOOP = "symlink loops back on itself; not followed"


def is_glob(text: str) -> bool:
    """Whether an input names a glob pattern (wildcards, and no file of that very name)."""
    return bool(_GLOB_CHARS & set(text)) and not Path(text).exists()


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _glob_root(pattern: str) -> Path:
    """The deepest folder of a glob pattern that has no wildcard in it."""
    parts = Path(pattern).parts
    fixed: list[str] = []
    for part in parts:
        if _GLOB_CHARS & set(part):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path(".")


def _rel(path: Path, root: Path) -> str:
    return printable_path(path.relative_to(root).as_posix())


def printable_path(path: str) -> str:
    """``path`` as it is written in the tables: a file name whose bytes are not UTF-8 (Python holds
    them as lone surrogates) shows those bytes as ``\\xNN`` escapes, so it can be stored and read.

    >>> printable_path(b"caf\\xe9.txt".decode("utf-8", "surrogateescape"))
    'caf\\\\xe9.txt'
    """
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return path


def _resolved(path: Path) -> Path | None:
    """Where a symlink leads, or None when it loops (or the chain is too long to follow)."""
    try:
        return path.resolve(strict=False)
    except (RuntimeError, OSError):
        return None


def _check_file(path: Path, root: Path, rel: str | None = None) -> InputFile | InputError:
    """Validate one candidate file found under ``root`` (an absolute, resolved folder); ``rel`` is
    its path relative to ``root`` when the caller knows it."""
    rel = _rel(path, root) if rel is None else printable_path(rel)
    try:
        st = os.lstat(path)  # one system call for the common case, a regular file
        if stat.S_ISLNK(st.st_mode):
            target = _resolved(path)
            if target is None:
                return InputError(rel, "discover", "symlink_loop", _LOOP)
            if not _inside(target, root):
                return InputError(rel, "discover", "symlink_outside_root",
                                  f"symlink points outside the input root ({target}); not followed")
            st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return InputError(rel, "discover", "symlink_loop", _LOOP)
        return InputError(rel, "discover", "unreadable", f"cannot stat file: {exc.strerror or exc}")
    if not stat.S_ISREG(st.st_mode):
        return InputError(rel, "discover", "not_regular_file",
                          "not a regular file (FIFO, socket or device); not read")
    return InputFile(path=str(path), rel_path=rel, root=str(root), size=st.st_size,
                     mtime_ns=st.st_mtime_ns)


def _walk(root: Path) -> Iterator[InputFile | InputError]:
    found: list[InputFile | InputError] = []
    root_text = str(root)

    def unlisted(exc: OSError) -> None:  # a folder os.walk cannot list: say so, go on
        folder = Path(exc.filename) if exc.filename else root
        found.append(InputError(_rel(folder, root) if folder != root else ".", "discover", "unreadable",
                                f"cannot list folder: {exc.strerror or exc}; its files were not read"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted, followlinks=False):
        here = Path(dirpath)
        # Relative paths by string slicing: pathlib's relative_to costs more than the stat.
        prefix = "" if dirpath == root_text else dirpath[len(root_text) + 1:].replace(os.sep, "/") + "/"
        kept_dirs = []
        for name in dirnames:
            if _is_hidden(name):
                continue
            sub = here / name
            if sub.is_symlink():
                # Contents of a symlinked folder inside the root are reached through their real
                # path anyway; one leaving the root must not be read.
                target = _resolved(sub)
                if target is None:
                    found.append(InputError(_rel(sub, root), "discover", "symlink_loop",
                                            "symlinked folder loops back on itself; not followed"))
                elif not _inside(target, root):
                    found.append(InputError(_rel(sub, root), "discover", "symlink_outside_root",
                                            f"symlinked folder points outside the input root "
                                            f"({target}); not followed"))
                continue
            kept_dirs.append(name)
        dirnames[:] = kept_dirs
        found.extend(_check_file(here / name, root, prefix + name)
                     for name in filenames if not _is_hidden(name))
    found.sort(key=lambda item: item.rel_path if isinstance(item, InputFile) else item.path)
    yield from found


def discover(inputs: Sequence[str | os.PathLike[str]]) -> Iterator[InputFile | InputError]:
    """Yield every input file (or the reason it cannot be used) under ``inputs``.

    Each input is a folder (walked recursively), a file, or a glob pattern (``**`` allowed). Paths
    are reported relative to the input's root: the folder itself, the file's parent, or the part of
    the pattern before its first wildcard. A missing input raises :class:`FileNotFoundError`: that is
    a usage error, not a bad file.
    """
    seen: set[str] = set()
    for raw in inputs:
        text = os.fspath(raw)
        candidates: Iterator[InputFile | InputError]
        if is_glob(text):
            base = _glob_root(text).absolute()
            root = base.resolve()
            rels = sorted(Path(m).absolute().relative_to(base) for m in glob.glob(text, recursive=True))
            candidates = (_check_file(root / rel, root) for rel in rels
                          if not any(_is_hidden(p) for p in rel.parts)
                          and ((root / rel).is_file() or (root / rel).is_symlink()))
        else:
            path = Path(text)
            if not path.exists() and not path.is_symlink():
                raise FileNotFoundError(f"input not found: {text}")
            if path.is_dir():
                candidates = _walk(path.resolve())
            else:
                parent = path.absolute().parent.resolve()
                candidates = iter([_check_file(parent / path.name, parent)])
        for item in candidates:
            key = item.path if isinstance(item, InputFile) else f"error:{item.path}"
            if key in seen:
                continue  # the same file named by two inputs is read once
            seen.add(key)
            yield item
