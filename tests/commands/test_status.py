"""`hypered status`: every study of a folder, through the real command."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from commands_helpers import corrupt_copy
from helpers import run_hypered


def test_status_of_a_finished_study(finished: Path) -> None:
    done = run_hypered("status", finished.parent, cwd=finished.parent)
    assert done.returncode == 0, done.stderr
    header, row = done.stdout.splitlines()
    assert header.split()[:6] == ["study", "complete", "failed", "running", "pruned", "interrupted"]
    assert row.split()[:6] == ["quad", "5", "0", "0", "0", "0"] and "minimize('loss')" in row
    data = json.loads(run_hypered("status", "--json", cwd=finished.parent.parent).stdout)  # default ./experiments
    (study,) = data["studies"]
    best = json.loads((finished / "best.json").read_text())
    assert study["trials"] == {"complete": 5, "failed": 0, "running": 0, "pruned": 0, "interrupted": 0}
    assert study["best"] == {"trial": best["trial"], "value": best["value"]}
    assert study["objective"] == {"name": "loss", "direction": "minimize"}
    assert study["error"] is None and study["running"] is False and study["driver"] is None
    assert study["last_activity"] > 0 and study["iterations"] == 5


def test_status_of_a_running_study_names_its_driver(running) -> None:
    study, driver = running
    done = run_hypered("status", "--json", study.parent, cwd=study.parent)
    assert done.returncode == 0, done.stderr
    (row,) = json.loads(done.stdout)["studies"]
    assert row["trials"]["running"] == 1 and row["best"] is None
    assert row["running"] is True and row["driver"] == {"pid": driver.pid, "host": socket.gethostname()}
    text = run_hypered("status", study.parent, cwd=study.parent).stdout
    assert f"pid {driver.pid} on {socket.gethostname()}" in text


def test_a_corrupt_study_is_one_row_with_its_error_and_the_others_work(finished: Path, tmp_path: Path) -> None:
    root = tmp_path / "experiments"
    shutil.copytree(finished, root / "quad")
    corrupt_copy(finished, root / "cut", keep_bytes=3000)
    corrupt_copy(finished, root / "garbage")
    done = run_hypered("status", root, cwd=tmp_path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    errors = done.stderr.splitlines()
    assert len(errors) == 2 and all(line.startswith("hypered status: error: ") for line in errors)
    assert str(root / "garbage" / "study.db") in done.stderr and "file is not a database" in done.stderr
    assert str(root / "cut" / "study.db") in done.stderr
    assert any(line.split()[:2] == ["quad", "5"] for line in done.stdout.splitlines())
    rows = {row["name"]: row for row in json.loads(run_hypered("status", "--json", root, cwd=tmp_path).stdout)["studies"]}
    assert rows["quad"]["error"] is None and rows["quad"]["trials"]["complete"] == 5
    assert "file is not a database" in rows["garbage"]["error"] and rows["garbage"]["trials"] is None


def test_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    done = run_hypered("status", tmp_path / "nope", cwd=tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip() == (f"hypered status: error: {tmp_path / 'nope'}: no such experiments folder "
                                   "(give the folder that holds your study folders, e.g. hypered status experiments)")
    empty = run_hypered("status", tmp_path, cwd=tmp_path)
    assert empty.returncode == 0 and empty.stdout.strip() == f"no studies in {tmp_path}"


def test_the_subcommand_wins_over_a_config_named_like_it(finished: Path, tmp_path: Path) -> None:
    shutil.copytree(finished, tmp_path / "experiments" / "quad")
    (tmp_path / "status").write_text((finished.parent.parent / "quad.conf").read_text())
    done = run_hypered("status", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("study")
    checked = run_hypered("./status", "--dry-run", "--dir", "fresh", cwd=tmp_path)  # the config, as ./status
    assert checked.returncode == 0, checked.stderr
    assert "nothing was run" in checked.stdout


def test_help_lists_the_subcommands_and_exit_codes(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "hypered", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0
    for line in ("hypered status [DIR]", "hypered best STUDY", "hypered export STUDY", "exit codes:", "130"):
        assert line in done.stdout
    for command in ("status", "best", "export"):
        sub = subprocess.run([sys.executable, "-m", "hypered", command, "--help"], capture_output=True, text=True)
        assert sub.returncode == 0 and f"usage: hypered {command}" in sub.stdout and "exit codes" in sub.stdout


STARTUP = """
import sys
from {module} import main
try:
    main({argv!r})
except SystemExit:
    pass
heavy = sorted(m for m in ("numpy", "scipy", "hypered.bayesopt", "hypered.study", "hypered.optimize") if m in sys.modules)
sys.stdout = sys.__stdout__
print("HEAVY", heavy)
"""


def _heavy_modules(module: str, argv: list[str], cwd: Path) -> str:
    code = STARTUP.format(module=module, argv=argv)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "error"})
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


def test_help_and_status_start_without_the_optimizer(finished: Path) -> None:
    """`hypered --help`, `hypered status` and `hypered-dash --help` import neither scipy, the GP nor numpy."""
    assert _heavy_modules("hypered.cli", ["--help"], finished) == "HEAVY []"
    assert _heavy_modules("hypered.cli", ["status", str(finished.parent)], finished) == "HEAVY []"
    assert _heavy_modules("hypered.dashboard.cli", ["--help"], finished) == "HEAVY []"
    assert _heavy_modules("hypered.cli", [str(finished.parent.parent / "quad.conf"), "--dry-run"], finished) != "HEAVY []"
