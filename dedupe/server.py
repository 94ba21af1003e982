"""A local Prefect server that outlives one command: explicit, printed, stoppable.

Without a server every ``dedupe run`` starts Prefect's temporary one (5-10 s, most of a run on a
small folder). ``dedupe server start`` starts ``prefect server start`` on loopback in its own
session, once, and records it in ``$PREFECT_HOME/dedupe-server.json``; later ``dedupe run`` and
``dedupe serve`` use it (and say so) while it answers; ``dedupe server stop`` ends it and its
children; ``dedupe server status`` says whether it runs. Nothing else starts it, so it is never an
orphan of a run.

>>> import tempfile, os
>>> os.environ["PREFECT_HOME"] = tempfile.mkdtemp()
>>> running() is None
True
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Final

#: Seconds to wait for the server to answer its health check after starting it.
START_TIMEOUT: Final = 90.0
DEFAULT_PORT: Final = 4200
#: What every Prefect process of dedupe runs with, whatever folder it starts from (the variables a
#: user sets win): no telemetry from the client or the server, run logs to the API at INFO while
#: the console shows warnings only, no block registration at server start.
PREFECT_DEFAULTS: Final = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "INFO",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "WARNING",
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "60",
}


def prefect_environment() -> None:
    """Set :data:`PREFECT_DEFAULTS` where the environment does not already say otherwise."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


@dataclass(frozen=True)
class LocalServer:
    pid: int  #: leader of the server's process group
    url: str  #: its API URL (``.../api``)
    log: str

    @property
    def ui(self) -> str:
        return self.url.removesuffix("/api")


def _home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect")


def _state() -> Path:
    return _home() / "dedupe-server.json"


def healthy(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running() -> LocalServer | None:
    """The server ``dedupe server start`` started, if it still runs and answers."""
    try:
        server = LocalServer(**json.loads(_state().read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return server if _alive(server.pid) and healthy(server.url) else None


def start(port: int = DEFAULT_PORT) -> LocalServer:
    """Start the local server (or return the one running); raises RuntimeError if it does not come up."""
    if (server := running()) is not None:
        return server
    prefect_environment()
    _home().mkdir(parents=True, exist_ok=True)
    log = _home() / "dedupe-server.log"
    url = f"http://127.0.0.1:{port}/api"
    if healthy(url):
        raise RuntimeError(f"something else already answers on port {port}: choose another with --port")
    with open(log, "ab") as out:
        proc = subprocess.Popen([str(Path(sys.executable).with_name("prefect")), "server", "start", "--host",
                                 "127.0.0.1", "--port", str(port)], stdout=out, stderr=out,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while not healthy(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            _end_group(proc.pid)
            raise RuntimeError(f"the Prefect server did not start: see {log}")
        time.sleep(0.3)
    server = LocalServer(pid=proc.pid, url=url, log=str(log))
    _state().write_text(json.dumps(asdict(server)), encoding="utf-8")
    return server


def _end_group(pid: int, grace: float = 10.0) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except (ProcessLookupError, PermissionError):
            break
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    else:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


def stop() -> LocalServer | None:
    """Stop the local server and every process of its group; returns it, or None if none ran."""
    try:
        server = LocalServer(**json.loads(_state().read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if _alive(server.pid):
        _end_group(server.pid)
    _state().unlink(missing_ok=True)
    return server
