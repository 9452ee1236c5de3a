"""Learning curves of any reported metric (API and page), and a click on a curve opening its trial."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_helpers import Page, api
from dashboard_helpers import XSS, serve, write_early_study


def test_curves_of_another_reported_metric(tmp_path: Path) -> None:
    write_early_study(tmp_path / "early")
    for srv in serve(tmp_path):
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        loss = api(base, "/api/studies/early/curves")
        assert loss["metric"] == "loss" and loss["metrics"] == ["loss", "acc", "opt.lr", XSS]
        acc = api(base, "/api/studies/early/curves?metric=acc")
        assert acc["metric"] == "acc" and acc["metrics"] == loss["metrics"]
        by_number = {c["number"]: c for c in acc["curves"]}
        assert by_number[2]["values"] == pytest.approx([0.8] * 5) and by_number[5]["steps"] == [1, 2, 3]
        nested = api(base, "/api/studies/early/curves?metric=opt.lr")
        assert nested["curves"][0]["values"] == pytest.approx([0.1 / s for s in range(1, 6)])
        unknown = api(base, "/api/studies/early/curves?metric=nope")
        assert unknown["total"] == 6 and all(v is None for c in unknown["curves"] for v in c["values"])


def test_picking_a_metric_and_clicking_a_curve_opens_its_trial(browser: Any, tmp_path: Path) -> None:
    write_early_study(tmp_path / "early")
    for srv in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        page = tab.open("/study/early#curves")
        page.wait_for_selector("#curves-metric")
        options = page.locator("#curves-metric option").all_inner_texts()
        assert options == ["loss", "acc", "opt.lr", XSS]  # the hostile name as text
        assert page.input_value("#curves-metric") == "loss"
        page.select_option("#curves-metric", "acc")
        page.wait_for_function("""() => { const gd = document.getElementById('plot-curves');
            return gd._fullLayout && gd._fullLayout.yaxis.title.text === 'acc'; }""")
        assert "curve=acc" in page.url
        values = tab.js("document.getElementById('plot-curves').data.filter(t => t.meta && t.meta.number === 2)[0].y")
        assert values == pytest.approx([0.8] * 5)
        page.reload()
        page.wait_for_selector("body[data-drawn='1']")
        assert page.input_value("#curves-metric") == "acc"
        page.wait_for_function("() => document.getElementById('plot-curves')._fullLayout.yaxis.title.text === 'acc'")
        page.select_option("#curves-metric", "loss")
        page.wait_for_function("() => document.getElementById('plot-curves')._fullLayout.yaxis.title.text === 'loss'")
        assert "curve=" not in page.url
        page.locator("#curves").scroll_into_view_if_needed()
        at = page.evaluate("""() => { const gd = document.getElementById('plot-curves'), box = gd.getBoundingClientRect();
            const [xa, ya] = [gd._fullLayout.xaxis, gd._fullLayout.yaxis];
            return { x: box.left + xa._offset + xa.l2p(3), y: box.top + ya._offset + ya.l2p(0.4) }; }""")
        page.mouse.move(at["x"], at["y"])  # trial 2 at step 3 (0.2 + 2 / 10)
        page.mouse.click(at["x"], at["y"])
        page.wait_for_url("**/study/early/trial/2")
        page.wait_for_selector("body[data-drawn='1']")
        assert page.locator("h1").inner_text().startswith("Trial 2")
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
