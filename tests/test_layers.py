"""The import contracts of pyproject.toml hold, and fail when a forbidden import is added."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"]


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*LINT, "--config", str(tree / "pyproject.toml"), "--no-cache"], cwd=tree,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)}, timeout=120)


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tree = tmp_path_factory.mktemp("layers")
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copytree(ROOT / "src" / "hypered", tree / "hypered", ignore=shutil.ignore_patterns("static", "__pycache__"))
    return tree


def test_the_contracts_hold(copy: Path) -> None:
    done = _lint(copy)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "broken" in done.stdout and " 0 broken" in done.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("dashboard/views.py", "import sqlite3", "the dashboard reads studies only through storage"),
    ("storage/reader.py", "from ..study import StudySpec", "storage imports nothing that runs studies"),
    ("bayesopt/kernels.py", "from ..space import Real", "bayesopt is math on arrays"),
    ("runners/base.py", "from ..storage.reader import read_study", "runners read no studies"),
    ("commands/status.py", "from ..optimize import optimize", "the commands that read studies load no optimizer"),
])
def test_a_forbidden_import_breaks_its_contract(copy: Path, tmp_path: Path, module: str, line: str,
                                                contract: str) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(copy, tree)
    path = tree / "hypered" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    done = _lint(tree)
    assert done.returncode == 1, done.stdout
    broken = [text for text in done.stdout.split("\n\n") if "BROKEN" in text]
    assert any(contract in " ".join(text.split()) for text in broken), done.stdout
