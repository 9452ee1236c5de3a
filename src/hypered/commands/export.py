"""`hypered export STUDY`: every trial of a study as CSV or JSON Lines, one row per trial."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..storage import FORMATS, write_table
from ..storage.table import __doc__ as TABLE_DOC
from .exits import run_reporting_errors
from .target import add_study_arguments, one_study


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hypered export",
        description="Every trial of a study, one row each, as CSV or JSON Lines. Reads only; works while "
                    "the study runs. " + " ".join((TABLE_DOC or "").split("\n\n", 1)[-1].split()),
        epilog="exit codes: 0 written; 1 no such study or an unreadable one; 2 a config or usage error",
    )
    add_study_arguments(parser)
    parser.add_argument("--format", choices=FORMATS,
                        help="csv or jsonl (default: jsonl if FILE ends in .jsonl, else csv)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    return parser


def main(argv: Sequence[str]) -> int:
    args = _parser().parse_args(argv)
    return run_reporting_errors("export", lambda: _export(args))


def _export(args: argparse.Namespace) -> int:
    study = one_study(args.study, args.name, args.dir)
    fmt = args.format or ("jsonl" if args.output and args.output.endswith(".jsonl") else "csv")
    if args.output is None:
        write_table(study, sys.stdout, fmt)
        return 0
    target = Path(args.output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:  # readers of FILE see the old file or the new one, never half of it
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            write_table(study, out, fmt)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"{len(study.trials)} trials of {study.name} written to {target}", file=sys.stderr)
    return 0
