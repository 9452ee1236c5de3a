"""How a subcommand ends: a hypered error as one printed line and an exit code, never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from ..errors import ConfigError, HyperedError


def run_reporting_errors(command: str, body: Callable[[], int]) -> int:
    """body(), with a hypered error printed as one line and turned into an exit code.

    2 for a config error, 1 for any other (a missing or unreadable study), 130 on Ctrl-C.
    """
    try:
        return body()
    except BrokenPipeError:  # `| head` closed the pipe: stop writing, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except ConfigError as err:
        print(f"hypered {command}: {err}", file=sys.stderr)
        return 2
    except (HyperedError, OSError) as err:
        print(f"hypered {command}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
