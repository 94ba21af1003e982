"""What Prefect costs per run: the same job on seeds/ with and without the flow, in fresh processes.

    python -m benchmarks.prefect_overhead [--repeat 3] [--api-url http://127.0.0.1:4200/api]

Each variant runs in a new Python process (as a user's command would), so start-up is included:
- ``library``: ``dedupe.run_pipeline`` alone (the baseline);
- ``flow, temporary server``: ``dedupe run`` with PREFECT_API_URL unset, so Prefect starts its own
  temporary API server in that process;
- ``flow, local server``: ``dedupe run`` while ``dedupe server start`` runs (started and stopped
  by this command, in its own PREFECT_HOME): what a user gets after one ``dedupe server start``;
  target: at most 4x the library (issue 15);
- ``flow, running server`` (with ``--api-url``): ``dedupe run`` against a ``prefect server start``.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LIBRARY = "import sys; from dedupe import run_pipeline; run_pipeline([sys.argv[1]], sys.argv[2])"
#: ``dedupe run`` on the seeds with a local server: at most this many times the library's time.
LOCAL_SERVER_TARGET = 4.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _time(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--api-url", help="URL of a running `prefect server start` API")
    args = parser.parse_args()
    base_env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    base_env.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="bench-prefect-home-"))
    base_env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    variants: list[tuple[str, list[str], dict[str, str]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        library = [sys.executable, "-c", LIBRARY, "seeds", f"{tmp}/lib"]
        variants.append(("library (baseline)", library, base_env))
        cli = [sys.executable, "-m", "dedupe.cli", "run", "seeds", "--out", f"{tmp}/flow", "--no-progress"]
        variants.append(("flow, temporary server", cli, base_env))
        variants.append(("flow, local server", cli, base_env))
        if args.api_url:
            variants.append(("flow, running server", cli, base_env | {"PREFECT_API_URL": args.api_url}))
        results = {}
        for name, cmd, env in variants:
            server = [sys.executable, "-m", "dedupe.cli", "server"]
            local = name == "flow, local server"
            if local:
                subprocess.run([*server, "start", "--port", str(_free_port())], cwd=PROJECT, env=env,
                               check=True, stdout=subprocess.DEVNULL)
            try:
                results[name] = [_time(cmd, env) for _ in range(args.repeat)]
            finally:
                if local:
                    subprocess.run([*server, "stop"], cwd=PROJECT, env=env, check=True,
                                   stdout=subprocess.DEVNULL)
    baseline = statistics.median(results["library (baseline)"])
    print(f"{'variant':<26}{'median s':>10}{'min s':>9}{'max s':>9}{'x library':>11}")
    for name, times in results.items():
        med = statistics.median(times)
        print(f"{name:<26}{med:>10.2f}{min(times):>9.2f}{max(times):>9.2f}{med / baseline:>11.1f}")
    ratio = statistics.median(results["flow, local server"]) / baseline
    verdict = "PASS" if ratio <= LOCAL_SERVER_TARGET else "FAIL"
    print(f"dedupe run with `dedupe server start`: {ratio:.1f} x the library   "
          f"target <= {LOCAL_SERVER_TARGET:g} x  {verdict}")


if __name__ == "__main__":
    main()
