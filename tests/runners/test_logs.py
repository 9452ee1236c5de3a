"""Capped logs, the echo that never blocks, and the copier between them, on real files and pipes."""

from __future__ import annotations

import io
import os
import random
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import run_hypered

from hypered.runners import DEFAULT_LOG_LIMIT
from hypered.runners.logs import CappedLog, Echo, LogCopier


def _stream(size: int, seed: int = 0) -> bytes:
    rng = random.Random(seed)
    return b"".join(f"line {i:07d} {rng.random():.12f}\n".encode() for i in range(size // 30 + 1))[:size]


def _write_in_chunks(log: CappedLog, data: bytes, seed: int = 0) -> None:
    rng = random.Random(seed)
    i = 0
    while i < len(data):
        n = rng.choice([1, 7, 100, 4096, 65536, 300_000])
        log.write(data[i:i + n])
        i += n


def test_the_default_cap_is_one_mib_per_stream() -> None:
    assert DEFAULT_LOG_LIMIT == 1_048_576


@pytest.mark.parametrize("size", [0, 1, 999, 1000])
def test_a_stream_within_the_limit_is_kept_whole(tmp_path: Path, size: int) -> None:
    data = _stream(size)
    log = CappedLog(tmp_path / "out.log", limit=1000)
    _write_in_chunks(log, data)
    log.close()
    assert (tmp_path / "out.log").read_bytes() == data
    assert log.cut == 0


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("limit", [2, 1001, 65_536])
def test_a_longer_stream_keeps_head_marker_and_tail(tmp_path: Path, limit: int, seed: int) -> None:
    data = _stream(limit * 7 + seed * 13, seed)
    log = CappedLog(tmp_path / "out.log", limit)
    _write_in_chunks(log, data, seed)
    log.close()
    head, tail = limit // 2, limit - limit // 2
    cut = len(data) - limit
    marker = f"[hypered: {cut:,} bytes of output cut here; log_limit={limit}]\n".encode()
    newline = b"" if data[:head].endswith(b"\n") else b"\n"
    assert (tmp_path / "out.log").read_bytes() == data[:head] + newline + marker + data[-tail:]
    assert log.cut == cut and log.total == len(data)


def test_the_file_stays_bounded_while_the_stream_runs(tmp_path: Path) -> None:
    limit = 10_000
    log = CappedLog(tmp_path / "out.log", limit)
    sizes = []
    for i in range(2000):
        log.write(f"{i:099d}\n".encode() * (500 if i % 100 == 0 else 1))  # now and then a big chunk
        sizes.append((tmp_path / "out.log").stat().st_size)
    log.close()
    assert max(sizes) <= 1.5 * limit + 100
    assert (tmp_path / "out.log").stat().st_size <= limit + 100
    assert (tmp_path / "out.log").read_text().splitlines()[-1] == f"{1999:099d}"


def test_no_limit_keeps_everything(tmp_path: Path) -> None:
    data = _stream(300_000)
    log = CappedLog(tmp_path / "out.log", None)
    _write_in_chunks(log, data)
    log.close()
    assert (tmp_path / "out.log").read_bytes() == data


def test_a_limit_below_two_bytes_says_what_to_give(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="log_limit must be at least 2 bytes .or None for no cap., got 1"):
        CappedLog(tmp_path / "out.log", 1)


class _StuckTerminal(io.BytesIO):
    """A terminal that takes nothing until `unstick` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.unstick = threading.Event()

    def write(self, data) -> int:  # type: ignore[override]
        self.unstick.wait()
        return super().write(data)


def test_echo_to_a_stuck_terminal_never_blocks_and_says_what_it_dropped() -> None:
    terminal = _StuckTerminal()
    echo = Echo(terminal, budget=1000)
    started = time.monotonic()
    for i in range(1000):
        echo.put(f"{i:09d}\n".encode())
    assert time.monotonic() - started < 1.0
    terminal.unstick.set()
    echo.close(timeout=5)
    shown = terminal.getvalue().decode().splitlines()
    assert shown[0] == "000000000"
    assert shown[-1].startswith("[hypered: ") and shown[-1].endswith(
        " bytes of output not shown: the terminal was slower]")
    dropped = int(shown[-1].split()[1].replace(",", ""))
    assert dropped + 10 * (len(shown) - 1) == 10_000


def _echoed_pipes(tmp_path: Path) -> tuple[io.BytesIO, Echo, LogCopier, int, int]:
    """A copier of two pipes (stdout, stderr) into logs in tmp_path and one echo to a `terminal`;
    the terminal, echo, copier and the pipes' write ends."""
    terminal = io.BytesIO()
    echo = Echo(terminal)
    read_out, write_out = os.pipe()
    read_err, write_err = os.pipe()
    copier = LogCopier([(open(read_out, "rb", buffering=0), CappedLog(tmp_path / "out", None), echo),
                        (open(read_err, "rb", buffering=0), CappedLog(tmp_path / "err", None), echo)])
    return terminal, echo, copier, write_out, write_err


def test_the_copier_keeps_echoed_lines_whole(tmp_path: Path) -> None:
    terminal, echo, copier, write_out, write_err = _echoed_pipes(tmp_path)
    for i in range(200):  # lines split across writes, two streams interleaved
        os.write(write_out, f"out {i:05d} ".encode())
        os.write(write_err, f"err {i:05d} first half ".encode())
        os.write(write_out, b"end\n")
        os.write(write_err, b"second half\n")
    os.write(write_out, b"no newline at the end")
    os.close(write_out)
    os.close(write_err)
    copier.stop()
    echo.close()
    lines = terminal.getvalue().decode().splitlines()
    assert sorted(lines) == sorted([f"out {i:05d} end" for i in range(200)] +
                                   [f"err {i:05d} first half second half" for i in range(200)] +
                                   ["no newline at the end"])
    assert (tmp_path / "out").read_bytes().endswith(b"199 end\nno newline at the end")


def test_stop_returns_although_a_left_behind_process_holds_the_pipe(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    copier = LogCopier([(open(read_end, "rb", buffering=0), CappedLog(tmp_path / "out", 100), None)])
    os.write(write_end, b"x" * 1000)
    started = time.monotonic()
    copier.stop()
    assert time.monotonic() - started < 3
    assert (tmp_path / "out").stat().st_size < 200
    with pytest.raises(BrokenPipeError):  # the reader is gone: the writer learns it
        os.write(write_end, b"more")
    os.close(write_end)


def _chatty_study(tmp_path: Path, programs: Path) -> Path:
    conf = tmp_path / "chatty.conf"
    conf.write_text(f"""
optimize(
    name="chatty",
    objective=minimize("loss"),
    binary="{sys.executable} {programs / 'chatty.py'} {{params_path}} {{results_path}} --bytes 5000000",
    random_starts=2,
    iterations=2,
    params={{"x": real(-5, 5)}},
)
""")
    return conf


@pytest.mark.parametrize("verbose", [False, True])
def test_the_command_keeps_capped_logs_in_every_trial_folder(tmp_path, programs, verbose) -> None:
    flags = ["--verbose", "--parallel", "2"] if verbose else []
    done = run_hypered(_chatty_study(tmp_path, programs), "--dir", tmp_path / "exp", *flags, cwd=tmp_path,
                       timeout=180)
    assert done.returncode == 0, done.stderr
    folders = [p for p in (tmp_path / "exp" / "chatty").iterdir() if p.is_dir()]
    assert len(folders) == 2
    for folder in folders:
        log = (folder / "stdout.log").read_text()
        assert DEFAULT_LOG_LIMIT < len(log) <= DEFAULT_LOG_LIMIT + 100
        lines = log.splitlines()
        assert lines[0].startswith("line 000000000 ") and lines[-1].startswith("line 000049999 ")
        assert f"[hypered: {5_000_000 - DEFAULT_LOG_LIMIT:,} bytes of output cut here; log_limit=1048576]" in lines
    shown = [line for line in done.stdout.splitlines() if line.startswith("line ")]
    if not verbose:
        assert not shown
    else:  # the terminal is not capped, and two trials printing at once do not mix within a line
        assert "line 000000000 ".ljust(99, ".") in shown
        assert all(len(line) == 99 for line in shown)


def test_log_limit_is_set_in_the_config(tmp_path, programs) -> None:
    conf = _chatty_study(tmp_path, programs)
    conf.write_text(conf.read_text().replace("iterations=2,", "iterations=1, log_limit=10_000,"))
    done = run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path, timeout=180)
    assert done.returncode == 0, done.stderr
    (folder,) = [p for p in (tmp_path / "exp" / "chatty").iterdir() if p.is_dir()]
    log = (folder / "stdout.log").read_text()
    assert 10_000 < len(log) <= 10_100 and "log_limit=10000]" in log


def test_a_big_read_keeps_its_unfinished_line_until_its_newline(tmp_path: Path) -> None:
    terminal, echo, copier, write_out, write_err = _echoed_pipes(tmp_path)
    big = b"".join(b"out %06d\n" % i for i in range(20_000)) + b"unfinished"  # ~200 KB, past the 64 KiB line cap
    writer = threading.Thread(target=os.write, args=(write_out, big))
    writer.start()
    writer.join()
    time.sleep(0.3)  # the copier has read it all, the unfinished line included
    os.write(write_err, b"err line\n")
    time.sleep(0.3)
    os.write(write_out, b" line\n")
    os.close(write_out)
    os.close(write_err)
    copier.stop()
    echo.close()
    lines = terminal.getvalue().decode().splitlines()
    assert "unfinished line" in lines and "err line" in lines
    assert len(lines) == 20_002
