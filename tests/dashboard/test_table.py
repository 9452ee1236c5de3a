"""The trial table's API: filters, the page holding a trial, NaN and infinities shown as such."""

from __future__ import annotations

from typing import Any

import pytest
from dashboard_helpers import write_db

from hypered.dashboard.api import Dashboard
from hypered.trial import TrialState

SPACE = {"lr": {"type": "real", "low": 1e-4, "high": 1.0, "log": True},
         "layers": {"type": "integer", "low": 1, "high": 8, "log": False},
         "opt": {"type": "categorical", "choices": ["adam", "sgd"]}}
ODD = [float("nan"), float("inf"), float("-inf")]


@pytest.fixture(scope="module")
def dash(tmp_path_factory: pytest.TempPathFactory) -> Dashboard:
    root = tmp_path_factory.mktemp("table")
    trials: list[dict[str, Any]] = []
    for i in range(30):
        values = {"lr": 10 ** (-4 + 4 * i / 29), "layers": 1 + i % 8, "opt": ["adam", "sgd"][i % 2]}
        if i % 10 == 9:
            trials.append({"values": values, "state": TrialState.FAILED, "reason": f"run {i} diverged at step 7"})
        else:
            trials.append({"values": values, "value": float(i), "results": {"loss": float(i), "odd": ODD[i % 3]}})
    write_db(root / "s", SPACE, {"name": "loss", "direction": "minimize"}, trials)
    return Dashboard(root)


def table(dash: Dashboard, **query: str) -> dict[str, Any]:
    status, payload = dash.handle(["studies", "s", "table"], query)
    assert status == 200
    return payload


def numbers(page: dict[str, Any]) -> list[int]:
    return [r["number"] for r in page["rows"]]


def test_comparisons_ranges_and_categories(dash: Dashboard) -> None:
    assert numbers(table(dash, filter="layers >= 7")) == [i for i in range(30) if 1 + i % 8 >= 7]
    assert numbers(table(dash, filter="loss = 3..5")) == [3, 4, 5]
    assert numbers(table(dash, filter="opt = sgd, layers < 3")) == [i for i in range(30) if i % 2 and 1 + i % 8 < 3]
    assert numbers(table(dash, filter="opt ~ AD, number != 0..25")) == [26, 28]
    assert numbers(table(dash, filter="lr <= 1e-3")) == [i for i in range(30) if 10 ** (-4 + 4 * i / 29) <= 1e-3]


def test_free_text_finds_reasons_and_choices(dash: Dashboard) -> None:
    assert numbers(table(dash, filter="diverged")) == [9, 19, 29]
    assert numbers(table(dash, filter="failed, STEP 7")) == [9, 19, 29]
    assert table(dash, filter="sgd")["total"] == 15


def test_nan_and_infinities_are_values(dash: Dashboard) -> None:
    page = table(dash, sort="metric:odd", limit="500")
    odd = [r["metrics"]["odd"] for r in page["rows"]]
    assert odd[:9] == ["-Infinity"] * 9 and odd[9:18] == ["Infinity"] * 9
    assert odd[18:27] == ["NaN"] * 9 and odd[27:] == [None] * 3  # NaN after the numbers, missing last
    assert numbers(table(dash, filter="odd = nan")) == [0, 3, 6, 12, 15, 18, 21, 24, 27]
    assert numbers(table(dash, filter="odd > 0")) == [1, 4, 7, 10, 13, 16, 22, 25, 28]
    best = dash.handle(["studies", "s"], {})[1]["best"]
    assert best["metrics"]["odd"] == "NaN"  # trial 0, not null
    trial = dash.handle(["studies", "s", "trials", "1"], {})[1]
    assert trial["results_text"] == '{\n  "loss": 1.0,\n  "odd": Infinity\n}'
    columns = dash.handle(["studies", "s", "columns"], {})[1]
    assert columns["metrics"]["odd"][:3] == [None, None, None]  # missing on the plots


def test_the_page_holding_a_trial(dash: Dashboard) -> None:
    page = table(dash, sort="value", order="desc", limit="5", around="#7")
    assert page["found"] == 7 and page["offset"] == 15 and 7 in numbers(page)
    missing = table(dash, limit="5", offset="10", around="9", state="complete")
    assert missing["found"] is None and missing["offset"] == 10


@pytest.mark.parametrize(("text", "message"), [
    ("lrr < 1", "no column named 'lrr'"),
    ("opt < 1", "opt holds text"),
    ("lr < big", "'big' is not a number"),
    ("lr > 1..2", "a range a..b goes with = or !="),
    ("layers =", "nothing after '='"),
])
def test_a_filter_that_cannot_be_read_says_why(dash: Dashboard, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        table(dash, filter=text)


def test_column_names_may_hold_spaces_and_operators(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("names")
    space = {"lr": {"type": "real", "low": 0, "high": 1, "log": False},
             "lr < x": {"type": "real", "low": 0, "high": 1, "log": False}}
    trials = [{"values": {"lr": i / 10, "lr < x": 1 - i / 10}, "value": float(i),
               "results": {"loss": float(i), "val acc": i / 10}} for i in range(10)]
    write_db(root / "s", space, {"name": "loss", "direction": "minimize"}, trials)
    dash = Dashboard(root)
    assert numbers(table(dash, filter="lr < x < 0.25")) == [8, 9]  # the longest name that starts the term
    assert numbers(table(dash, filter="lr < 0.25")) == [0, 1, 2]
    assert numbers(table(dash, filter="val acc >= 0.75")) == [8, 9]


def test_a_pruned_trial_shows_its_last_report_but_is_never_the_best(tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("pruned")
    x = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
    trials: list[dict[str, Any]] = [{"values": {"x": i / 4}, "value": 5.0 - i} for i in range(3)]
    trials.append({"values": {"x": 0.9}, "state": TrialState.PRUNED, "value": 0.5, "reason": "stopped at step 3"})
    write_db(root / "s", x, {"name": "loss", "direction": "minimize"}, trials)
    dash = Dashboard(root)
    assert [r["value"] for r in table(dash)["rows"]] == [5.0, 4.0, 3.0, 0.5]
    detail = dash.handle(["studies", "s"], {})[1]
    assert detail["best"]["number"] == 2 and detail["counts"]["pruned"] == 1
    columns = dash.handle(["studies", "s", "columns"], {})[1]
    assert columns["best_so_far"] == [5.0, 4.0, 3.0, 3.0]


def test_the_trials_selected_in_the_plots_as_ranges(dash: Dashboard) -> None:
    assert numbers(table(dash, trials="0-3,7,25-27")) == [0, 1, 2, 3, 7, 25, 26, 27]
    assert numbers(table(dash, trials="7-5, 2, 3-4")) == [2, 3, 4, 5, 6, 7]  # any order, overlaps merged
    assert table(dash, trials="none")["total"] == 0
    page = table(dash, trials="0-29", filter="opt = sgd", state="complete", sort="value", order="desc", limit="3")
    assert numbers(page) == [27, 25, 23] and page["total"] == 12  # with every other filter
    assert numbers(table(dash, trials="0-9999999999")) == list(range(30))  # a range is never expanded


@pytest.mark.parametrize("text", ["a", "1-", "-3", "1..3", "1,,2", ""])
def test_a_selection_that_cannot_be_read_says_why(dash: Dashboard, text: str) -> None:
    with pytest.raises(ValueError, match="is not a trial number or a range a-b"):
        table(dash, trials=text)
