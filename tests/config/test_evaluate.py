"""Config files are evaluated safely: only literals, arithmetic and hypered's own calls."""

from pathlib import Path

import pytest

from hypered.config import evaluate_config, load_config
from hypered.errors import ConfigError
from hypered.objective import Direction
from hypered.space import Real

GOOD = """
# a comment
optimize(
    name="s",
    objective=maximize("val.acc"),
    binary="python3 train.py {params_path} {results_path}",
    params={"lr": real(10 ** -4, 1e-1, log=True), "n": integer(1, 2 * 8),
            "c": categorical(["a", True, None, -1.5]), "fixed": [1, (2, 3)], "gpu": device_id(2)},
    iterations=-(-20),
)
"""


def test_a_good_config_gives_the_optimize_arguments() -> None:
    [call] = evaluate_config(GOOD, "s.conf")
    args = call.arguments
    assert args["name"] == "s" and args["iterations"] == 20
    assert args["objective"].direction is Direction.MAXIMIZE
    assert args["params"]["lr"] == Real(1e-4, 0.1, True)
    assert args["params"]["n"].high == 16
    assert args["params"]["fixed"] == [1, [2, 3]]
    assert (call.line, call.col) == (3, 1)


HOSTILE = [
    ("__import__('os').system('touch pwned')", "1:1", "only optimize(...) calls"),
    ("optimize(name=__import__('os'))", "1:15", "unknown function '__import__'"),
    ("optimize(name=open('/etc/passwd').read())", "1:15", "attribute access is not allowed"),
    ("optimize(name=().__class__)", "1:15", "attribute access is not allowed"),
    ("optimize(name=os)", "1:15", "unknown name 'os'"),
    ("optimize(name=lambda: 1)", "1:15", "lambda is not allowed"),
    ("optimize(name=9 ** 9 ** 9)", "1:15", "too large"),
    ("optimize(name=10 ** 100000)", "1:15", "too large"),
    ("optimize(name='a' * 10 ** 9)", "1:15", "arithmetic works on numbers only"),
    ("optimize(name=[x for x in range(9)])", "1:15", "comprehension is not allowed"),
    ("optimize(name=f'{1}')", "1:15", "f-string is not allowed"),
    ("optimize(name=real.__globals__)", "1:15", "attribute access is not allowed"),
    ("optimize(**{'name': 1})", "1:10", "unpacking is not allowed"),
    ("import os", "1:1", "only optimize(...) calls"),
    ("x = 1", "1:1", "only optimize(...) calls"),
    ("optimize(name=1 / 0)", "1:15", "division by zero"),
    ("optimize(name=real(5, 1))", "1:15", "real(low=5, high=1): low must be below high"),
    ("optimize(name=real(1))", "1:15", "real(): missing 1 required positional argument"),
    ("optimize(name=optimize())", "1:15", "only stand at the top level"),
    ("optimize(\n  name='x',\n  params={'x': real(0, 'a')})", "3:16", "high must be a number"),
    ("optimize(name=b'x')", "1:15", "bytes literals are not allowed"),
    ("optimize(name='x'", "1:9", "syntax error"),
    ("", "", "no optimize(...) call"),
]


@pytest.mark.parametrize("source, where, message", HOSTILE)
def test_hostile_and_wrong_configs_are_rejected_with_location(source, where, message,
                                                               tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        evaluate_config(source, "bad.conf")
    text = str(info.value)
    assert text.startswith(f"bad.conf:{where}: " if where else "bad.conf: "), text
    assert message in text
    assert not (tmp_path / "pwned").exists()


def test_deep_nesting_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        evaluate_config("optimize(name=" + "[" * 5000 + "]" * 5000 + ")", "deep.conf")


def test_load_config_checks_arguments_at_the_call(tmp_path: Path) -> None:
    conf = tmp_path / "t.conf"
    conf.write_text('\n\noptimize(name="a", objective=minimize("loss"), binary="python3 x.py",\n'
                    '         params={"x": real(0, 1)}, iteratons=3)\n')
    with pytest.raises(ConfigError, match=r"t.conf:3:1: optimize\(\) has no argument 'iteratons'"):
        load_config(conf)
    conf.write_text('optimize(name="a", objective=minimize("loss"), binary="nope-not-a-program {x}",'
                    ' params={"x": real(0, 1)})\n')
    with pytest.raises(ConfigError, match="t.conf:1:1: binary: program 'nope-not-a-program' not found"):
        load_config(conf)
    conf.write_text('optimize(name="a", objective=minimize("loss"), binary="python3 {y}",'
                    ' params={"x": real(0, 1)})\n')
    with pytest.raises(ConfigError, match=r"binary refers to \{y\}"):
        load_config(conf)
    conf.write_text('optimize(name="a", objective=minimize("loss"), binary="python3 x.py",'
                    ' params={"x": real(0, 1)}, kernel="Linear")\n')
    with pytest.raises(ConfigError, match="kernel='Linear' is unknown; choose one of"):
        load_config(conf)


def test_cwd_defaults_to_the_config_folder(tmp_path: Path) -> None:
    conf = tmp_path / "sub" / "t.conf"
    conf.parent.mkdir()
    (conf.parent / "x.py").write_text("")  # the script is looked for in the folder binary runs in
    (tmp_path / "x.py").write_text("")
    conf.write_text('optimize(name="a", objective=minimize("loss"), binary="python3 x.py",'
                    ' params={"x": real(0, 1)})\noptimize(name="b", objective=minimize("loss"),'
                    ' binary="python3 x.py", params={"x": real(0, 1)}, cwd="..")\n')
    first, second = load_config(conf)
    assert first.cwd == conf.parent
    assert second.cwd.resolve() == tmp_path.resolve()


def test_missing_and_unreadable_config_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing.conf: config file not found"):
        load_config(tmp_path / "missing.conf")
    (tmp_path / "bin.conf").write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / "bin.conf")
