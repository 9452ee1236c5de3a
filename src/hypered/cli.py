"""`hypered CONFIG`: run the studies of a config file from the command line."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import TYPE_CHECKING, Any

from . import __version__
from .commands import EPILOG, SUBCOMMANDS, HelpFormatter, run_subcommand
from .errors import ConfigError, HyperedError

if TYPE_CHECKING:  # a run's modules load the optimizer (scipy, the GP): imported in main, after --help
    from rich.console import Console

    from .study import StudySpec


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hypered", epilog=EPILOG, formatter_class=HelpFormatter,
        description="Tune the hyperparameters of a program with Bayesian optimization. "
                    "Runs every optimize(...) of CONFIG in order; rerunning resumes.",
    )
    parser.add_argument("config", metavar="CONFIG", help="config file with optimize(...) calls")
    parser.add_argument("--dir", metavar="DIR",
                        help="folder that holds the study folders (default: the config's "
                             "directory= or ./experiments)")
    parser.add_argument("--iterations", type=int, metavar="N",
                        help="complete trials to reach (overrides the config)")
    parser.add_argument("--seed", type=int, metavar="S", help="random seed (overrides the config)")
    parser.add_argument("--parallel", type=int, metavar="N",
                        help="trials to run at once (overrides the config)")
    parser.add_argument("--dask", metavar="ADDRESS",
                        help="run trials on the Dask cluster whose scheduler is at HOST:PORT "
                             "(or tcp://HOST:PORT)")
    parser.add_argument("--on-change", choices=["refuse", "restart", "continue"],
                        help="when the study stored under the config's name was defined otherwise "
                             "(space, objective, constraints, fixed values, binary or its folder): refuse (the "
                             "default), restart (move the old study aside and start afresh) or "
                             "continue (keep its trials and go on with the new definition)")
    parser.add_argument("--dry-run", action="store_true",
                        help="make every check a real run makes before its first trial (config, "
                             "program, devices, the stored study) and print the search space; "
                             "run nothing and write nothing")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--verbose", "-v", action="store_true",
                        help="show each trial's stdout and stderr on the terminal")
    output.add_argument("--quiet", "-q", action="store_true",
                        help="print only errors and where the best trial was written")
    parser.add_argument("--version", action="version", version=f"hypered {__version__}")
    return parser


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    executor = None
    if args.dask:
        executor = "dask://" + args.dask.split("://", 1)[-1]
    pairs = {"directory": args.dir, "iterations": args.iterations, "seed": args.seed,
             "parallel": args.parallel, "executor": executor, "on_change": args.on_change}
    return {key: value for key, value in pairs.items() if value is not None}


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _dry_run(spec: StudySpec, console: Console) -> None:
    """Check what the real run checks before its first trial, and say what it would do."""
    from rich.markup import escape

    from .console import space_table
    from .storage import LOCK_FILE, check_unlocked
    from .study.preflight import plan_study

    check_unlocked(spec.study_dir / LOCK_FILE)
    plan = plan_study(spec)
    console.print(space_table(spec))
    complete = plan.stored.get("complete", 0)
    resumed = f", resuming with {complete} complete" if plan.action == "resume" else ""
    console.print(f"{spec.iterations} trials ({spec.random_starts} random starts){resumed} "
                  f"into {escape(str(spec.study_dir))}", soft_wrap=True)
    for line in plan.describe(spec, dry_run=True):
        console.print(escape(line), soft_wrap=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `hypered`; returns the exit code (2 config error, 1 other error, 130 Ctrl-C)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in SUBCOMMANDS:  # `hypered status ...`; a config named so: hypered ./status
        return run_subcommand(argv)
    args = _parser().parse_args(argv)
    from rich.console import Console  # the run's modules, imported after --help (which needs none)
    from rich.markup import escape

    from .config import load_config
    from .console import ConsoleReporter
    from .study import run_study

    console = Console(stderr=False, highlight=False)
    errors = Console(stderr=True, highlight=False)
    signal.signal(signal.SIGTERM, _raise_interrupt)  # a scheduler's stop is a Ctrl-C
    spec: StudySpec | None = None
    try:
        specs = load_config(args.config, _overrides(args))
        if args.dry_run:
            for spec in specs:
                _dry_run(spec, console)
            console.print("config is valid; nothing was run (--dry-run)")
            return 0
        for spec in specs:
            with ConsoleReporter(console, quiet=args.quiet) as reporter:
                run_study(spec, reporter, echo=args.verbose)
    except ConfigError as err:
        errors.print(escape(str(err)), soft_wrap=True)
        return 2
    except HyperedError as err:
        errors.print(f"hypered: error: {escape(str(err))}", soft_wrap=True)
        return 1
    except OSError as err:  # an unwritable or full disk, a vanished folder: say which file
        errors.print(f"hypered: error: {escape(str(err))}", soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        where = f" in {spec.study_dir}" if spec is not None else ""
        errors.print(f"hypered: interrupted; completed trials are kept{escape(where)}. "
                     "Run the same command again to resume.", soft_wrap=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
