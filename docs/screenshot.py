"""Remake docs/dashboard.png: a demo study, served by hypered-dash, shot in headless Chromium.

    python docs/screenshot.py
"""

from __future__ import annotations

import math
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

import hypered as hp
from hypered.dashboard.server import make_server

OUT = Path(__file__).parent / "dashboard.png"


def train(params: dict) -> dict:
    """A training-run-like objective: validation loss and accuracy of an imaginary network."""
    if params["optimizer"] == "sgd" and params["lr"] > 0.3:
        raise RuntimeError("loss diverged to nan")
    gap = math.log10(params["lr"]) - {"adam": -3.0, "sgd": -1.0, "rmsprop": -3.5}[params["optimizer"]]
    loss = (0.3 * gap ** 2 + 0.05 * (params["layers"] - 4) ** 2 + 0.1 * (math.log2(params["units"]) - 7) ** 2
            + 2.0 * (params["dropout"] - 0.05 * params["layers"]) ** 2 + 0.2)
    return {"val": {"loss": loss, "acc": 1.0 / (1.0 + loss)}, "train_loss": 0.8 * loss}


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        hp.optimize(
            name="mnist_mlp", objective=hp.minimize("val.loss"), function=train, iterations=40,
            random_starts=10, seed=3, directory=root, max_failures=10,
            params={"lr": hp.real(1e-5, 1.0, log=True), "layers": hp.integer(1, 8),
                    "units": hp.integer(16, 512, log=True), "dropout": hp.real(0.0, 0.8),
                    "optimizer": hp.categorical(["adam", "sgd", "rmsprop"]), "epochs": 20},
        )
        server = make_server(root, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--no-first-run"])
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/study/mnist_mlp")
                page.wait_for_selector("body[data-drawn='1']", timeout=60_000)  # every plot drawn
                page.wait_for_timeout(500)  # plotly's transitions settle
                page.screenshot(path=str(OUT), full_page=True)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
