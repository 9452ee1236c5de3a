"""The study page as a shared address and as a live page: a filter that cannot be read says so where
the rows go; a metric first reported while the page is open appears in its pickers without a reload."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from browser_helpers import Page
from dashboard_helpers import serve, write_db

from hypered.storage import StudyDatabase
from hypered.trial import Trial, TrialState

X = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}


def test_a_shared_address_whose_filter_cannot_be_read_says_why(browser: Any, tmp_path: Path) -> None:
    write_db(tmp_path / "s", X, {"name": "loss", "direction": "minimize"},
             [{"values": {"x": i / 10}, "value": float(i), "results": {"loss": float(i)}} for i in range(10)])
    for srv in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        page = tab.open("/study/s?filter=" + quote("lozz < 3") + "#trials")
        message = page.locator("#table-message").inner_text()
        assert "no column named 'lozz'" in message
        refused = page.locator("#trial-table tbody tr.refused")
        assert refused.count() == 1 and "No trials shown: filter 'lozz < 3'" in refused.inner_text()
        assert page.locator("#table-filter").get_attribute("aria-invalid") == "true"
        assert refused.bounding_box()["width"] > 600  # the whole sentence, not cut to a cell's width
        page.fill("#table-filter", "loss < 3")
        page.press("#table-filter", "Enter")
        page.wait_for_selector("#trial-table tbody[data-shown='number asc all 0 filter=loss < 3']")
        assert page.locator("#trial-table tbody tr").count() == 3
        assert page.locator("#table-filter").get_attribute("aria-invalid") is None
        assert page.locator("#table-message").inner_text() == ""
        tab.close()
        assert all("400 (Bad Request)" in e for e in tab.errors) and tab.dialogs == []


def test_a_metric_first_reported_while_the_page_is_open_appears_in_its_pickers(browser: Any, tmp_path: Path) -> None:
    db = write_db(tmp_path / "s", X, {"name": "loss", "direction": "minimize"},
                  [{"values": {"x": i / 10}, "value": float(i), "results": {"loss": float(i)}} for i in range(5)])
    for srv in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        page = tab.open("/study/s")
        page.evaluate("window.__notReloaded = true")
        assert page.locator("fieldset[data-choices='metrics'] input").count() == 1
        with StudyDatabase(db) as store:
            store.save(Trial(number=5, key="k5", values={"x": 0.5}, params={"x": 0.5}, state=TrialState.COMPLETE,
                             value=0.5, results={"loss": 0.5, "new_metric": 7.0},
                             started=1_700_000_010.0, finished=1_700_000_010.5))
        page.wait_for_selector("fieldset[data-choices='metrics'] input[value='new_metric']", timeout=30_000)
        page.locator("fieldset[data-choices='metrics'] input[value='new_metric']").check()
        cells = tab.wait_subplots("#scatter-grid", 2)
        assert [c["meta"] for c in cells] == [["x", "loss"], ["x", "new_metric"]]
        assert "metric=new_metric" in page.url
        assert page.locator("#trial-table th[data-sort='metric:new_metric']").count() == 1
        assert page.evaluate("window.__notReloaded") is True
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
