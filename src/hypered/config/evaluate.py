"""Safe evaluation of a config file: parsed with `ast`, never executed.

A config may hold only literals, lists, tuples, dicts, arithmetic on numbers,
and calls of hypered's own functions (`optimize`, `real`, `minimize`, ...).
Anything else is a ConfigError at its file:line:col.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..constraints import at_least, at_most
from ..early_stopping import asha
from ..errors import ConfigError, HyperedError
from ..objective import maximize, minimize
from ..space import categorical, device_id, experiment_dir, integer, params_path, real, results_path

VALUE_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "categorical": categorical,
    "asha": asha,
    "at_least": at_least,
    "at_most": at_most,
    "device_id": device_id,
    "experiment_dir": experiment_dir,
    "integer": integer,
    "maximize": maximize,
    "minimize": minimize,
    "params_path": params_path,
    "real": real,
    "results_path": results_path,
}
ALLOWED_NAMES = sorted([*VALUE_FUNCTIONS, "optimize"])

_BINARY_OPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_MAX_INT_BITS = 4096  # larger integers are surely a mistake (or an attack on memory)
MAX_CONFIG_BYTES = 1_000_000


@dataclass(frozen=True)
class OptimizeCall:
    """One `optimize(...)` of a config file: its arguments and where it stands."""

    arguments: dict[str, Any]
    path: str
    line: int
    col: int
    nodes: dict[str, ast.expr] = field(default_factory=dict, compare=False)  # each argument's expression

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, self.path, self.line, self.col)

    def error_at(self, argument: str, steps: Sequence[Any], message: str) -> ConfigError:
        """A ConfigError at the part of `argument` that `steps` (list indexes, dict keys) lead to,
        or as near to it as the file's expressions go."""
        node = self.nodes.get(argument)
        if node is None:
            return self.error(message)
        for step in steps:
            inner = _part(node, step)
            if inner is None:
                break
            node = inner
        return _error(node, self.path, message)


def _part(node: ast.expr, step: Any) -> ast.expr | None:
    """The element `step` of a list or tuple expression, or the value at key `step` of a dict one
    (also of the dict a `categorical({...})` call is given: its choices' branches)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "categorical" \
            and node.args and isinstance(node.args[0], ast.Dict):
        node = node.args[0]
    if isinstance(node, (ast.List, ast.Tuple)) and isinstance(step, int) and step < len(node.elts):
        return node.elts[step]
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == step and type(key.value) is type(step):
                return value
    return None


def evaluate_config(source: str, path: str) -> list[OptimizeCall]:
    """The `optimize(...)` calls of a config's text, in order; ConfigError on anything unsafe."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as err:
        raise ConfigError(f"syntax error: {err.msg}", path, err.lineno or 0, err.offset or 0) from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise ConfigError(f"cannot parse: {err}", path) from None
    calls = []
    for statement in tree.body:
        if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                and isinstance(statement.value.func, ast.Name)
                and statement.value.func.id == "optimize"):
            raise _error(statement, path, "only optimize(...) calls may stand at the top level "
                                          "of a config file")
        try:
            calls.append(_optimize_call(statement.value, path))
        except RecursionError:
            raise _error(statement, path, "expression nested too deeply") from None
    if not calls:
        raise ConfigError("no optimize(...) call: nothing to run", path)
    return calls


def _optimize_call(node: ast.Call, path: str) -> OptimizeCall:
    if node.args:
        raise _error(node.args[0], path, "give optimize() its arguments by name, e.g. name=\"...\"")
    arguments: dict[str, Any] = {}
    nodes: dict[str, ast.expr] = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise _error(keyword, path, "**-unpacking is not allowed in a config file")
        if keyword.arg in arguments:
            raise _error(keyword, path, f"optimize() argument {keyword.arg!r} given twice")
        arguments[keyword.arg] = _value(keyword.value, path)
        nodes[keyword.arg] = keyword.value
    return OptimizeCall(arguments, path, node.lineno, node.col_offset + 1, nodes)


def _error(node: ast.AST, path: str, message: str) -> ConfigError:
    return ConfigError(message, path, getattr(node, "lineno", 0),
                       getattr(node, "col_offset", -1) + 1)


