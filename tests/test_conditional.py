"""Conditional parameters end to end: optimize() with a function, and the hypered command on a config."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import run_hypered

import hypered as hp
from hypered.errors import ArgumentError, SpaceError

PY = sys.executable

BRANCHES = {
    "optimizer": hp.categorical({
        "sgd": {"lr": hp.real(0.01, 1.0), "momentum": hp.real(0.5, 0.99)},
        "adam": {"lr": hp.real(1e-4, 1e-2, log=True), "beta1": hp.real(0.8, 0.99)},
        "rmsprop": {},
    }),
    "batch": 32,
}
KEYS = {"sgd": {"optimizer", "lr", "momentum", "batch"}, "adam": {"optimizer", "lr", "beta1", "batch"},
        "rmsprop": {"optimizer", "batch"}}


def _loss(p: dict[str, Any]) -> dict[str, float]:
    assert set(p) == KEYS[p["optimizer"]], p  # a trial's params hold only its branch
    if p["optimizer"] == "sgd":
        assert 0.01 <= p["lr"] <= 1.0
        return {"loss": (p["lr"] - 0.3) ** 2 + (p["momentum"] - 0.9) ** 2}
    if p["optimizer"] == "adam":
        assert 1e-4 <= p["lr"] <= 1e-2  # the adam branch's own lr, not sgd's
        return {"loss": 0.05 + (p["beta1"] - 0.9) ** 2}
    return {"loss": 1.0}


def _sampled(study: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(study / "study.db") as conn:
        return [json.loads(s) for (s,) in conn.execute("SELECT sampled FROM trials ORDER BY number")]


def test_each_trial_gets_only_its_branch_and_the_gp_finds_the_best_one(tmp_path: Path) -> None:
    best = hp.optimize(name="c", objective=hp.minimize("loss"), params=BRANCHES, function=_loss,
                       iterations=24, random_starts=6, seed=3, directory=tmp_path)
    assert best is not None and best["params"]["optimizer"] == "sgd"
    assert best["value"] < 0.01
    sampled = _sampled(tmp_path / "c")
    assert {s["optimizer"] for s in sampled} == {"sgd", "adam", "rmsprop"}
    assert all(set(s) == KEYS[s["optimizer"]] - {"batch"} for s in sampled)
    assert len(sampled) == 24


def test_same_seed_gives_the_same_conditional_trials(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        hp.optimize(name="c", objective=hp.minimize("loss"), params=BRANCHES, function=_loss,
                    iterations=10, random_starts=4, seed=5, directory=tmp_path / folder)
    assert _sampled(tmp_path / "a" / "c") == _sampled(tmp_path / "b" / "c")


def test_nested_branches_and_integer_keys_decide_how_many_widths_exist(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []

    def layers(p: dict[str, Any]) -> float:
        seen.append(p)
        widths = [p["net"][f"w{i}"] for i in range(1, p["net"]["layers"] + 1)]
        assert set(p["net"]) == {"layers", *(f"w{i}" for i in range(1, p["net"]["layers"] + 1))} | (
            {"act"} if p["net"]["layers"] == 2 else set()) | ({"slope"} if p["net"].get("act") == "leaky" else set())
        return float(sum((w - 40) ** 2 for w in widths)) + 10 * (3 - len(widths))

    hp.optimize(name="n", objective=hp.minimize("loss"), function=layers, iterations=16, random_starts=8,
                seed=0, directory=tmp_path, params={"net": {"layers": hp.categorical({
                    1: {"w1": hp.integer(8, 64)},
                    2: {"w1": hp.integer(8, 64), "w2": hp.integer(8, 64),
                        "act": hp.categorical({"relu": {}, "leaky": {"slope": hp.real(0.01, 0.3)}})},
                    3: {"w1": hp.integer(8, 64), "w2": hp.integer(8, 64), "w3": hp.integer(8, 64)}})}})
    assert {p["net"]["layers"] for p in seen} == {1, 2, 3}
    stored = hp.load_study(tmp_path / "n")
    assert stored.space["net.w3"]["when"] == [{"net.layers": 3}]
    assert stored.space["net.slope"]["when"] == [{"net.layers": 2, "net.act": "leaky"}]
    assert stored.space["net.w1"]["when"] == [{"net.layers": 1}, {"net.layers": 2}, {"net.layers": 3}]


def test_a_finite_conditional_space_is_counted_by_its_branches(tmp_path: Path) -> None:
    hp.optimize(name="f", objective=hp.minimize("loss"), function=lambda p: float(p.get("k", 0)),
                params={"mode": hp.categorical({"a": {"k": hp.integer(1, 3)}, "b": {}})},
                iterations=20, random_starts=2, seed=0, directory=tmp_path)
    keys = [json.dumps(s, sort_keys=True) for s in _sampled(tmp_path / "f")]
    assert len(keys) == 4 == len(set(keys))  # a with k in 1..3, and b: then the study stops


def test_initial_points_give_only_their_branch(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    hp.optimize(name="i", objective=hp.minimize("loss"), params=BRANCHES, iterations=3, seed=0,
                function=lambda p: seen.append(p) or _loss(p), directory=tmp_path,
                initial=[{"optimizer": "rmsprop"}, {"optimizer": "adam", "lr": 0.001, "beta1": 0.9}])
    assert seen[0] == {"optimizer": "rmsprop", "batch": 32}
    assert seen[1] == {"optimizer": "adam", "lr": 0.001, "beta1": 0.9, "batch": 32}


@pytest.mark.parametrize(("initial", "message"), [
    ([{"optimizer": "rmsprop", "momentum": 0.9}], "momentum exists only when optimizer='sgd'"),
    ([{"optimizer": "adam", "beta1": 0.9}], "initial[0] has no value for lr"),
    ([{"optimizer": "adam", "lr": 0.5, "beta1": 0.9}], "lr=0.5 is outside real(0.0001, 0.01, log=True)"),
])
def test_bad_initial_points_name_the_parameter(tmp_path: Path, initial: list, message: str) -> None:
    with pytest.raises(ArgumentError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
                       .replace("]", r"\]")):
        hp.optimize(name="i", objective=hp.minimize("loss"), params=BRANCHES, function=_loss,
                    iterations=2, initial=initial, directory=tmp_path)


@pytest.mark.parametrize(("params", "message"), [
    ({"lr": hp.real(0, 1), "opt": hp.categorical({"sgd": {"lr": hp.real(0, 1)}})},
     "the branch opt='sgd' redefines 'lr', which its parent already has"),
    ({"a": hp.categorical({"x": {"k": hp.real(0, 1)}}), "b": hp.categorical({"y": {"k": hp.real(0, 1)}})},
     "two leaves are named 'k' and a trial can have both"),
    ({"a": hp.categorical({"x": {"k": hp.real(0, 1)}, "y": {"k": hp.integer(0, 1)}})},
     "a shared name needs the same kind of variable"),
    ({"a": hp.categorical({"x": {"out": hp.experiment_dir()}})}, "cannot be inside a conditional branch"),
])
def test_invalid_structures_are_space_errors(tmp_path: Path, params: dict, message: str) -> None:
    with pytest.raises(SpaceError, match=message):
        hp.optimize(name="e", objective=hp.minimize("loss"), params=params, function=_loss,
                    iterations=1, directory=tmp_path)


@pytest.mark.parametrize(("choices", "message"), [
    ({}, r"categorical\(\{\}\): needs at least one choice"),
    ({"sgd": 3}, "the branch of choice 'sgd' must be a dict"),
])
def test_invalid_choices_are_space_errors(choices: dict, message: str) -> None:
    with pytest.raises(SpaceError, match=message):
        hp.categorical(choices)


def _config(programs: Path, params: str, *, binary: str = "{params_path} {results_path}",
            name: str = "cond", iterations: int = 10) -> str:
    return f"""
    optimize(
        name="{name}",
        objective=minimize("loss"),
        binary="{PY} {programs / 'branches.py'} {binary}",
        random_starts=4,
        iterations={iterations},
        seed=2,
        params={params},
    )
    """


CONFIG_PARAMS = """{
            "optimizer": categorical({
                "sgd": {"lr": real(0.01, 1.0), "momentum": real(0.5, 0.99)},
                "adam": {"lr": real(1e-4, 1e-2, log=True), "beta1": real(0.8, 0.99)},
                "rmsprop": {},
            }),
        }"""


def test_the_command_runs_a_conditional_config(tmp_path: Path, programs: Path, write_config: Any) -> None:
    conf = write_config(_config(programs, CONFIG_PARAMS))
    done = run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for trial in sorted((tmp_path / "exp" / "cond").glob("trial*/")) or []:
        params = json.loads((trial / "params.json").read_text())
        assert set(params) == KEYS[params["optimizer"]] - {"batch"}
    rows = _sampled(tmp_path / "exp" / "cond")
    assert len(rows) == 10 and all(set(r) == KEYS[r["optimizer"]] - {"batch"} for r in rows)


def test_resuming_with_a_changed_branch_is_refused(tmp_path: Path, programs: Path, write_config: Any) -> None:
    conf = write_config(_config(programs, CONFIG_PARAMS, iterations=5))
    assert run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path).returncode == 0
    write_config(_config(programs, CONFIG_PARAMS.replace("real(0.5, 0.99)", "real(0.0, 0.99)"), iterations=6))
    done = run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path)
    assert done.returncode == 1 and "params.optimizer: was categorical({'sgd'" in done.stderr
    assert "'momentum': real(0.5, 0.99)" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("params", "binary", "where", "message"), [
    ('{"lr": real(0, 1), "opt": categorical({"sgd": {"lr": real(0, 1)}})}', None, "8:65",
     "the branch opt='sgd' redefines 'lr'"),
    ('{"opt": categorical({})}', None, "8:20", "categorical({}): needs at least one choice"),
    ('{"opt": categorical({"sgd": 3})}', None, "8:20", "the branch of choice 'sgd' must be a dict"),
    ('{"opt": categorical({"sgd": [1]})}', None, "8:20", "the branch of choice 'sgd' must be a dict"),
    ('{"opt": categorical({1.5: {}})}', None, "8:33", "dict keys must be strings or whole numbers"),
    (CONFIG_PARAMS, "{params_path} {results_path} {momentum}", "1:1",
     "binary refers to {momentum}, which exists only when optimizer='sgd'"),
])
def test_config_errors_point_at_the_bad_branch(tmp_path: Path, programs: Path, write_config: Any,
                                               params: str, binary: str | None, where: str, message: str) -> None:
    conf = write_config(_config(programs, params, **({"binary": binary} if binary else {})))
    done = run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"{conf}:{where}: ") or lines[0].startswith(f"hypered: {conf}:{where}: "), lines[0]
    assert message in lines[0]


def test_a_warm_start_takes_the_trials_of_the_same_structure_and_refuses_another(tmp_path: Path) -> None:
    hp.optimize(name="old", objective=hp.minimize("loss"), params=BRANCHES, function=_loss,
                iterations=6, random_starts=6, seed=1, directory=tmp_path)
    hp.optimize(name="new", objective=hp.minimize("loss"), params=BRANCHES, function=_loss,
                iterations=2, random_starts=6, seed=1, directory=tmp_path, warm_start=tmp_path / "old")
    with sqlite3.connect(tmp_path / "new" / "study.db") as conn:
        (meta,) = conn.execute("SELECT value FROM meta WHERE key = 'warm_start'").fetchone()
    assert json.loads(meta)["trials"] == 6
    changed = {"optimizer": hp.categorical({**{k: BRANCHES["optimizer"].branches[i] for i, k in
                                               enumerate(["sgd", "adam"])}, "rmsprop": {"rho": hp.real(0.8, 0.99)}})}
    with pytest.raises(ArgumentError, match="another search space"):
        hp.optimize(name="other", objective=hp.minimize("loss"), params=changed, function=_loss,
                    iterations=1, directory=tmp_path, warm_start=tmp_path / "old")


def test_a_placeholder_of_an_always_present_categorical_is_filled(tmp_path: Path, programs: Path,
                                                                  write_config: Any) -> None:
    conf = write_config(_config(programs, CONFIG_PARAMS, binary="{params_path} {results_path} {optimizer}",
                                iterations=4))
    done = run_hypered(conf, "--dir", tmp_path / "exp", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "exp" / "cond" / "study.db") as conn:
        states = [s for (s,) in conn.execute("SELECT state FROM trials")]
    assert states == ["complete"] * 4
