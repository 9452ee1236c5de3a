"""Outcome constraints on the dashboard: infeasible trials marked in the table and on their page,
the best among feasible trials, and a best that is only the least infeasible labelled as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_helpers import Page, api
from dashboard_helpers import XSS, serve, write_db

from hypered import at_most
from hypered.storage import StudyDatabase

X = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
MINIMIZE = {"name": "loss", "direction": "minimize"}


def _study(folder: Path, memory: list[float], bound: float) -> None:
    """Trials of loss 4, 3, 2, 1 whose metric XSS (a name that is HTML) is `memory`, bounded by `bound`."""
    constraint = at_most(XSS, bound)
    trials = []
    for i, mem in enumerate(memory):
        broken = constraint.violation(mem)
        trials.append({"values": {"x": i / 4}, "value": 4.0 - i, "results": {"loss": 4.0 - i, XSS: mem},
                       "reason": None if broken is None else f"infeasible: {broken}"})
    db = write_db(folder, X, MINIMIZE, trials)
    with StudyDatabase(db) as store:
        store.set_meta("constraints", [constraint.as_dict()])


def test_infeasible_trials_are_marked_and_the_best_is_feasible(browser: Any, tmp_path: Path) -> None:
    _study(tmp_path / "c", [5.0, 8.0, 12.0, 30.0], 10.0)  # trials 2 and 3 (the lowest losses) break it
    _study(tmp_path / "none", [15.0, 11.0, 40.0, 12.0], 10.0)
    for srv in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        detail = api(tab.base, "/api/studies/c")
        assert detail["best"]["number"] == 1 and detail["best"]["feasible"] is True
        page = tab.open("/study/c#trials")
        assert page.locator("#best-value").inner_text() == "3"
        assert page.locator("#best-infeasible").count() == 0
        page.wait_for_selector("#trial-table tbody tr")
        marked = page.locator("#trial-table tbody tr.infeasible")
        assert sorted(int(n) for n in marked.evaluate_all("rows => rows.map(r => r.dataset.number)")) == [2, 3]
        assert marked.first.locator(".state.infeasible").inner_text() == "infeasible"
        assert page.locator("#trial-table tbody tr:not(.infeasible) .state.infeasible").count() == 0

        page = tab.open("/study/c/trial/3")
        assert page.locator("#trial-infeasible").inner_text().strip() == "infeasible"
        assert page.locator("#trial-reason").inner_text() == f"Reason: infeasible: {XSS} = 30 > 10"
        assert XSS in page.locator("#trial-constraints").inner_text()
        assert page.locator("img").count() == 0  # the metric's name is text, never markup

        page = tab.open("/study/c/trial/0")
        assert page.locator("#trial-infeasible").count() == 0

        page = tab.open("/study/none")
        least = page.locator("#best-infeasible").inner_text()
        assert least.startswith("Infeasible: no trial kept every constraint yet; this is the least infeasible")
        assert f"{XSS} = 11 > 10" in least  # trial 1: 10% over, the smallest excess
        assert page.locator("#best-value").inner_text() == "3"
        listed = {s["name"]: s for s in api(tab.base, "/api/studies")["studies"]}
        assert listed["none"]["best"]["feasible"] is False and listed["c"]["best"]["feasible"] is True
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
