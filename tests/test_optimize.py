"""The library API: hp.optimize(..., function=f) and its arguments."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from pathlib import Path

import pytest

import hypered as hp
from hypered.errors import ArgumentError, SpaceError


def _seed_example(params: dict) -> dict:
    if params["option"] == "first":
        return {"loss": (params["x"] - 5) ** 2}
    return {"loss": abs(params["x"] - 3) - 2}


def test_optimize_a_function_returns_the_best_trial(tmp_path: Path) -> None:
    best = hp.optimize(
        name="seed", objective=hp.minimize("loss"),
        params={"option": hp.categorical(["first", "second"]), "x": hp.real(-10, 10)},
        function=_seed_example, iterations=25, seed=0, directory=tmp_path,
    )
    assert best is not None
    assert set(best) >= {"params", "results", "value", "experiment_dir"}
    assert best["value"] == best["results"]["loss"] < -1.5
    assert best["params"]["option"] == "second"
    assert Path(best["experiment_dir"]).is_dir()
    assert json.loads((tmp_path / "seed" / "best.json").read_text())["value"] == best["value"]


def test_maximize_a_dotted_metric_and_a_function_returning_a_number(tmp_path: Path) -> None:
    best = hp.optimize(name="max", objective=hp.maximize("val.acc"), params={"x": hp.real(0, 1)},
                       function=lambda p: {"val": {"acc": 1 - (p["x"] - 0.3) ** 2}},
                       iterations=12, random_starts=4, seed=1, directory=tmp_path)
    assert best is not None and best["value"] > 0.95
    best = hp.optimize(name="num", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=lambda p: (p["x"] - 0.3) ** 2, iterations=6, random_starts=3,
                       seed=1, directory=tmp_path)
    assert best is not None and best["results"] == {"loss": best["value"]}


def test_fixed_values_and_utilities_reach_the_function(tmp_path: Path) -> None:
    seen: list[dict] = []

    def record(params: dict) -> dict:
        seen.append(params)
        return {"loss": params["model"]["lr"]}

    hp.optimize(
        name="utils", objective=hp.minimize("loss"),
        params={"model": {"lr": hp.real(1e-4, 1, log=True), "depth": 3},
                "dir": hp.experiment_dir(), "p": hp.params_path(), "r": hp.results_path(),
                "gpu": hp.device_id(3)},
        function=record, iterations=7, random_starts=3, seed=2, directory=tmp_path,
    )
    assert [p["gpu"] for p in seen] == [0, 1, 2, 0, 1, 2, 0]  # round robin
    for params in seen:
        assert params["model"]["depth"] == 3
        folder = Path(params["dir"])
        assert folder.parent == (tmp_path / "utils").absolute()
        assert params["p"] == str(folder / "params.json") and params["r"] == str(folder / "results.json")
        assert json.loads(Path(params["p"]).read_text()) == params


def test_same_seed_gives_the_same_trials(tmp_path: Path) -> None:
    def run(directory: Path) -> list:
        hp.optimize(name="s", objective=hp.minimize("loss"),
                    params={"x": hp.real(-1, 1), "n": hp.integer(1, 9), "c": hp.categorical(["a", "b"])},
                    function=lambda p: {"loss": p["x"] ** 2 + p["n"] + (p["c"] == "a")},
                    iterations=14, random_starts=5, seed=42, directory=directory)
        with sqlite3.connect(directory / "s" / "study.db") as conn:
            return conn.execute("SELECT sampled FROM trials ORDER BY number").fetchall()

    assert run(tmp_path / "a") == run(tmp_path / "b")


def test_a_finite_space_is_exhausted_and_the_study_stops(tmp_path: Path) -> None:
    best = hp.optimize(name="tiny", objective=hp.minimize("loss"),
                       params={"n": hp.integer(0, 1), "c": hp.categorical(["a", "b"])},
                       function=lambda p: {"loss": p["n"] + (p["c"] == "b")},
                       iterations=20, random_starts=2, seed=0, directory=tmp_path)
    with sqlite3.connect(tmp_path / "tiny" / "study.db") as conn:
        rows = conn.execute("SELECT sampled FROM trials").fetchall()
    assert len(rows) == len(set(rows)) == 4
    assert best is not None and best["value"] == 0


@pytest.mark.parametrize("kwargs, error, message", [
    ({"binary": None}, ArgumentError, "exactly one of binary"),
    ({"binary": "python3 x.py", "function": print}, ArgumentError, "exactly one of binary"),
    ({"iterations": 0}, ArgumentError, "iterations must be at least 1"),
    ({"iterations": "10"}, ArgumentError, "iterations must be a whole number"),
    ({"kernel": "Linear"}, ArgumentError, "kernel='Linear' is unknown"),
    ({"acquisition_fn": "MES"}, ArgumentError, "acquisition_fn='MES' is unknown"),
    ({"kernel_scale": -1.0}, ArgumentError, "kernel_scale must be a positive number"),
    ({"name": "../escape"}, ArgumentError, "no slashes"),
    ({"objective": "loss"}, ArgumentError, "objective must be minimize"),
    ({"params": {"x": hp.real(0, 1), "y": object()}}, SpaceError, r"params\['y'\]: .* is neither"),
])
def test_invalid_arguments_are_value_errors_naming_the_argument(kwargs, error, message,
                                                                tmp_path: Path) -> None:
    arguments = {"name": "bad", "objective": hp.minimize("loss"), "params": {"x": hp.real(0, 1)},
                 "function": lambda p: 0.0, "directory": tmp_path, **kwargs}
    if arguments.get("binary") is None and "binary" in kwargs:
        arguments.pop("function")
    with pytest.raises(error, match=message):
        hp.optimize(**arguments)
    assert issubclass(error, ValueError)


def test_binary_values_are_substituted_as_single_arguments(tmp_path: Path, programs: Path) -> None:
    script = tmp_path / "echo_args.py"
    script.write_text("import json, sys\njson.dump({'loss': 0.0, 'argv': sys.argv[1:]}, "
                      "open(sys.argv[1], 'w'))\n")
    best = hp.optimize(
        name="argv", objective=hp.minimize("loss"),
        params={"x": hp.categorical(["a b; rm -rf /", "$(touch pwned)"]), "n": 3},
        binary=f"{sys.executable} {script} {{results_path}} --x {{x}} --n={{n}} lit{{n}}",
        iterations=2, random_starts=2, seed=0, directory=tmp_path, cwd=tmp_path,
    )
    assert best is not None
    argv = best["results"]["argv"]
    assert argv[1] == "--x" and argv[2] in ("a b; rm -rf /", "$(touch pwned)")
    assert argv[3:] == ["--n=3", "lit3"]
    assert not (tmp_path / "pwned").exists()


def test_parallel_function_calls_run_in_threads_at_once(tmp_path: Path) -> None:
    import threading
    import time

    running, peak, lock = [0], [0], threading.Lock()

    def slow(params: dict) -> float:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.2)
        with lock:
            running[0] -= 1
        return (params["x"] - 0.5) ** 2

    best = hp.optimize(name="threads", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=slow, iterations=12, random_starts=4, parallel=3, seed=0,
                       directory=tmp_path)
    assert best is not None and peak[0] == 3
    with sqlite3.connect(tmp_path / "threads" / "study.db") as conn:
        states = [s for (s,) in conn.execute("SELECT state FROM trials")]
    assert states == ["complete"] * 12


def test_the_lock_names_no_holder_once_the_study_is_done(tmp_path: Path) -> None:
    hp.optimize(name="done", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                function=lambda p: p["x"], iterations=2, random_starts=2, directory=tmp_path)
    assert (tmp_path / "done" / "study.lock").read_text() == ""


def test_config_files_accept_exactly_the_arguments_of_optimize() -> None:
    import inspect

    from hypered.study.spec import SPEC_ARGUMENTS, make_spec

    assert tuple(inspect.signature(hp.optimize).parameters) == SPEC_ARGUMENTS
    defaults = {n: p.default for n, p in inspect.signature(hp.optimize).parameters.items()}
    assert defaults == {n: p.default for n, p in inspect.signature(make_spec).parameters.items()}


def test_a_noisy_objective_gets_the_best_posterior_mean_not_the_luckiest_draw(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)

    def noisy(params: dict) -> float:
        return (params["x"] - 0.3) ** 2 + float(rng.normal(0, 0.3))

    best = hp.optimize(name="noisy", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=noisy, iterations=25, seed=0, directory=tmp_path)
    assert best is not None
    assert re.fullmatch(r"best posterior mean \(trial 23 repeated trial \d+'s values and got another value\)",
                        best["recommended_by"])
    assert best["noise_std"] > 0.05 and best["posterior_mean"] is not None
    observed = best["best_observed"]
    assert observed["value"] <= best["value"]  # the luckiest draw is still shown
    stored = hp.load_study(tmp_path / "noisy")
    assert stored.best is not None and stored.best.number == best["trial"]
    assert stored.best_summary() == json.loads((tmp_path / "noisy" / "best.json").read_text()) == best


def test_a_deterministic_objective_gets_its_best_observed_trial(tmp_path: Path) -> None:
    best = hp.optimize(name="clean", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=lambda p: (p["x"] - 0.3) ** 2, iterations=15, seed=0, directory=tmp_path)
    assert best is not None
    assert best["recommended_by"] == "best observed value (the objective does not look noisy)"
    assert best["best_observed"] == {"trial": best["trial"], "value": best["value"]}
    trials = hp.load_study(tmp_path / "clean").trials
    assert len({t.values["x"] for t in trials}) == 15  # a clean fit: no trial spent on a repeat


def test_a_rough_deterministic_objective_is_found_deterministic_by_repeating_a_trial(tmp_path: Path) -> None:
    def rough(params: dict) -> float:  # deterministic, with steps the GP's fit takes for noise
        return abs(params["x"] - 0.3) + 0.2 * float(int(params["x"] * 40) % 2)

    best = hp.optimize(name="rough", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=rough, iterations=15, seed=0, directory=tmp_path)
    assert best is not None and best["recommended_by"].startswith("best observed value (trial 14 repeated")
    assert best["best_observed"] == {"trial": best["trial"], "value": best["value"]}
    trials = hp.load_study(tmp_path / "rough").trials
    repeated = trials[-1]  # the last trial of the budget
    original = [t for t in trials if t.values == repeated.values and t.number != 14]
    assert len(original) == 1 and original[0].value == repeated.value  # the best before it
    assert original[0].value == min(t.value for t in trials[:14] if t.value is not None)
    assert repeated.key == f"{original[0].key}-2"  # its own folder, beside the first one's
    assert len({t.values["x"] for t in trials}) == 14  # one repeat, never another


def test_a_noisy_objective_runs_its_best_candidate_again_before_the_study_ends(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(1)
    best = hp.optimize(name="noisy", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=lambda p: (p["x"] - 0.3) ** 2 + float(rng.normal(0, 0.2)),
                       iterations=30, seed=0, directory=tmp_path)
    assert best is not None and best["recommended_by"].startswith("best posterior mean (trial 27 repeated")
    trials = hp.load_study(tmp_path / "noisy").trials
    assert len({t.values["x"] for t in trials[:27]}) == 27  # new points until the last tenth of the budget
    for trial in trials[27:]:  # then: the best observed once, and the best posterior mean after it
        assert any(t.values == trial.values for t in trials[:trial.number])


def test_the_model_judges_noise_when_no_trial_was_repeated(tmp_path: Path) -> None:
    best = hp.optimize(name="short", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=lambda p: (p["x"] - 0.3) ** 2, iterations=9, seed=0, directory=tmp_path)
    assert best is not None
    assert best["recommended_by"] == "best observed value (the objective does not look noisy)"


def test_noisy_false_recommends_the_best_observed_trial_of_a_noisy_objective(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.default_rng(0)

    def noisy(params: dict) -> float:  # the objective of the test above, which the model calls noisy
        return (params["x"] - 0.3) ** 2 + float(rng.normal(0, 0.3))

    best = hp.optimize(name="told", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=noisy, iterations=25, seed=0, directory=tmp_path, noisy=False)
    assert best is not None and best["recommended_by"] == "best observed value (noisy=False)"
    assert best["best_observed"] == {"trial": best["trial"], "value": best["value"]}
    assert best["posterior_mean"] is None
    stored = hp.load_study(tmp_path / "told")
    assert stored.best_summary() == best


def test_noisy_true_recommends_the_best_posterior_mean_of_a_rough_deterministic_objective(tmp_path: Path) -> None:
    def rough(params: dict) -> float:  # deterministic, with a kink the model smooths over
        return abs(params["x"] - 0.3) + 0.05 * float(int(params["x"] * 40) % 2)

    best = hp.optimize(name="told", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                       function=rough, iterations=12, seed=0, directory=tmp_path, noisy=True)
    assert best is not None and best["recommended_by"] == "best posterior mean (noisy=True)"
    assert best["posterior_mean"] is not None and best["noise_std"] is not None


def test_noisy_must_be_a_bool_or_none(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match=r"noisy='yes': give True"):
        hp.optimize(name="bad", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                    function=lambda p: p["x"], iterations=2, directory=tmp_path, noisy="yes")  # type: ignore[arg-type]


def test_a_resumed_study_makes_the_choices_an_uninterrupted_one_makes(tmp_path: Path) -> None:
    def quadratic(params: dict) -> float:
        return (params["x"] - 0.3) ** 2 + (params["y"] - 2) ** 2

    kwargs = dict(objective=hp.minimize("loss"), params={"x": hp.real(0, 1), "y": hp.integer(0, 5)},
                  function=quadratic, random_starts=3, seed=7, directory=tmp_path)
    hp.optimize(name="whole", iterations=8, **kwargs)
    hp.optimize(name="parts", iterations=5, **kwargs)
    hp.optimize(name="parts", iterations=8, **kwargs)  # resumed
    whole, parts = hp.load_study(tmp_path / "whole"), hp.load_study(tmp_path / "parts")
    assert [t.values for t in whole.trials] == [t.values for t in parts.trials]
