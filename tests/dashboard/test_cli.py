"""`hypered-dash` as a user runs it: prints the URL, serves, and fails with one clear line."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from dashboard_helpers import write_legacy_study

DASH = [sys.executable, "-m", "hypered.dashboard.cli"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DASH, *args], cwd=cwd, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONWARNINGS": "error"})


def test_missing_folder_is_one_line_and_exit_1(tmp_path) -> None:
    done = run("--dir", "nowhere", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "nowhere" in done.stderr and "Traceback" not in done.stderr


def test_port_in_use_is_one_line_and_exit_1(tmp_path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = run("--dir", str(tmp_path), "--port", str(port), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and str(port) in done.stderr and "--port" in done.stderr


def test_serves_on_loopback_and_prints_the_url(tmp_path) -> None:
    write_legacy_study(tmp_path / "old")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([*DASH, "--dir", str(tmp_path), "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in line
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/studies", timeout=10) as response:
            assert [s["name"] for s in json.load(response)["studies"]] == ["old"]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            assert conn.getpeername()[0] == "127.0.0.1"
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 130 and "Traceback" not in err


def test_help_lists_the_options(tmp_path) -> None:
    done = run("--help", cwd=tmp_path)
    assert done.returncode == 0
    for option in ("--dir", "--host", "--port"):
        assert option in done.stdout
