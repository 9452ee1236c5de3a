"""Several objectives on the dashboard: the Pareto front drawn (a scatter of two objectives, pairwise
scatters for three), Pareto trials marked in the table, every name shown as text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_helpers import Page, api
from dashboard_helpers import XSS, serve, write_db

from hypered.storage import StudyDatabase

X = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}


def _study(folder: Path, rows: list[list[float]], names: list[str]) -> None:
    """One trial per row of objective values (all minimized), the objectives named `names`."""
    objectives = [{"name": n, "direction": "minimize"} for n in names]
    trials = [{"values": {"x": i / len(rows)}, "value": row[0], "results": dict(zip(names, row))}
              for i, row in enumerate(rows)]
    db = write_db(folder, X, objectives[0], trials)
    with StudyDatabase(db) as store:
        store.set_meta("objectives", objectives)


def _figure_traces(page: Any) -> list[dict[str, Any]]:
    return page.locator("#pareto-grid").evaluate(
        "div => div.data.map(t => ({name: t.name, n: (t.x || []).length, xaxis: t.xaxis}))")


def test_two_objectives_draw_the_front_and_mark_pareto_trials(browser: Any, tmp_path: Path) -> None:
    # trials 0, 2 and 4 are the front; 1 is beaten by 0, 3 by 2
    _study(tmp_path / "two", [[1, 5], [2, 6], [2, 3], [3, 4], [4, 1]], ["loss", XSS])
    _study(tmp_path / "three", [[1, 2, 3], [3, 2, 1], [2, 2, 2], [3, 3, 3]], ["a", "b", "c"])
    write_db(tmp_path / "single", X, {"name": "loss", "direction": "minimize"},
             [{"values": {"x": 0.5}, "value": 1.0, "results": {"loss": 1.0}}])
    for srv in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        detail = api(tab.base, "/api/studies/two")
        assert detail["objectives"] == [{"name": "loss", "direction": "minimize"}, {"name": XSS, "direction": "minimize"}]
        assert detail["pareto"] == 3
        assert api(tab.base, "/api/studies/two/columns")["pareto"] == [True, False, True, False, True]

        page = tab.open("/study/two#trials")
        assert page.locator("#pareto").is_visible()
        assert f"minimize loss, minimize {XSS} · Pareto set: 3 trials" in page.locator(".summary").inner_text()
        page.wait_for_selector("#trial-table tbody tr")
        marked = page.locator("#trial-table tbody tr.pareto")
        assert sorted(int(n) for n in marked.evaluate_all("rows => rows.map(r => r.dataset.number)")) == [0, 2, 4]
        assert marked.first.locator(".state.pareto").inner_text() == "Pareto"
        assert page.locator("#trial-table tbody tr:not(.pareto) .state.pareto").count() == 0
        page.wait_for_function("document.querySelector('#pareto-grid').data !== undefined")
        traces = _figure_traces(page)
        assert [(t["name"], t["n"]) for t in traces] == [("trials", 5), ("front", 5), ("Pareto set", 3)]
        assert page.locator("#pareto-note").inner_text() == "3 trials in the Pareto set."
        assert "best trial by loss alone" in page.locator("#best-first-objective").inner_text()
        assert page.locator("img").count() == 0  # the objective's name is text, never markup

        page = tab.open("/study/three#pareto")
        page.wait_for_function("document.querySelector('#pareto-grid').data !== undefined")
        traces = _figure_traces(page)
        assert len(traces) == 9 and len({t["xaxis"] for t in traces}) == 3  # a subplot per pair
        assert [t["n"] for t in traces if t["name"] == "Pareto set"] == [3, 3, 3]  # trial 3 is beaten by 2
        assert [t["n"] for t in traces if t["name"] == "front"] == [0, 0, 0]  # no 2-D staircase for 3 objectives

        page = tab.open("/study/single")
        assert page.locator("#pareto").is_hidden()
        assert page.locator("#best-first-objective").count() == 0
        assert page.locator('#section-nav a[href="#pareto"]').is_hidden()
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
