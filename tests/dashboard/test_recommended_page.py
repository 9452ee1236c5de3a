"""The trial a study recommends on the dashboard: on a noisy objective the best posterior mean, shown
beside the best observed trial (the API, the Best section, the table's badge, the trial's page, the
study list, the plots' star);
on a deterministic one a line saying how the best was chosen."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser_helpers import Page, screenshot
from dashboard_helpers import XSS, serve, write_db

import hypered as hp
from hypered.dashboard import views
from hypered.dashboard.api import Dashboard
from hypered.dashboard.server import DashboardServer
from hypered.storage import StudyDatabase
from hypered.trial import Trial, TrialState

NOISE_SEED = 8  # with this draw the best posterior mean (trial 2) is not the luckiest value (trial 4)
NOISY_BY = "trial 11 repeated trial 4's values and got another value"  # why the noisy study counts as noisy


def _run(root: Path, name: str, objective: str, noise: float, seed: int = 0) -> dict[str, Any]:
    """A study of (x - 0.3)^2 plus seeded Gaussian noise of std `noise`, 12 trials (with noise, the
    last repeats the best of the others, so the study knows it is noisy); its best.json."""
    rng = np.random.default_rng(seed)

    def loss(params: dict[str, Any]) -> float:
        return (params["x"] - 0.3) ** 2 + (float(rng.normal(0, noise)) if noise else 0.0)

    hp.optimize(name=name, objective=hp.minimize(objective), params={"x": hp.real(0, 1)}, function=loss,
                iterations=12, seed=0, directory=root)
    best: dict[str, Any] = json.loads((root / name / "best.json").read_text())
    return best


def _rough(root: Path) -> dict[str, Any]:
    """A deterministic study with steps its GP's fit takes for noise, 15 trials: the last repeats the
    best and gets the same value; its best.json."""
    hp.optimize(name="rough", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                function=lambda p: abs(p["x"] - 0.3) + 0.2 * float(int(p["x"] * 40) % 2),
                iterations=15, seed=0, directory=root)
    best: dict[str, Any] = json.loads((root / "rough" / "best.json").read_text())
    return best


@pytest.fixture(scope="module")
def studies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, Any]]]:
    """`noisy` (its objective named with HTML), `clean` (deterministic), `stale` (`clean` with a
    trial completed after its run ended, so the model has not judged it) and `rough` (deterministic,
    found so by a repeat); their best.json."""
    root = tmp_path_factory.mktemp("recommended")
    best = {"noisy": _run(root, "noisy", XSS, noise=0.5, seed=NOISE_SEED),
            "clean": _run(root, "clean", "loss", noise=0.0)}
    best["stale"] = _run(root, "stale", "loss", noise=0.0)
    best["rough"] = _rough(root)
    with StudyDatabase(root / "stale" / "study.db") as db:
        db.save(Trial(number=12, key="late", params={"x": 0.9}, values={"x": 0.9}, state=TrialState.COMPLETE,
                      value=0.36, results={"loss": 0.36}, started=1_700_000_000.0, finished=1_700_000_001.0))
    noisy = best["noisy"]
    assert noisy["recommended_by"] == f"best posterior mean ({NOISY_BY})"
    assert noisy["trial"] != noisy["best_observed"]["trial"], "pick a NOISE_SEED whose recommendation differs"
    assert best["clean"]["recommended_by"] == "best observed value (the objective does not look noisy)"
    return root, best


@pytest.fixture(scope="module")
def recommended_server(studies: tuple[Path, dict[str, Any]]) -> Iterator[DashboardServer]:
    yield from serve(studies[0])


def test_the_api_names_the_recommended_trial_and_the_best_observed(studies: tuple[Path, dict[str, Any]]) -> None:
    root, best = studies
    noisy = best["noisy"]
    dashboard = Dashboard(root)
    outline = dashboard.handle(["studies", "noisy", "outline"], {})[1]  # first: the study is not read yet
    detail = dashboard.handle(["studies", "noisy"], {})[1]
    for shown in (outline, detail):
        rec = shown["recommendation"]
        assert rec["number"] == noisy["trial"] and rec["value"] == noisy["value"]
        assert rec["judged"] is True and rec["noisy"] is True and rec["best_observed"] is False
        assert rec["posterior_mean"] == noisy["posterior_mean"] and rec["noise_std"] == noisy["noise_std"]
        assert rec["recommended_by"] == noisy["recommended_by"]
        assert rec["all_params"] == noisy["params"] and rec["metrics"] == {XSS: noisy["value"]}
        assert shown["best"]["number"] == noisy["best_observed"]["trial"]
        assert shown["best"]["value"] == noisy["best_observed"]["value"]
    assert outline["recommendation"] == detail["recommendation"]

    curves = dashboard.handle(["studies", "noisy", "curves"], {})[1]  # its line is named "recommended trial"
    assert curves["best"] == noisy["trial"] and curves["recommended"] is True
    assert dashboard.handle(["studies", "clean", "curves"], {})[1]["recommended"] is False
    rows = dashboard.handle(["studies", "noisy", "table"], {"limit": "100"})[1]["rows"]
    assert [r["number"] for r in rows if r["recommended"]] == [noisy["trial"]]
    trial = dashboard.handle(["studies", "noisy", "trials", str(noisy["trial"])], {})[1]
    assert trial["recommended"] == {"recommended_by": noisy["recommended_by"], "noisy": True, "declared": False,
                                    "repeat": NOISY_BY, "posterior_mean": noisy["posterior_mean"], "noise_std": noisy["noise_std"]}
    observed = dashboard.handle(["studies", "noisy", "trials", str(noisy["best_observed"]["trial"])], {})[1]
    assert observed["recommended"] is None

    clean = dashboard.handle(["studies", "clean"], {})[1]["recommendation"]
    assert clean["number"] == best["clean"]["trial"] and clean["best_observed"] is True
    assert clean["judged"] is True and clean["noisy"] is False and clean["posterior_mean"] is None
    # a trial completed after the run ended: the model's choice no longer holds, the best observed is shown
    stale = dashboard.handle(["studies", "stale", "outline"], {})[1]["recommendation"]
    assert stale["number"] == best["stale"]["trial"] and stale["judged"] is False and stale["noisy"] is None
    assert not any(r["recommended"] for r in dashboard.handle(["studies", "stale", "table"], {})[1]["rows"])


def test_the_study_list_carries_the_recommended_trial_beside_the_best_observed(
        studies: tuple[Path, dict[str, Any]]) -> None:
    root, best = studies
    noisy = best["noisy"]
    rows = {r["name"]: r for r in Dashboard(root).handle(["studies"], {})[1]["studies"]}
    assert rows["noisy"]["recommended"] == {
        "number": noisy["trial"], "value": noisy["value"], "posterior_mean": noisy["posterior_mean"],
        "recommended_by": noisy["recommended_by"], "best_observed": False}
    assert rows["noisy"]["best"]["number"] == noisy["best_observed"]["trial"]  # `best` stays the best observed
    assert rows["noisy"]["best"]["value"] == noisy["best_observed"]["value"]
    clean = rows["clean"]["recommended"]
    assert clean["number"] == rows["clean"]["best"]["number"] == best["clean"]["trial"]
    assert clean["best_observed"] is True and clean["posterior_mean"] is None
    assert rows["stale"]["recommended"] is None  # a trial completed after the run: not judged
    assert "recommended" not in Dashboard(root).handle(["studies", "noisy"], {})[1]  # `recommendation` says more


def test_a_large_study_plots_the_recommended_trial(tmp_path: Path) -> None:
    """The plots' sample keeps the recommended trial (it is starred) though it is neither among the
    best values nor an improvement."""
    trials = [{"values": {"x": i / 300}, "value": float(i), "results": {"loss": float(i)}} for i in range(300)]
    db = write_db(tmp_path / "big", {"x": {"type": "real", "low": 0, "high": 1, "log": False}},
                  {"name": "loss", "direction": "minimize"}, trials)
    with StudyDatabase(db) as store:
        store.set_meta("recommendation", {"trial": 250, "noisy": True, "posterior_mean": 0.5, "noise_std": 80.0,
                                          "declared": False, "complete": 300})
    cols = views.columns(Dashboard(tmp_path).frame("big"), max_points=120)
    assert cols["sampled"] and 250 in cols["number"]


def test_the_model_view_goes_through_the_recommended_trial(studies: tuple[Path, dict[str, Any]]) -> None:
    root, best = studies
    noisy = best["noisy"]
    dashboard = Dashboard(root)
    slices = dashboard.handle(["studies", "noisy", "model"], {})[1]["slices"]
    assert [(s["best"], s["recommended"]) for s in slices] == [(noisy["params"]["x"], True)]
    clean = dashboard.handle(["studies", "clean", "model"], {})[1]["slices"]
    assert [(s["best"], s["recommended"]) for s in clean] == [(best["clean"]["params"]["x"], False)]


def test_the_list_and_the_plots_mark_the_recommended_trial(
        browser: Any, studies: tuple[Path, dict[str, Any]], recommended_server: DashboardServer) -> None:
    noisy, clean = studies[1]["noisy"], studies[1]["clean"]
    chosen, observed = noisy["trial"], noisy["best_observed"]["trial"]
    observed_x = Dashboard(studies[0]).handle(["studies", "noisy"], {})[1]["best"]["params"]["x"]
    tab = Page(browser, f"http://127.0.0.1:{recommended_server.server_address[1]}")
    page = tab.open("/", ready="#study-list tbody tr")
    cell = page.locator("tr[data-study='noisy'] td.best")
    assert float(cell.locator(".best-value").inner_text()) == pytest.approx(noisy["value"], rel=1e-5)
    assert cell.locator(".state.recommended").inner_text() == "recommended"
    title = cell.get_attribute("title")
    assert title.startswith(f"trial {chosen}, recommended: {noisy['recommended_by']}, posterior mean ")
    assert f" — best observed: trial {observed}, " in title
    plain = page.locator("tr[data-study='clean'] td.best")
    assert float(plain.inner_text()) == pytest.approx(clean["value"], rel=1e-5)
    assert plain.locator(".state.recommended").count() == 0 and plain.get_attribute("title") is None
    screenshot(page, "study-list-recommended.png")

    page = tab.open("/study/noisy")
    cells = tab.wait_subplots("#scatter-grid", 1)
    assert cells[0]["stars"] == 1 and cells[0]["traces"] == 3  # trials, the best observed (ringed), the star
    marks = tab.js("""(() => { const d = document.getElementById('scatter-grid').data;
        return d.slice(1).map(t => [t.name, t.marker.symbol, t.x[0], t.text[0]]); })()""")
    assert marks == [["best observed", "circle-open", pytest.approx(observed_x),
                      f"trial {observed}: best observed value (not recommended: may be a lucky draw)"],
                     ["recommended", "star", pytest.approx(noisy["params"]["x"]),
                      f"trial {chosen}: recommended, {noisy['recommended_by']}"]]
    page.wait_for_function("() => (document.getElementById('plot-convergence').data || []).length === 6")
    marks = tab.js("""(() => document.getElementById('plot-convergence').data.slice(4)
        .map(t => [t.name, t.marker.symbol, t.x[0], t.y[0]]))()""")
    assert marks == [[f"recommended (trial {chosen})", "star", chosen, pytest.approx(noisy["value"])],
                     [f"best observed (trial {observed})", "circle-open", observed,
                      pytest.approx(noisy["best_observed"]["value"])]]
    assert tab.points("#plot-convergence", -2) == 1 and tab.points("#plot-convergence", -1) == 1  # drawn
    screenshot(page, "study-page-recommended-plots.png")

    page = tab.open("/study/clean")  # recommended = best observed: one star, as before
    cells = tab.wait_subplots("#scatter-grid", 1)
    assert cells[0]["stars"] == 1 and cells[0]["traces"] == 2
    page.wait_for_function("() => (document.getElementById('plot-convergence').data || []).length === 4")
    tab.close()
    assert tab.errors == [] and tab.dialogs == []


def test_the_best_section_shows_both_trials_and_the_table_marks_the_recommended(
        browser: Any, studies: tuple[Path, dict[str, Any]], recommended_server: DashboardServer) -> None:
    noisy = studies[1]["noisy"]
    chosen, observed = noisy["trial"], noisy["best_observed"]["trial"]
    tab = Page(browser, f"http://127.0.0.1:{recommended_server.server_address[1]}")
    page = tab.open("/study/noisy#trials")
    recommended = page.locator("#best-recommended")
    assert recommended.locator("a").inner_text() == f"trial {chosen}"
    assert recommended.locator("a").get_attribute("href") == f"/study/noisy/trial/{chosen}"
    assert recommended.inner_text().startswith(f"Recommended: trial {chosen}: {XSS} = ")
    assert float(page.locator("#recommended-value").inner_text()) == pytest.approx(noisy["value"], rel=1e-5)
    assert float(page.locator("#recommended-mean").inner_text()) == pytest.approx(noisy["posterior_mean"], rel=1e-5)
    noise = float(f"{noisy['noise_std']:.3g}")
    assert page.locator("#best-reason").inner_text() == (f"The objective is noisy: {NOISY_BY} (noise std ≈ {noise}): this "
                                                         "trial has the best posterior mean; the lowest observed "
                                                         "value may be a lucky draw.")
    best_observed = page.locator("#best-observed")
    assert best_observed.inner_text().startswith(f"Best observed: trial {observed}: {XSS} = ")
    assert best_observed.locator("a").get_attribute("href") == f"/study/noisy/trial/{observed}"
    assert float(page.locator("#best-value").inner_text()) == pytest.approx(noisy["best_observed"]["value"], rel=1e-5)
    assert page.locator("#best h3").first.inner_text() == f"params of trial {chosen}"
    page.wait_for_selector("#trial-table tbody tr")
    marked = page.locator("#trial-table tbody tr.recommended")
    assert marked.evaluate_all("rows => rows.map(r => Number(r.dataset.number))") == [chosen]
    assert marked.locator(".state.recommended").inner_text() == "recommended"
    assert page.locator("#trial-table .state.recommended").count() == 1
    assert page.locator("img").count() == 0  # the objective's name is text, never markup
    screenshot(page, "study-page-recommended.png")

    page = tab.open(f"/study/noisy/trial/{chosen}")
    assert page.locator("#trial-recommended").inner_text() == "recommended"
    assert page.locator("#trial-recommendation").inner_text().startswith(
        f"The study recommends this trial: {NOISY_BY}, so the objective is noisy (noise std ≈ ")
    page = tab.open(f"/study/noisy/trial/{observed}")
    assert page.locator("#trial-recommended").count() == 0
    tab.close()
    assert tab.errors == [] and tab.dialogs == []


def test_a_deterministic_or_unjudged_study_says_how_its_best_was_chosen(
        browser: Any, studies: tuple[Path, dict[str, Any]], recommended_server: DashboardServer) -> None:
    clean = studies[1]["clean"]
    tab = Page(browser, f"http://127.0.0.1:{recommended_server.server_address[1]}")
    page = tab.open("/study/clean")
    assert page.locator("#best-recommended").count() == 0
    assert page.locator("#best-observed a").get_attribute("href") == f"/study/clean/trial/{clean['trial']}"
    assert page.locator("#best-reason").inner_text() == "Best observed value; the objective does not look noisy."
    assert page.locator("#best h3").first.inner_text() == "params"
    page = tab.open(f"/study/clean/trial/{clean['trial']}")
    assert page.locator("#trial-recommendation").inner_text() == (
        "The study recommends this trial: best observed value (the objective does not look noisy).")
    page = tab.open("/study/rough")  # deterministic with steps: it looked noisy, and a repeat said otherwise
    repeat = studies[1]["rough"]["recommended_by"].removeprefix("best observed value (").removesuffix(")")
    assert repeat.startswith("trial 14 repeated trial ") and repeat.endswith(" and got the same value")
    assert page.locator("#best-reason").inner_text() == f"Best observed value; the objective is deterministic: {repeat}."
    first = int(repeat.split()[4].removesuffix("'s"))
    page = tab.open("/study/rough/trial/14")  # the repeat's page links the trial it repeated
    assert page.locator("#trial-same-values").inner_text() == f"The same sampled values ran as trial {first}."
    assert page.locator("#trial-same-values a").get_attribute("href") == f"/study/rough/trial/{first}"
    page = tab.open(f"/study/rough/trial/{first}")
    assert page.locator("#trial-same-values").inner_text() == "The same sampled values ran as trial 14."
    page = tab.open("/study/rough/trial/13")
    assert page.locator("#trial-same-values").count() == 0
    page = tab.open("/study/stale")
    assert page.locator("#best-reason").inner_text() == (
        "Best observed value: the model judges whether the objective is noisy when a run ends.")
    tab.close()
    assert tab.errors == [] and tab.dialogs == []


def test_a_declared_noisy_flag_is_said_as_declared(browser: Any, tmp_path: Path) -> None:
    rng = np.random.default_rng(NOISE_SEED)
    hp.optimize(name="told", objective=hp.minimize("loss"), params={"x": hp.real(0, 1)},
                function=lambda p: (p["x"] - 0.3) ** 2 + float(rng.normal(0, 0.5)),
                iterations=12, seed=0, directory=tmp_path, noisy=False)
    best = json.loads((tmp_path / "told" / "best.json").read_text())
    assert best["recommended_by"] == "best observed value (noisy=False)"
    rec = Dashboard(tmp_path).handle(["studies", "told"], {})[1]["recommendation"]
    assert rec["declared"] is True and rec["noisy"] is False and rec["best_observed"] is True
    assert rec["recommended_by"] == best["recommended_by"] and rec["number"] == best["trial"]
    running = serve(tmp_path)
    server = next(running)
    try:
        tab = Page(browser, f"http://127.0.0.1:{server.server_address[1]}")
        page = tab.open("/study/told")
        assert page.locator("#best-reason").inner_text() == (
            "Best observed value; the study was told the objective is not noisy (noisy=False).")
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
    finally:
        running.close()


def test_several_objectives_recommend_no_one_trial(tmp_path: Path) -> None:
    """Their answer is the Pareto set: the meta's recommendation (the best by the first objective) is not shown."""
    objectives = [{"name": "loss", "direction": "minimize"}, {"name": "ms", "direction": "minimize"}]
    trials = [{"values": {"x": i / 2}, "value": v, "results": {"loss": v, "ms": 3 - v}} for i, v in enumerate([2.0, 1.0])]
    db = write_db(tmp_path / "two", {"x": {"type": "real", "low": 0, "high": 1, "log": False}}, objectives[0], trials)
    with StudyDatabase(db) as store:
        store.set_meta("objectives", objectives)
        store.set_meta("recommendation", {"trial": 1, "noisy": None, "posterior_mean": None, "noise_std": None,
                                          "complete": 2})
    dashboard = Dashboard(tmp_path)
    for rest in (["outline"], []):
        assert dashboard.handle(["studies", "two", *rest], {})[1]["recommendation"] is None
    assert not any(r["recommended"] for r in dashboard.handle(["studies", "two", "table"], {})[1]["rows"])
    assert dashboard.handle(["studies", "two", "trials", "1"], {})[1]["recommended"] is None
