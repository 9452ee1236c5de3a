import numpy as np

import hypered as hp
from hypered.space import Encoding, parse_params


def _encoding() -> Encoding:
    return Encoding(parse_params({
        "lr": hp.real(1e-4, 1.0, log=True),
        "n": hp.integer(1, 5),
        "c": hp.categorical(["a", "b", "c"]),
        "w": hp.integer(1, 1000, log=True),
    }).variables)


def test_columns_and_size() -> None:
    enc = _encoding()
    assert enc.n_dims == 6
    assert enc.discrete_columns == (1, 5)
    assert enc.categorical_groups == ((2, 3, 4),)
    assert Encoding(parse_params({"n": hp.integer(1, 5), "c": hp.categorical([1, 2])}).variables).size == 10
    assert enc.size is None


def test_encode_decode_round_trip() -> None:
    enc = _encoding()
    values = [{"lr": 0.01, "n": 3, "c": "b", "w": 10}, {"lr": 1e-4, "n": 5, "c": "c", "w": 1000}]
    X = enc.encode(values)
    assert np.allclose(X[0], [0.5, 0.5, 0, 1, 0, 1 / 3])
    decoded = enc.decode(X)
    assert decoded[0]["n"] == 3 and decoded[0]["c"] == "b" and decoded[0]["w"] == 10
    assert np.isclose(decoded[0]["lr"], 0.01)
    assert decoded[1] == {"lr": 1e-4, "n": 5, "c": "c", "w": 1000}


def test_project_is_idempotent_and_feasible() -> None:
    enc = _encoding()
    X = np.random.default_rng(0).random((200, enc.n_dims))
    P = enc.project(X)
    assert np.array_equal(enc.project(P), P)
    assert np.all(P[:, 2:5].sum(axis=1) == 1)
    assert np.allclose(enc.encode(enc.decode(P)), P)
