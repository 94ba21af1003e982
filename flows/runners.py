"""Where the flow's tasks run: this machine (default) or an existing Dask or Ray cluster.

Locally, each per-batch stage is one task that maps its batches over a process pool on every core
(:mod:`dedupe.parallel`). On a cluster, the per-batch stages become one Prefect task run per batch,
submitted through prefect-dask's ``DaskTaskRunner`` or prefect-ray's ``RayTaskRunner`` to the
cluster at ``address``; dedupe never starts or manages a cluster itself. Every machine of the
cluster must see the input and output folders at the same paths (a shared file system), and every
worker needs ``PREFECT_API_URL`` pointing at the Prefect server, or each worker process starts a
temporary server of its own.

>>> task_runner_for("local") is None
True
"""

from __future__ import annotations

from typing import Any, Final

from prefect.task_runners import TaskRunner

RUNNERS: Final = ("local", "dask", "ray")


def task_runner_for(runner: str, address: str | None = None) -> TaskRunner[Any] | None:
    """The Prefect task runner for ``runner`` (``None``: the flow's default, for ``local``)."""
    if runner == "local":
        if address:
            raise ValueError("--address is for --runner dask or ray")
        return None
    if runner not in RUNNERS:
        raise ValueError(f"unknown runner {runner!r}; one of: {', '.join(RUNNERS)}")
    if not address:
        raise ValueError(f"--runner {runner} needs the --address of a running cluster "
                         f"(e.g. tcp://HOST:8786 for Dask, ray://HOST:10001 or auto for Ray)")
    if runner == "dask":
        try:
            from prefect_dask.task_runners import DaskTaskRunner
        except ImportError as exc:
            raise ValueError("--runner dask needs prefect-dask: pip install 'scrape-dedupe[dask]'") from exc
        return DaskTaskRunner(address=address)
    try:
        from prefect_ray import RayTaskRunner  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:
        raise ValueError("--runner ray needs prefect-ray: pip install 'scrape-dedupe[ray]'") from exc
    runner_: TaskRunner[Any] = RayTaskRunner(address=address)
    return runner_
