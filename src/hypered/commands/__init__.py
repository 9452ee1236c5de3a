"""How users read studies back from the command line: `hypered status`, `hypered best`, `hypered export`.

`hypered.cli.main` hands a command line starting with one of SUBCOMMANDS to `run_subcommand`;
everything else is `hypered CONFIG`. A subcommand word always wins: a config file named like
one is run as `hypered ./status`. Nothing here imports the optimizer (the GP, scipy), so these
commands and `hypered --help` start quickly.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

# subcommand -> (module under hypered.commands, one line of help)
SUBCOMMANDS = {
    "status": ("status", "every study under a folder: trials per state, best value, last activity, driver"),
    "best": ("best", "the best trial of a study: its params and metrics (--json: as best.json)"),
    "export": ("export", "every trial of a study as CSV or JSON Lines, one row each"),
}

EPILOG = """\
commands for finished or running studies (they never take the study's lock):
  hypered status [DIR] [--json]         every study under DIR (default ./experiments)
  hypered best STUDY [--json]           the best trial; STUDY is a study folder or a config file
  hypered export STUDY [--format csv|jsonl] [-o FILE]
                                        one row per trial, to stdout or FILE
  e.g. hypered status experiments       hypered best experiments/demo --json > best.json
       hypered export example.conf --format jsonl -o trials.jsonl
  `hypered COMMAND --help` tells more. A config file named like a command: hypered ./status

exit codes: 0 done; 1 an error (a study that is missing or cannot be read, a failed run);
  2 a config or usage error; 130 interrupted (Ctrl-C or SIGTERM)
"""


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, but text written on several lines (the epilog) is kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


def run_subcommand(argv: Sequence[str]) -> int:
    """Run `hypered SUBCOMMAND ARGS...` (argv[0] is the subcommand); its exit code."""
    module_name, _ = SUBCOMMANDS[argv[0]]
    module = importlib.import_module(f"{__name__}.{module_name}")
    code: int = module.main(list(argv[1:]))
    return code


__all__ = ["EPILOG", "SUBCOMMANDS", "HelpFormatter", "run_subcommand"]
