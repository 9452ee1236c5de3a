"""The `binary` command template: split like a shell would, then filled per trial.

The template is split into arguments first and each `{name}` is replaced inside
its argument, so a value never becomes more than one argument and nothing is
ever interpreted by a shell.
"""

from __future__ import annotations

import json
import shlex
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import ArgumentError

PATH_FIELDS = ("params_path", "results_path", "experiment_dir", "report_path")


def as_argument(value: Any, spec: str = "") -> str:
    """How a value reads on a command line: strings as they are, the rest as JSON."""
    if spec:
        return format(value, spec)
    if isinstance(value, str):
        return value
    return json.dumps(value)


@dataclass(frozen=True)
class CommandTemplate:
    """A parsed `binary` string; `fields` are the names it substitutes."""

    text: str
    argv: tuple[str, ...]
    fields: frozenset[str]

    def render(self, values: Mapping[str, Any]) -> tuple[str, ...]:
        """The argv of one trial; `values` maps every field to its value."""
        return tuple(_fill(arg, values) for arg in self.argv)


def _fill(arg: str, values: Mapping[str, Any]) -> str:
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(arg):
        out.append(literal)
        if field is not None:
            value = values[field]
            out.append(as_argument(str(value) if conversion == "s" else value, spec or ""))
    return "".join(out)


def parse_command(text: str, names: frozenset[str], sometimes: Mapping[str, str] | None = None
                  ) -> CommandTemplate:
    """Parse `text`; ArgumentError if it is empty, malformed or names an unknown field.

    `sometimes` maps the parameters of conditional branches to when they exist: a field naming
    one is an error, since some trials would have no value to put there.
    """
    if not isinstance(text, str) or not text.strip():
        raise ArgumentError(f"binary must be a command line string, got {text!r}")
    try:
        argv = tuple(shlex.split(text))
    except ValueError as err:
        raise ArgumentError(f"binary {text!r} cannot be split into arguments: {err}") from None
    known = names | set(PATH_FIELDS)
    fields: set[str] = set()
    for arg in argv:
        try:
            parsed = list(string.Formatter().parse(arg))
        except ValueError as err:
            raise ArgumentError(f"binary argument {arg!r}: {err} (write {{{{ and }}}} for literal braces)") from None
        for _, field, _, conversion in parsed:
            if field is None:
                continue
            if sometimes and field in sometimes:
                raise ArgumentError(
                    f"binary refers to {{{field}}}, which exists only when {sometimes[field]}: a "
                    "placeholder needs a parameter every trial has; read it from the trial's params "
                    "file ({params_path}) instead"
                )
            if field not in known:
                raise ArgumentError(
                    f"binary refers to {{{field}}}, which is not a top-level parameter nor one of "
                    f"{', '.join('{' + f + '}' for f in PATH_FIELDS)}; known names: {', '.join(sorted(known))}"
                )
            if conversion not in (None, "s"):
                raise ArgumentError(f"binary field {{{field}!{conversion}}}: only !s is allowed")
            fields.add(field)
    return CommandTemplate(text, argv, frozenset(fields))
