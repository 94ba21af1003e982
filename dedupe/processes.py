"""Every process a command starts ends with it, however the command ends.

A run starts processes that are not its own to stop: Prefect's temporary API server, the worker
pool's fork server and workers, multiprocessing's resource tracker, and under ``serve`` the process
of each flow run. Normally each is stopped by whoever started it; a ``SIGKILL`` of the command
stops nobody. :func:`supervised` therefore runs the command in a child process and stays as a
small parent that outlives it:

- the parent is a *subreaper* (Linux ``PR_SET_CHILD_SUBREAPER``): whatever the child starts and
  leaves behind becomes the parent's child, and the parent ends it when the child is gone;
- ``SIGTERM``/``SIGHUP`` to the parent reach the child, which ends its work cleanly if it can
  (Prefect marks the flow run); after :data:`GRACE` seconds the parent ends whatever is left;
- a ``SIGKILL`` of the parent closes a pipe the child watches in a thread: the child, also a
  subreaper, ends every process below it, then itself, within about a second.

Elsewhere than Linux the command runs in this process, as it is.

>>> supervised(lambda: 3, enabled=False)
3
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Final

#: Seconds a process is given to end cleanly before it is killed.
GRACE: Final = 6.0
_PR_SET_CHILD_SUBREAPER: Final = 36
#: Signals that ask the command to stop (and SIGINT, Ctrl-C).
_STOP_SIGNALS: Final = (signal.SIGTERM, signal.SIGHUP)


#: Linux ``prctl`` option: the signal a process gets when its parent dies.
PR_SET_PDEATHSIG: Final = 1


def prctl(option: int, value: int) -> bool:
    """Linux ``prctl(option, value)``; False where it is not available or refused."""
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0  # type: ignore[no-any-return]
    except (OSError, AttributeError):
        return False


def _children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (from /proc)."""
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
            found += [int(p) for p in fh.read().split()]
    return found


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, parents before their children."""
    out: list[int] = []
    frontier = [pid]
    while frontier:
        below = [c for p in frontier for c in _children(p)]
        out += below
        frontier = below
    return out


def _reap() -> None:
    """Collect the exit status of any child that ended (orphans given to a subreaper too)."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass


def end_descendants(grace: float = GRACE) -> None:
    """``SIGTERM`` to every process below this one, then ``SIGKILL`` to those left after ``grace``."""
    deadline = time.monotonic() + grace
    sent = signal.SIGTERM
    while (pids := descendants(os.getpid())) and time.monotonic() < deadline + GRACE:
        for pid in reversed(pids):  # children first: a parent does not respawn them meanwhile
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sent)
        time.sleep(0.05)
        _reap()
        if time.monotonic() > deadline:
            sent = signal.SIGKILL


def _watch_parent(pipe: int) -> None:
    """In the child: when the parent is gone (its end of ``pipe`` closes, however it died), end
    every process below this one, then this one."""
    with contextlib.suppress(OSError):
        while os.read(pipe, 1):
            pass
    end_descendants(grace=1.0)
    os._exit(137)


def _end_all_after(grace: float) -> None:
    """In the parent, after a stop signal: give the command ``grace`` seconds, then end it all."""
    time.sleep(grace)
    end_descendants(grace=1.0)


def supervised(command: Callable[[], int], enabled: bool = True) -> int:
    """Run ``command`` (returning an exit status) so that every process it starts ends with it;
    return its exit status. See the module's documentation."""
    if not enabled or not sys.platform.startswith("linux") or not prctl(_PR_SET_CHILD_SUBREAPER, 1):
        return command()
    sys.stdout.flush()
    sys.stderr.flush()
    # The child watches the read end: the write end lives only in this process (not inherited
    # by anything it starts), so the read sees end-of-file the moment this process dies.
    watch, alive = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(alive)
        status = 1
        try:
            prctl(_PR_SET_CHILD_SUBREAPER, 1)  # what its own children leave comes to it
            threading.Thread(target=_watch_parent, args=(watch,), daemon=True).start()
            status = command()
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            status = 130
        except BaseException:  # the child reports and exits: it never returns to the caller's code
            import traceback

            traceback.print_exc()
        finally:
            # What a normal exit runs (Prefect sends its last run logs to the API, stops its
            # temporary server; logging flushes), then nothing of the caller's stack.
            with contextlib.suppress(BaseException):
                atexit._run_exitfuncs()
            sys.stdout.flush()
            sys.stderr.flush()
            end_descendants()
            os._exit(status)
    os.close(watch)

    def stop(signum: int, _frame: FrameType | None) -> None:
        # SIGINT stays SIGINT (KeyboardInterrupt in the child); the others become SIGTERM. From a
        # terminal the child gets Ctrl-C twice (the terminal signals the whole group): harmless.
        with contextlib.suppress(ProcessLookupError):  # the command ends cleanly if it can...
            os.kill(child, signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)
        threading.Thread(target=_end_all_after, args=(GRACE,), daemon=True).start()  # ...or not

    for signum in (*_STOP_SIGNALS, signal.SIGINT):
        signal.signal(signum, stop)
    _, wait_status = os.waitpid(child, 0)
    end_descendants()  # what the child left behind came to this subreaper
    os.close(alive)
    return os.waitstatus_to_exitcode(wait_status)
