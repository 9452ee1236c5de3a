"""Linked selection in headless Chromium: trials selected in one plot are shown in every plot and
listed alone in the trial table; the selection lives in the URL and is cleared in one click."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from browser_helpers import Page, api, screenshot
from dashboard_helpers import serve, write_db

# How many of each plot's trial points are selected, and how many points it has: a selection
# shows through Plotly's `selectedpoints` (null: no selection, every point as usual).
SELECTED = """(id) => { const gd = document.getElementById(id);
    return (gd.data || []).filter(t => Array.isArray(t.customdata)).map(t => [t.name,
        t.selectedpoints === null || t.selectedpoints === undefined ? null : t.selectedpoints.length,
        t.customdata.length]); }"""
BOX = """([id, lo, hi]) => { const gd = document.getElementById(id), box = gd.getBoundingClientRect();
    const [xa, ya] = [gd._fullLayout.xaxis, gd._fullLayout.yaxis];
    return { x0: box.left + xa._offset + xa.l2p(lo), x1: box.left + xa._offset + xa.l2p(hi),
             top: box.top + ya._offset + 2, bottom: box.top + ya._offset + ya._length - 2 }; }"""


def table_numbers(page: Any) -> list[int]:
    return [int(n) for n in page.locator("#trial-table tbody tr").evaluate_all("(rows) => rows.map((r) => r.dataset.number)")]


def box_select(page: Any, plot: str, low: float, high: float) -> None:
    """A box selection made as a user makes one: the plot's toolbar set to box select, then a drag
    across the x range [low, high] over the plot's whole height."""
    page.locator(f"#{plot}").scroll_into_view_if_needed()
    page.evaluate(f"Plotly.relayout('{plot}', {{ dragmode: 'select' }})")
    box = page.evaluate(BOX, [plot, low, high])
    page.mouse.move(box["x0"], box["top"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, (box["top"] + box["bottom"]) / 2, steps=4)
    page.mouse.move(box["x1"], box["bottom"], steps=4)
    page.mouse.up()


def test_a_box_selection_filters_the_table_and_shows_in_every_plot(tab: Page) -> None:
    cols = api(tab.base, "/api/studies/demo/columns")
    chosen = [n for n, s in zip(cols["number"], cols["state"]) if n <= 9 and s in ("complete", "failed", "pruned")]
    complete = [n for n, s, v in zip(cols["number"], cols["state"], cols["value"]) if s == "complete" and v is not None]
    page = tab.open("/study/demo")
    assert page.locator("#selection-bar").is_hidden()
    box_select(page, "plot-convergence", -0.5, 9.5)  # trials 0 to 9
    page.wait_for_selector(f"#selection-bar[data-count='{len(chosen)}']")
    bar = page.locator("#selection-bar").inner_text()
    assert f"{len(chosen)} trials selected" in bar and "the convergence plot" in bar and "clear" in bar
    page.wait_for_selector("#trial-table tbody[data-shown='number asc all 0 trials=0-9']")
    assert table_numbers(page) == chosen
    assert "selected in the plots" in page.locator("#table-info").inner_text()
    assert "sel=0-9" in page.url
    page.fill("#table-trial", "15")
    page.press("#table-trial", "Enter")
    page.wait_for_function("() => document.getElementById('table-message').textContent.includes('only the trials selected')")
    in_sel = len([n for n in complete if n <= 9])
    page.wait_for_function(f"() => document.getElementById('parcoords-note').dataset.selected === '{in_sel}'")
    assert tab.js("document.getElementById('plot-parcoords').data.find(t => t.name === 'dimmed')"
                  ".x.filter(v => v === null).length") == len(complete) - in_sel
    rank = page.evaluate(SELECTED, "plot-rank")
    assert rank[0] == ["complete", in_sel, len(complete)]
    page.wait_for_function(f"""() => {{ const gd = document.getElementById('scatter-grid');
        return gd.data && gd.data.filter(t => t.meta).every(t => t.selectedpoints && t.selectedpoints.length === {in_sel}); }}""")
    timeline = dict((name, (sel, n)) for name, sel, n in page.evaluate(SELECTED, "plot-timeline"))
    assert timeline["complete"] == (in_sel, len(complete))
    assert page.evaluate("document.getElementById('plot-convergence').layout.dragmode") == "select"  # kept by redraws
    screenshot(page, "selection.png")

    shared = tab.open(page.url.removeprefix(tab.base))  # a reload, or the address shared, keeps it
    shared.wait_for_selector(f"#selection-bar[data-count='{len(chosen)}']")
    assert "the page's address" in shared.locator("#selection-bar").inner_text()
    assert table_numbers(shared) == chosen
    assert page.evaluate(SELECTED, "plot-convergence")[0] == ["trial value", in_sel, len(complete)]
    shared.locator("#selection-clear").click()
    page.wait_for_selector("#trial-table tbody[data-shown='number asc all 0']")
    assert page.locator("#selection-bar").is_hidden() and "sel=" not in page.url
    assert len(table_numbers(page)) == len(cols["number"])
    assert page.evaluate(SELECTED, "plot-convergence")[0] == ["trial value", None, len(complete)]
    page.wait_for_function("() => document.getElementById('parcoords-note').dataset.selected === '20'")
    assert tab.errors == []


def test_brushing_parallel_coordinates_selects_the_same_trials_everywhere(tab: Page) -> None:
    page = tab.open("/study/demo")
    page.locator("#parallel").scroll_into_view_if_needed()
    g = page.evaluate("""() => { const gd = document.getElementById('plot-parcoords'), box = gd.getBoundingClientRect();
        const [xa, ya] = [gd._fullLayout.xaxis, gd._fullLayout.yaxis];
        return { x: box.left + xa._offset + xa.l2p(0), top: box.top + ya._offset + ya.l2p(1),
                 bottom: box.top + ya._offset + ya.l2p(0) }; }""")
    page.mouse.move(g["x"] + 3, g["bottom"] - 0.1 * (g["bottom"] - g["top"]))  # x from about -8 to 0
    page.mouse.down()
    page.mouse.move(g["x"] + 3, g["bottom"] - 0.5 * (g["bottom"] - g["top"]), steps=6)
    page.mouse.up()
    page.wait_for_selector("#selection-bar:not([hidden])")
    count = int(page.locator("#selection-bar").get_attribute("data-count"))
    assert 0 < count < 20 and "the parallel coordinates" in page.locator("#selection-bar").inner_text()
    page.wait_for_function(f"() => document.getElementById('parcoords-note').dataset.selected === '{count}'")  # redrawn in turn
    page.wait_for_selector("#trial-table tbody[data-shown*='trials=']")
    rows = table_numbers(page)
    assert len(rows) == count
    cols = api(tab.base, "/api/studies/demo/columns")
    xs = dict(zip(cols["number"], cols["params"]["x"]))
    shape = tab.js("document.getElementById('plot-parcoords').layout.shapes[0]")
    assert all(shape["y0"] - 1e-9 <= (xs[n] + 10) / 20 <= shape["y1"] + 1e-9 for n in rows)
    assert "brush=" in page.url and "sel=" not in page.url  # the ranges are kept, not the numbers
    page.wait_for_function(f"""() => {{ const t = document.getElementById('plot-convergence').data[0];
        return t.selectedpoints && t.selectedpoints.length === {count}; }}""")
    ranked = [n for n, r, s in zip(cols["number"], cols["rank"], cols["state"]) if n <= 4 and r is not None and s == "complete"]
    box_select(page, "plot-rank", -0.5, 4.5)  # a selection made elsewhere replaces the ranges
    page.wait_for_selector(f"#selection-bar[data-count='{len(ranked)}']")
    page.wait_for_function("() => document.getElementById('plot-parcoords').layout.shapes.length === 0")
    page.wait_for_function(f"() => document.querySelectorAll('#trial-table tbody tr').length === {len(ranked)}")
    assert table_numbers(page) == ranked and "the rank plot" in page.locator("#selection-bar").inner_text()
    assert "brush=" not in page.url and "sel=" in page.url
    assert tab.errors == []


def test_a_selection_of_thousands_of_trials_travels_as_ranges(browser: Any, tmp_path: Path) -> None:
    space = {"x": {"type": "real", "low": 0, "high": 1, "log": False}}
    trials = [{"values": {"x": ((i * 37) % 3000) / 3000}, "value": float((i * 53) % 3000)} for i in range(3000)]
    write_db(tmp_path / "big", space, {"name": "loss", "direction": "minimize"}, trials)
    for server in serve(tmp_path):
        tab = Page(browser, f"http://127.0.0.1:{server.server_address[1]}")
        page = tab.open("/study/big")
        cols = api(tab.base, "/api/studies/big/columns")
        assert cols["sampled"] and cols["shown"] < 1001
        sampled = [n for n in cols["number"] if n < 1500]
        box_select(page, "plot-convergence", -0.5, 1499.5)
        page.wait_for_selector(f"#selection-bar[data-count='{len(sampled)}']")
        assert "among the trials the plots show" in page.locator("#selection-bar").inner_text()
        page.wait_for_selector("#trial-table tbody[data-shown*='trials=']")
        assert int(page.locator("#table-info").inner_text().split(" of ")[1].split()[0]) == len(sampled)
        query = page.evaluate("new URLSearchParams(location.search).get('sel')")
        assert len(page.url) < 8000  # runs of numbers as ranges
        expanded = [n for part in query.split(",") for a, _, b in [part.partition("-")] for n in range(int(a), int(b or a) + 1)]
        assert expanded == sampled
        tab.close()
        assert tab.errors == [] and tab.dialogs == []
