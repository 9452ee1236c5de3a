// The app's entry point: picks the page from the URL path.
import { clear, el, HttpError } from "./dom.js";
import { renderCompare } from "./compare.js";
import { renderList } from "./list.js";
import { renderStudy } from "./study.js";
import { renderTrial } from "./trial.js";

function route(path) {
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  if (parts.length === 0) return () => renderList();
  if (parts.length === 1 && parts[0] === "compare") return () => renderCompare();
  if (parts[0] === "study" && parts.length === 2) return () => renderStudy(parts[1]);
  if (parts[0] === "study" && parts.length === 4 && parts[2] === "trial") {
    return () => renderTrial(parts[1], Number(parts[3]));
  }
  return null;
}

function showError(err) {
  const main = clear(document.getElementById("main"));
  const status = err instanceof HttpError ? err.status : null;
  const title = status === 404 ? "Not found"
    : status === 500 && window.location.pathname.startsWith("/study/") ? "This study cannot be read"
      : "Something went wrong";
  main.appendChild(el("h1", { text: title }));
  main.appendChild(el("p", { className: "error", text: err.message }));
  main.appendChild(el("p", {}, el("a", { href: "/", id: "back-to-list", text: "Back to the list of studies" })));
  document.body.dataset.ready = "1";
  document.body.dataset.drawn = "1";
}

async function start() {
  const page = route(window.location.pathname);
  if (!page) {
    showError(new HttpError(404, "no such page"));
    return;
  }
  try {
    await page();
  } catch (err) {
    showError(err);
  }
}

start();