def _value(node: ast.expr, path: str) -> Any:
    """The value of an allowed expression."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, (str, int, float, bool)) or node.value is None:
            return node.value
        raise _error(node, path, f"{type(node.value).__name__} literals are not allowed")
    if isinstance(node, (ast.List, ast.Tuple)):
        return [_value(item, path) for item in _no_starred(node.elts, path)]
    if isinstance(node, ast.Dict):
        out = {}
        for key, item in zip(node.keys, node.values):
            if key is None:
                raise _error(item, path, "**-unpacking is not allowed in a config file")
            k = _value(key, path)
            if isinstance(k, float) or not isinstance(k, (str, int)):  # int keys: categorical({1: {...}})
                raise _error(key, path, f"dict keys must be strings or whole numbers, got {k!r}")
            out[k] = _value(item, path)
        return out
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _number(node.operand, path)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY_OPS:
        return _arithmetic(node, path)
    if isinstance(node, ast.Call):
        return _call(node, path)
    if isinstance(node, ast.Name):
        raise _error(node, path, f"unknown name {node.id!r}; a config may call only "
                                 f"{', '.join(ALLOWED_NAMES)} (quote strings)")
    raise _error(node, path, f"{_describe(node)} is not allowed in a config file")


def _describe(node: ast.AST) -> str:
    names = {ast.Attribute: "attribute access", ast.Lambda: "lambda", ast.Subscript: "indexing",
             ast.JoinedStr: "an f-string", ast.Compare: "a comparison", ast.BoolOp: "and/or",
             ast.IfExp: "if-else", ast.ListComp: "a comprehension", ast.Set: "a set",
             ast.NamedExpr: "an assignment expression"}
    return names.get(type(node), f"`{ast.unparse(node)[:40]}`")


def _no_starred(items: list[ast.expr], path: str) -> list[ast.expr]:
    for item in items:
        if isinstance(item, ast.Starred):
            raise _error(item, path, "*-unpacking is not allowed in a config file")
    return items


def _number(node: ast.expr, path: str) -> int | float:
    value = _value(node, path)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _error(node, path, f"arithmetic works on numbers only, got {value!r}")
    return value


def _arithmetic(node: ast.BinOp, path: str) -> int | float:
    left, right = _number(node.left, path), _number(node.right, path)
    if isinstance(node.op, ast.Pow) and left not in (0, 1, -1):
        bits = abs(right) * math.log2(abs(left)) if left else 0
        if bits > _MAX_INT_BITS:
            raise _error(node, path, f"{left!r} ** {right!r} is too large")
    try:
        result: int | float | complex = _BINARY_OPS[type(node.op)](left, right)
    except (ArithmeticError, ValueError) as err:
        raise _error(node, path, f"cannot compute `{ast.unparse(node)}`: {err}") from None
    if isinstance(result, complex):
        raise _error(node, path, f"`{ast.unparse(node)}` is not a real number")
    if isinstance(result, int) and result.bit_length() > _MAX_INT_BITS:
        raise _error(node, path, f"`{ast.unparse(node)}` is too large")
    return result


def _call(node: ast.Call, path: str) -> Any:
    if not isinstance(node.func, ast.Name):
        raise _error(node.func, path, f"{_describe(node.func)} is not allowed in a config file")
    name = node.func.id
    if name == "optimize":
        raise _error(node, path, "optimize(...) may only stand at the top level")
    function = VALUE_FUNCTIONS.get(name)
    if function is None:
        raise _error(node.func, path, f"unknown function {name!r}; a config may call only "
                                      f"{', '.join(ALLOWED_NAMES)}")
    args = [_value(arg, path) for arg in _no_starred(node.args, path)]
    kwargs = {}
    for keyword in node.keywords:
        if keyword.arg is None:
            raise _error(keyword, path, "**-unpacking is not allowed in a config file")
        kwargs[keyword.arg] = _value(keyword.value, path)
    try:
        return function(*args, **kwargs)
    except TypeError as err:
        raise _error(node, path, f"{name}(): {_type_error(err)}") from None
    except (HyperedError, ValueError) as err:
        raise _error(node, path, str(err)) from None


def _type_error(err: TypeError) -> str:
    """A TypeError about arguments, without the function's qualified name in front."""
    text = str(err)
    return text.split("() ", 1)[1] if "() " in text else text
