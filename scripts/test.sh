#!/usr/bin/env bash
# Installs hypered with its test dependencies, then runs the linters and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check -e '.[test]'
python3 -m ruff check src tests benchmarks
python3 -m mypy
# the import contracts of pyproject.toml (dependencies point one way), run by this python3: a
# `lint-imports` found on PATH may belong to another interpreter, which sees another hypered
python3 -c "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
# the dashboard's browser tests drive Debian's chromium (Playwright cannot download a browser here)
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
command -v chromium >/dev/null || { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null; }
python3 -m pytest "$@"
