"""A study with conditional parameters on the dashboard: params absent from some trials break no plot."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from browser_helpers import Page, api
from dashboard_helpers import HYPERED, serve

import hypered as hp

PROGRAM = Path(__file__).resolve().parents[1] / "programs" / "branches.py"


def _run_conditional_study(root: Path) -> None:
    conf = root.parent / "cond.conf"
    conf.write_text(textwrap.dedent(f"""
        optimize(
            name="cond",
            objective=minimize("loss"),
            binary="{sys.executable} {PROGRAM} {{params_path}} {{results_path}}",
            random_starts=6,
            iterations=14,
            seed=4,
            params={{"optimizer": categorical({{
                "sgd": {{"lr": real(0.01, 1.0), "momentum": real(0.5, 0.99)}},
                "adam": {{"lr": real(1e-4, 1e-2, log=True), "beta1": real(0.8, 0.99)}},
                "rmsprop": {{}},
            }})}},
        )
    """).lstrip())
    done = subprocess.run([*HYPERED, str(conf), "--dir", str(root), "--quiet"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def test_plots_and_table_handle_parameters_absent_in_some_trials(browser: Any, tmp_path: Path) -> None:
    root = tmp_path / "exp"
    root.mkdir()
    _run_conditional_study(root)
    for srv in serve(root):
        tab = Page(browser, f"http://127.0.0.1:{srv.server_address[1]}")
        detail = api(tab.base, "/api/studies/cond")
        assert [v["name"] for v in detail["variables"]] == ["optimizer", "lr", "momentum", "beta1"]
        sampled = [t.values["optimizer"] for t in hp.load_study(root / "cond").trials]
        page = tab.open("/study/cond")
        cells = tab.wait_subplots("#scatter-grid", 4)
        counts = {c["meta"][0]: c["points"] for c in cells}
        assert counts["optimizer"] == 14
        assert counts["momentum"] == sum(o == "sgd" for o in sampled) > 0  # only the trials that have it
        assert counts["beta1"] == sum(o == "adam" for o in sampled) > 0
        assert counts["lr"] == counts["momentum"] + counts["beta1"]
        assert tab.points("#plot-parcoords", -1) == 14
        page.wait_for_selector("#plot-importance .barlayer .point")
        assert page.locator("#plot-importance .barlayer .point").count() == 4
        rows = page.locator("#trial-table tbody tr")
        assert rows.count() == 14
        header = [h.strip() for h in page.locator("#trial-table thead th").all_inner_texts()]
        momentum = next(i for i, h in enumerate(header) if h.startswith("momentum"))
        opt = next(i for i, h in enumerate(header) if h.startswith("optimizer"))
        for r in range(rows.count()):
            cells_text = rows.nth(r).locator("td").all_inner_texts()
            assert (cells_text[momentum].strip() == "–") == (cells_text[opt].strip() != "sgd")  # a missing value
        page.wait_for_selector("#slices-grid .scatterlayer")
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
