// DOM and formatting helpers. User data only ever reaches the page as text nodes
// (createTextNode / textContent), never as HTML.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

// Plotly renders labels through its own small markup language (it knows <b>, <br>, <a>...):
// entity-escape user strings so they show as the literal text they are.
export function plotText(value) {
  return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function studyUrl(name) {
  return "/study/" + encodeURIComponent(name);
}

export function trialUrl(name, number) {
  return studyUrl(name) + "/trial/" + encodeURIComponent(String(number));
}

export function apiUrl(name, rest = "", query = null) {
  let url = "/api/studies/" + encodeURIComponent(name) + (rest ? "/" + rest : "");
  if (query) url += "?" + new URLSearchParams(query).toString();
  return url;
}

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  let body = null;
  try {
    body = await response.json();
  } catch (err) {
    throw new HttpError(response.status, `bad response from ${url}`);
  }
  if (!response.ok) throw new HttpError(response.status, (body && body.error) || response.statusText);
  return body;
}

// How the server sends the numbers JSON has no literal for (a missing value is null), and how
// they are shown: as Python prints them, which is also how a table filter names them.
const NONFINITE = { NaN: "NaN", Infinity: "+inf", "-Infinity": "-inf" };

export function isNonFinite(value) {
  return typeof value === "string" && Object.hasOwn(NONFINITE, value);
}

// A number as shown; `numeric`: the value is a number column's (so "NaN" is NaN, not a label).
export function fmt(value, numeric = false) {
  if (value === null || value === undefined) return "–";
  if (numeric && isNonFinite(value)) return NONFINITE[value];
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) return value.toExponential(4);
  return String(Number(value.toPrecision(6)));
}

// A model's estimate (a noise std, say), to three significant digits.
export function fmtApprox(value) {
  return typeof value === "number" ? String(Number(value.toPrecision(3))) : fmt(value, true);
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function fmtTime(unix) {
  if (unix === null || unix === undefined) return "–";
  return new Date(unix * 1000).toLocaleString();
}

export function fmtAgo(unix) {
  if (unix === null || unix === undefined) return "–";
  const seconds = Math.max(0, Date.now() / 1000 - unix);
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

const KEY_CHARS = 120;
const VALUE_CHARS = 400;

// A table of names and values; long ones wrap (CSS), very long ones are cut with the whole text as
// their tooltip. `numeric`: which values are numbers.
export function keyValueTable(entries, className = "kv", numeric = () => false) {
  const body = el("tbody");
  for (const [key, value] of entries) {
    const shown = fmt(value, numeric(key));
    body.appendChild(el("tr", {},
      el("th", { text: cut(key, KEY_CHARS), title: key.length > KEY_CHARS ? key : null }),
      el("td", { text: cut(shown, VALUE_CHARS), title: shown.length > VALUE_CHARS ? shown : null })));
  }
  return el("table", { className }, body);
}

// Text cut to `max` characters (…) with the whole of it as the tooltip.
export function cut(text, max) {
  const s = String(text);
  return s.length > max ? s.slice(0, max - 1) + "…" : s;
}

export function jsonBlock(value) {
  return el("pre", { className: "json", text: JSON.stringify(value, null, 2) });
}

export function setCrumbs(...items) {
  const nav = clear(document.getElementById("crumbs"));
  for (const [text, href] of items) {
    nav.appendChild(el("span", { className: "sep", text: "/" }));
    nav.appendChild(href ? el("a", { href, text, title: text, className: "crumb" })
      : el("span", { text, title: text, className: "crumb" }));
  }
}

export function setLive(running) {
  document.getElementById("live").hidden = !running;
}

// Calls `tick` every `ms` until it returns false; errors are shown in the console once per kind.
export function poll(tick, ms) {
  let stopped = false;
  const loop = async () => {
    if (stopped) return;
    let again = true;
    try {
      again = (await tick()) !== false;
    } catch (err) {
      console.warn("hypered-dash: refresh failed:", err.message);
    }
    if (again && !stopped) setTimeout(loop, ms);
  };
  setTimeout(loop, ms);
  return () => { stopped = true; };
}
