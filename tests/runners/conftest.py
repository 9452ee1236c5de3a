"""A real Dask cluster on 127.0.0.1: one scheduler and two worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import free_port


@dataclass
class Cluster:
    address: str  # host:port
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)  # name -> process


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "dask", *args], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "PYTHONWARNINGS": "ignore"}, start_new_session=True)


@pytest.fixture
def dask_cluster(tmp_path: Path) -> Iterator[Cluster]:
    pytest.importorskip("distributed")
    from distributed import Client

    port = free_port()
    address = f"127.0.0.1:{port}"
    scheduler = _spawn(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                       tmp_path / "scheduler.log")
    cluster = Cluster(address)
    try:
        for name in ("w1", "w2"):
            cluster.workers[name] = _spawn(
                ["worker", f"tcp://{address}", "--name", name, "--nthreads", "1", "--no-nanny",
                 "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(tmp_path / name)],
                tmp_path / f"{name}.log")
        deadline = time.time() + 60
        while True:
            try:
                with Client(f"tcp://{address}", timeout=5) as client:
                    client.wait_for_workers(2, timeout=60)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        yield cluster
    finally:
        for process in [*cluster.workers.values(), scheduler]:
            process.kill()
            process.wait()
