"""Memory and CPU of a process and all its descendants, sampled from /proc (Linux).

Peak RSS of a pipeline is the peak of the *sum* over its process tree: the driver and every pool
worker. Both benchmark peers (ours and datatrove) are measured with the same sampler.
"""

from __future__ import annotations

import os
import threading


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, user+system CPU clock ticks) of every process, from /proc (Linux; empty elsewhere)."""
    table: dict[int, tuple[int, int]] = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for name in entries:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            # Fields after the parenthesised command name (which may hold spaces): state, ppid, ...,
            # utime and stime are fields 14 and 15 of the line.
            rest = stat[stat.rindex(b")") + 2 :].split()
            table[int(name)] = (int(rest[1]), int(rest[11]) + int(rest[12]))
        except (OSError, ValueError, IndexError):
            continue
    return table


def _tree(root_pid: int, table: dict[int, tuple[int, int]]) -> list[int]:
    """``root_pid`` and all its live descendants in ``table``."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _status_kib(pid: int, key: str) -> int:
    """A ``kB`` field (VmRSS, VmHWM) of /proc/PID/status, 0 when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Polls the subprocess tree's memory and CPU time so the pool workers count too.

    ``wait4`` (and ``RUSAGE_CHILDREN``) only see descendants that were reaped up the tree; a
    forkserver or a process pool that outlives the measured call is never waited for, so its memory
    and CPU would be invisible (measured: wait4 reports datatrove's 68 MiB driver, not its 122 MiB
    workers).
    CPU time is the last sample per process, so up to one interval per process goes uncounted.
    """

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_single_kib = 0
        self.peak_tree_kib = 0
        self.cpu_ticks: dict[int, int] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            table = _proc_table()
            total = 0
            for pid in _tree(self.pid, table):
                total += _status_kib(pid, "VmRSS")
                self.peak_single_kib = max(self.peak_single_kib, _status_kib(pid, "VmHWM"))
                if pid in table:
                    self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), table[pid][1])
            self.peak_tree_kib = max(self.peak_tree_kib, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def cpu_seconds(self) -> float:
        """Sampled CPU seconds (user + system) summed over every process seen in the tree."""
        return sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")
