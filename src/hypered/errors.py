"""The exceptions hypered raises, one tree.

    HyperedError                 base of everything below
    ├── SpaceError (ValueError)  an invalid variable or params definition
    ├── ArgumentError (ValueError) an invalid argument of optimize()
    ├── ConfigError              a config file that cannot be run (has file:line:col)
    ├── StudyError               a study that cannot start or go on
    │   ├── StudyLockedError     another process is running the same study
    │   ├── StudyReadError       a study folder that is missing or cannot be read (names the file)
    │   └── TooManyFailuresError max_failures consecutive trials failed

Only `hypered.cli.main` turns these into a printed line and an exit code.
"""

from __future__ import annotations


class HyperedError(Exception):
    """Base class of every error hypered raises on purpose."""


class SpaceError(HyperedError, ValueError):
    """A search variable or params tree is invalid (names the parameter).

    `path` leads from the params dict to the bad part when known (dict keys, and a conditional
    categorical's choices), so a config file's error can point at it.
    """

    def __init__(self, message: str, path: tuple[object, ...] = ()) -> None:
        self.path = path
        super().__init__(message)


class ArgumentError(HyperedError, ValueError):
    """An argument of `optimize` is invalid (names the argument and the value)."""


class ConfigError(HyperedError):
    """A config file cannot be run; the message starts with file:line:col."""

    def __init__(self, message: str, path: str = "", line: int = 0, col: int = 0) -> None:
        self.path = path
        self.line = line
        self.col = col
        self.reason = message
        super().__init__(format_location(path, line, col) + message)


def format_location(path: str, line: int = 0, col: int = 0) -> str:
    """Format 'file:line:col: ' the way compilers do (the one formatter for locations)."""
    if not path:
        return ""
    if line <= 0:
        return f"{path}: "
    return f"{path}:{line}:{col}: "


class StudyError(HyperedError):
    """A study cannot start or cannot go on."""


class StudyLockedError(StudyError):
    """Another hypered process holds the study's lock."""


class StudyReadError(StudyError):
    """A study folder is missing, is not a study, or its files cannot be read (names the file)."""


class TooManyFailuresError(StudyError):
    """`max_failures` trials failed in a row."""
