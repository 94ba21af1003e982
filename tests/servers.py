"""Real servers for the end-to-end tests, started the way the README says (own process groups)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from dedupe.server import healthy

BIN = Path(sys.executable).parent


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def quiet_env(tmp_path: Path) -> dict[str, str]:
    """The environment of the test's processes: an isolated, quiet Prefect with no API URL yet."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return env | {"PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                  "PREFECT_LOGGING_LEVEL": "WARNING", "DO_NOT_TRACK": "1"}


@contextlib.contextmanager
def started(args: list[str], env: dict[str, str], cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A background process in its own session, stopped (with its children) on exit."""
    proc = subprocess.Popen(args, env=env, cwd=cwd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        yield proc
    finally:
        stop(proc)


@contextlib.contextmanager
def prefect_server(env: dict[str, str], cwd: Path) -> Iterator[str]:
    """`prefect server start` on a free loopback port; yields its API URL once healthy."""
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    with started([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port),
                  "--no-ui"], env, cwd):
        wait_for(lambda: healthy(api), 120, "the Prefect server")
        yield api
