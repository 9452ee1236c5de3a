"""Comparing studies: their best values so far, from the API and overlaid on the comparison page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_helpers import Page, api
from dashboard_helpers import XSS, serve, write_db

from hypered.dashboard.server import DashboardServer
from hypered.trial import TrialState

X = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
LOSSES = [5.0, 7.0, 3.0, 4.0, 2.5, 9.0, 1.0]
ACCS = [0.2, 0.1, 0.5, 0.4, 0.6, 0.9, 0.3]


@pytest.fixture(scope="module")
def compare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardServer]:
    """`down` minimizes loss, `up` maximizes acc (a failed trial, one finishing out of order), the
    XSS string names a third (minimizing loss), `broken` cannot be read."""
    root = tmp_path_factory.mktemp("compare")
    write_db(root / "down", X, {"name": "loss", "direction": "minimize"},
             [{"values": {"x": i / 7}, "value": v, "results": {"loss": v}} for i, v in enumerate(LOSSES)])
    up: list[dict[str, Any]] = [{"values": {"x": i / 7}, "value": v, "results": {"acc": v}} for i, v in enumerate(ACCS)]
    up[1] = {"values": {"x": 0.1}, "state": TrialState.FAILED, "reason": "boom"}
    up[2]["finished"] = 1_700_000_000.0 + 10  # trial 2 ends last: by time it improves last
    write_db(root / "up", X, {"name": "acc", "direction": "maximize"}, up)
    write_db(root / XSS, X, {"name": "loss", "direction": "minimize"},
             [{"values": {"x": i / 4}, "value": 4.0 - i, "results": {"loss": 4.0 - i}} for i in range(4)])
    (root / "broken").mkdir()
    (root / "broken" / "study.db").write_text("not a database")
    yield from serve(root)


def test_best_so_far_is_the_improvements_by_number_and_by_time(compare_server: DashboardServer) -> None:
    base = f"http://127.0.0.1:{compare_server.server_address[1]}"
    down = api(base, "/api/studies/down/convergence")
    assert down["objective"] == {"name": "loss", "direction": "minimize"}
    assert down["by_number"] == {"number": [0, 2, 4, 6], "value": [5.0, 3.0, 2.5, 1.0]}
    assert (down["total"], down["complete"], down["last_number"]) == (7, 7, 6)
    assert down["by_time"]["number"] == [0, 2, 4, 6] and down["by_time"]["elapsed"] == [0.5, 2.5, 4.5, 6.5]
    assert down["last_elapsed"] == 6.5
    up = api(base, "/api/studies/up/convergence")
    assert up["by_number"] == {"number": [0, 2, 4, 5], "value": [0.2, 0.5, 0.6, 0.9]}  # goes up; failed left out
    assert up["by_time"]["number"] == [0, 3, 4, 5]  # trial 2 (0.5) ended after 4 (0.6): never an improvement by time
    assert up["last_elapsed"] == 10.0


def test_ticking_studies_opens_their_overlaid_convergence(browser: Any, compare_server: DashboardServer) -> None:
    tab = Page(browser, f"http://127.0.0.1:{compare_server.server_address[1]}")
    page = tab.open("/", ready="#study-list tbody tr")
    link = page.locator("#compare-link")
    assert link.get_attribute("aria-disabled") == "true" and link.get_attribute("href") is None
    assert page.locator("tr[data-study='broken'] input[type=checkbox]").is_disabled()
    page.locator("tr[data-study='down'] input.compare-box").check()
    page.wait_for_timeout(3500)  # the list refreshes itself: the ticks stay
    assert page.locator("tr[data-study='down'] input.compare-box").is_checked()
    page.locator("tr[data-study='up'] input.compare-box").check()
    page.locator(f"tr[data-study='{XSS}'] input.compare-box").check()
    assert link.inner_text() == "Compare 3 studies"
    link.click()
    page.wait_for_selector("body[data-drawn='1']")
    url = urlsplit(page.url)
    assert url.path == "/compare" and parse_qs(url.query) == {"study": ["down", "up", XSS]}
    traces = page.evaluate("document.getElementById('plot-compare').data.map(t => [t.meta, t.name, t.x, t.y])")
    assert [t[0] for t in traces] == ["down", "up", XSS]
    assert traces[2][1] == "&lt;img src=x onerror=alert(1)&gt;"  # escaped for plotly's markup
    assert page.locator("#plot-compare .legendtext").nth(2).text_content() == XSS  # shown as the text it is
    assert traces[0][2] == [0, 2, 4, 6] and traces[0][3] == [5.0, 3.0, 2.5, 1.0]
    assert traces[1][2] == [0, 2, 4, 5, 6] and traces[1][3] == [0.2, 0.5, 0.6, 0.9, 0.9]  # up, then flat to the end
    mismatch = page.locator("#compare-mismatch").inner_text()
    assert "do not share one objective" in mismatch and "up maximize acc" in mismatch and "down minimize loss" in mismatch
    assert page.is_enabled("#log-compare")
    page.check("#log-compare")
    page.wait_for_function("() => document.getElementById('plot-compare')._fullLayout.yaxis.type === 'log'")
    page.select_option("#compare-x", "time")
    page.wait_for_function("() => document.getElementById('plot-compare').data[1].x[1] === 3.5")
    assert "x=time" in page.url and "log=1" in page.url
    page.reload()
    page.wait_for_selector("body[data-drawn='1']")
    assert page.input_value("#compare-x") == "time" and page.is_checked("#log-compare")
    assert page.evaluate("document.getElementById('plot-compare').data[1].x") == [0.5, 3.5, 4.5, 5.5, 10.0]
    assert page.locator("#compare-studies li").count() == 3
    tab.close()
    assert tab.errors == [] and tab.dialogs == []


def test_a_study_that_cannot_be_read_is_left_out_with_a_note(browser: Any, compare_server: DashboardServer) -> None:
    tab = Page(browser, f"http://127.0.0.1:{compare_server.server_address[1]}")
    page = tab.open("/compare?study=down&study=broken&study=gone")
    notes = page.locator(".compare-skipped").all_inner_texts()
    assert len(notes) == 2 and notes[0].startswith("broken is left out:") and "study.db" in notes[0]
    assert notes[1].startswith("gone is left out: no study named")
    assert page.evaluate("document.getElementById('plot-compare').data.map(t => t.meta)") == ["down"]
    assert page.locator("#compare-mismatch").count() == 0
    page = tab.open("/compare?study=down")
    assert "two or more" in page.locator("#compare-too-few").inner_text()
    tab.close()
    assert all("500" in e or "404" in e for e in tab.errors) and tab.dialogs == []
