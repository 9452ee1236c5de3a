import pytest

import hypered as hp
from hypered.errors import SpaceError


@pytest.mark.parametrize("make, message", [
    (lambda: hp.real(5, 1), "low must be below high"),
    (lambda: hp.real(1, 1), "low must be below high"),
    (lambda: hp.real(0, 1, log=True), "log scale needs low > 0"),
    (lambda: hp.real(-1, 1, log=True), "log scale needs low > 0"),
    (lambda: hp.real("a", 1), "low must be a number"),
    (lambda: hp.real(0, float("inf")), "high must be finite"),
    (lambda: hp.real(True, 3), "low must be a number"),
    (lambda: hp.integer(1.5, 3), "low must be a whole number"),
    (lambda: hp.integer(3, 3), "low must be below high"),
    (lambda: hp.integer(0, 10, log=True), "log scale needs low > 0"),
    (lambda: hp.categorical([]), "at least one choice"),
    (lambda: hp.categorical(["a", "a"]), "duplicate choice 'a'"),
    (lambda: hp.categorical("abc"), "must be a list"),
    (lambda: hp.categorical([object()]), "is not a JSON value"),
])
def test_invalid_definitions_raise_value_error(make, message) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_space_error_is_a_value_error() -> None:
    assert issubclass(SpaceError, ValueError)


def test_categorical_takes_any_json_values_and_tells_true_from_1() -> None:
    var = hp.categorical(["a", 1, 2.5, True, None, [1, 2], {"k": "v"}])
    assert var.index(True) == 3
    assert var.index(1) == 1
    assert var.index(None) == 4
    assert var.index({"k": "v"}) == 6


def test_integer_accepts_whole_floats() -> None:
    var = hp.integer(1.0, 8.0)
    assert (var.low, var.high, var.size) == (1, 8, 8)


def test_variables_round_trip_through_their_stored_form() -> None:
    from hypered.space import variable_from_dict
    for var in (hp.real(1e-4, 1, log=True), hp.integer(1, 9), hp.categorical(["a", None, 2])):
        assert variable_from_dict(var.as_dict()) == var


def test_numpy_numbers_are_accepted_as_plain_ones() -> None:
    import numpy as np

    var = hp.integer(np.int64(1), np.int64(5))
    assert (var.low, var.high) == (1, 5) and type(var.low) is int and type(var.high) is int
    assert hp.integer(np.uint8(2), np.int32(9)).as_dict() == {"type": "integer", "low": 2, "high": 9, "log": False}
    assert type(hp.real(np.float32(0.5), 2).low) is float
    with pytest.raises(SpaceError, match="whole number"):
        hp.integer(np.float64(1.5), 3)
    with pytest.raises(SpaceError, match="whole number"):
        hp.integer(np.bool_(True), 3)
