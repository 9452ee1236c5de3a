"""Which rows of the trial table a filter keeps: the text typed above the table, parsed once.

A filter is terms separated by commas; a row is kept if it passes every term:

    lr < 0.01            a comparison: <, <=, >, >=, =, != on a number column
    loss = 0.1..0.5      a range, both ends included
    opt = adam           a categorical value (=, != exact; ~ contains, any case)
    metric = nan         NaN, inf and -inf are values like any other
    diverged             no column named: a word found in the state, the failure reason or a
                         categorical value (any case)

Columns are the table's: number, state, value, duration, a parameter or a metric by name (the
longest name that starts the term wins, so names may hold spaces or operators). ValueError names
the term and what is wrong.

A selection made in the plots reaches the table apart, as trial numbers (`TrialNumbers`, written
`3-7,12,15-20`; `none` for no trial).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .frame import Frame

OPERATORS = ("<=", ">=", "!=", "<", ">", "=", "~")  # two-character ones first
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}
_LOOKS_LIKE_COMPARISON = re.compile(r"^\s*[\w.\-]+\s*(<=|>=|!=|<|>|=|~)")


@dataclass(frozen=True)
class Term:
    """One term: a column (None for free text), an operator and the text after it."""

    column: str | None
    op: str
    text: str


@dataclass(frozen=True)
class TrialNumbers:
    """A set of trial numbers as sorted, disjoint ranges (both ends included): a selection of 10,000
    trials made in the plots travels as a few ranges, not 10,000 numbers."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def parse(cls, text: str) -> TrialNumbers:
        """From `3-7,12,15-20` (`none`: no trial); ValueError naming the part that is not a number or a range."""
        text = text.strip()
        ranges: list[tuple[int, int]] = []
        for part in ([] if text == "none" else text.split(",")):
            low, dash, high = part.strip().partition("-")
            if not low.isdigit() or (dash and not high.isdigit()):
                raise ValueError(f"trials: {part.strip()!r} is not a trial number or a range a-b "
                                 "(write them as 3-7,12; none for no trial)")
            a, b = int(low), int(high) if dash else int(low)
            ranges.append((min(a, b), max(a, b)))
        merged: list[tuple[int, int]] = []
        for a, b in sorted(ranges):
            if merged and a <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        return cls(tuple(a for a, _ in merged), tuple(b for _, b in merged))

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        k = bisect.bisect_right(self.starts, number) - 1
        return k >= 0 and number <= self.ends[k]


def parse(text: str, frame: Frame) -> list[Term]:
    """The terms of a filter; ValueError for an unknown column or an operator the column cannot take."""
    columns = _columns(frame)
    names = sorted(columns, key=len, reverse=True)
    terms = []
    for raw in text.split(","):
        term = raw.strip()
        if not term:
            continue
        found = _split(term, names)
        if found is None:
            if _LOOKS_LIKE_COMPARISON.match(term):
                name = re.split(r"\s*(?:<=|>=|!=|<|>|=|~)", term, maxsplit=1)[0].strip()
                raise ValueError(f"filter {term!r}: no column named {name!r}; columns are "
                                 + ", ".join(columns))
            terms.append(Term(None, "~", term.lower()))
            continue
        name, op, value = found
        if not value:
            raise ValueError(f"filter {term!r}: nothing after {op!r}")
        if columns[name] == "number" and op == "~":
            raise ValueError(f"filter {term!r}: {name} holds numbers: use <, <=, >, >=, = or !=")
        if columns[name] == "number":
            _numbers(term, op, value)  # checked now, not once per row
        elif op in _COMPARE:
            raise ValueError(f"filter {term!r}: {name} holds text: use =, != or ~")
        terms.append(Term(name, op, value))
    return terms


def keep(frame: Frame, terms: list[Term]) -> Callable[[int], bool]:
    """A test of row i against every term."""
    columns = _columns(frame)
    tests = [_test(frame, t, columns) for t in terms]
    return lambda i: all(test(i) for test in tests)


def _columns(frame: Frame) -> dict[str, str]:
    """Column name -> "number" or "text"."""
    out = {"number": "number", "state": "text", "value": "number", "duration": "number"}
    for v in frame.variables:
        out[v.name] = "text" if v.type == "categorical" else "number"
    for m in frame.metrics:
        out.setdefault(m, "number")
    return out


def _split(term: str, names: list[str]) -> tuple[str, str, str] | None:
    for name in names:
        if not term.startswith(name):
            continue
        rest = term[len(name):].lstrip()
        for op in OPERATORS:
            if rest.startswith(op):
                return name, op, rest[len(op):].strip()
    return None


def _numbers(term: str, op: str, text: str) -> tuple[float, float]:
    """The bounds of a number term: (x, x) for one number, (a, b) for a range a..b."""
    low, dots, high = text.partition("..")
    try:
        bounds = (float(low), float(high)) if dots else (float(text), float(text))
    except ValueError:
        raise ValueError(f"filter {term!r}: {text!r} is not a number or a range a..b") from None
    if dots and op not in ("=", "!="):
        raise ValueError(f"filter {term!r}: a range a..b goes with = or !=")
    return bounds


def _column(frame: Frame, name: str) -> list[Any]:
    simple = {"number": frame.number, "state": frame.state, "value": frame.value, "duration": frame.duration}
    if name in simple:
        return simple[name]  # type: ignore[return-value]
    return frame.params[name] if name in frame.params else frame.metric_values[name]


def _test(frame: Frame, term: Term, columns: dict[str, str]) -> Callable[[int], bool]:
    if term.column is None:
        return _free_text(frame, term.text)
    values = _column(frame, term.column)
    if columns[term.column] == "text":
        wanted = term.text
        if term.op == "~":
            return lambda i: values[i] is not None and wanted.lower() in str(values[i]).lower()
        if term.op == "!=":
            return lambda i: values[i] != wanted
        return lambda i: values[i] == wanted
    low, high = _numbers(term.text, term.op, term.text)
    if term.op in ("=", "!="):
        inside = _inside(low, high)
        if term.op == "=":
            return lambda i: values[i] is not None and inside(values[i])
        return lambda i: values[i] is not None and not inside(values[i])
    compare = _COMPARE[term.op]
    return lambda i: values[i] is not None and compare(values[i], low)


def _inside(low: float, high: float) -> Callable[[float], bool]:
    if math.isnan(low) or math.isnan(high):
        return math.isnan
    return lambda v: low <= v <= high


def _free_text(frame: Frame, word: str) -> Callable[[int], bool]:
    texts = [v.name for v in frame.variables if v.type == "categorical"]

    def test(i: int) -> bool:
        if word in frame.state[i] or word in (frame.study.trials[i].reason or "").lower():
            return True
        return any(word in str(frame.params[name][i]).lower() for name in texts)

    return test
