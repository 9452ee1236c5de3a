import pytest

import hypered as hp
from hypered.space import TrialContext, lookup, parse_params


def test_nested_params_split_into_variables_utilities_and_fixed_values() -> None:
    tree = parse_params({
        "model": {"lr": hp.real(1e-4, 1e-1, log=True), "layers": hp.integer(1, 4)},
        "opt": hp.categorical(["adam", "sgd"]),
        "epochs": 3,
        "out": hp.experiment_dir(),
    })
    assert tree.names == ("model.lr", "model.layers", "opt")
    assert [name for name, _ in tree.utilities] == ["out"]
    context = TrialContext("/tmp/t", "/tmp/t/params.json", "/tmp/t/results.json", 0, {})
    built = tree.build({"model.lr": 0.01, "model.layers": 2, "opt": "sgd"}, context)
    assert built == {"model": {"lr": 0.01, "layers": 2}, "opt": "sgd", "epochs": 3, "out": "/tmp/t"}


@pytest.mark.parametrize("params, message", [
    ({}, "no search variable"),
    ({"x": 1}, "no search variable"),
    ([hp.real(0, 1)], "must be a dict"),
    ({"a.b": hp.real(0, 1)}, "must not contain '.'"),
    ({"x": hp.real(0, 1), "f": print}, "neither a search variable"),
    ({"x": hp.real(0, 1), "n": float("nan")}, "neither a search variable"),
])
def test_malformed_params_are_rejected(params, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_params(params)


def test_lookup_reaches_nested_results_and_says_what_is_missing() -> None:
    results = {"val": {"loss": 0.5, "acc": 0.9}, "train.loss": 1.0}
    assert lookup(results, "val.loss") == 0.5
    assert lookup(results, "train.loss") == 1.0
    with pytest.raises(KeyError, match=r"val has no 'los' \(found: loss, acc\)"):
        lookup(results, "val.los")
    with pytest.raises(KeyError, match="the results has no 'test'"):
        lookup(results, "test.loss")


def test_check_values_rejects_out_of_range() -> None:
    tree = parse_params({"x": hp.real(0, 1), "n": hp.integer(1, 3), "c": hp.categorical(["a"])})
    tree.check_values({"x": 0.5, "n": 2, "c": "a"})
    for bad in ({"x": 2.0, "n": 2, "c": "a"}, {"x": 0.5, "n": 2.5, "c": "a"},
                {"x": 0.5, "n": 2, "c": "b"}, {"x": 0.5, "n": 2}):
        with pytest.raises(ValueError):
            tree.check_values(bad)
