// Brushing the parallel coordinates: drag along an axis to keep the trials inside a range of it
// (the others are dimmed; ranges on several axes must all hold), click an axis to clear its range.
// The ranges go in the page's URL as brush=LOW,HIGH,AXIS (study.js); the trials inside them are
// the page's selection (selection.js), which the page draws back here.
import { el } from "./dom.js";
import { brushedNumbers, parcoords } from "./parcoords.js";
import * as plots from "./plots.js";

const HIT_PX = 12; // a press this close to an axis line is on the axis
const CLICK_PX = 4; // a press that moves less than this is a click

const clamp = (v) => Math.min(1, Math.max(0, v));

export class ParcoordsBrush {
  // `onChange()` is called after the user changes a range; `selection` (selection.js) is drawn.
  constructor(selection, onChange = () => {}) {
    this.selection = selection;
    this.onChange = onChange;
    this.brushes = new Map(); // axis key (param:NAME or objective) -> [low, high] in the axis' [0, 1]
    this.pc = null;
    this.dragging = false;
    this.plot = el("div", { id: "plot-parcoords", className: "plot" });
    this.band = el("div", { className: "brush-band", hidden: true });
    this.host = el("div", { className: "brush-host" }, this.plot, this.band);
    this.note = el("p", { className: "muted", id: "parcoords-note" });
    // capture: this runs before plotly's own handlers, and a press on an axis is kept from them
    this.host.addEventListener("pointerdown", (e) => this.press(e), true);
    this.host.addEventListener("pointermove", (e) => this.hover(e));
  }

  toParams(params) {
    for (const [key, [lo, hi]] of this.brushes) params.append("brush", `${lo.toFixed(4)},${hi.toFixed(4)},${key}`);
  }

  // Ranges from the URL; those on axes the study does not have are dropped by setData.
  fromParams(params) {
    for (const text of params.getAll("brush")) {
      const [lo, hi] = text.split(",", 2).map(Number);
      const key = text.split(",").slice(2).join(",");
      if (key && lo >= 0 && hi <= 1 && lo < hi) this.brushes.set(key, [lo, hi]);
    }
  }

  elements() {
    return [this.host, this.note];
  }

  setData(pc) {
    this.pc = pc;
    for (const key of this.brushes.keys()) if (!pc.axes.some((a) => a.key === key)) this.brushes.delete(key);
  }

  // The trial numbers inside every range (null when no range is set).
  numbers() {
    return this.brushes.size && this.pc ? brushedNumbers(this.pc, this.brushes) : null;
  }

  async draw() {
    const figure = parcoords(this.pc, this.brushes, this.selection.numbers);
    await plots.draw(this.plot, figure);
    const total = this.pc.values.length;
    Object.assign(this.note.dataset, { selected: figure.selected, total, coloured: figure.coloured });
    const shown = figure.coloured < figure.selected
      ? ` The best ${figure.coloured} of them are drawn in colour, the other ${figure.selected - figure.coloured} faded beneath.`
      : "";
    const plotted = `${total} complete trials${this.pc.sampled ? " of the sample plotted" : ""}`;
    this.note.textContent = this.selection.active
      ? `${figure.selected} of ${plotted} selected.${shown} Drag along an axis to select a range of it; click it to clear.`
      : `${plotted}.${shown} Drag along an axis to select a range of it; click the axis to clear it.`;
  }

  // Screen geometry of the drawn plot (client pixels), or null before it is drawn.
  geometry() {
    const layout = this.plot._fullLayout;
    if (!this.pc || !layout || !layout.xaxis || !layout.xaxis.l2p) return null;
    const [xa, ya] = [layout.xaxis, layout.yaxis];
    const box = this.plot.getBoundingClientRect();
    return {
      x: (a) => box.left + xa._offset + xa.l2p(a),
      y: (v) => box.top + ya._offset + ya.l2p(v),
      value: (clientY) => ya.p2l(clientY - box.top - ya._offset),
    };
  }

  // The index of the axis under a pointer event, or null.
  axisAt(e, g) {
    let found = null;
    let nearest = HIT_PX;
    this.pc.axes.forEach((_, a) => {
      const distance = Math.abs(e.clientX - g.x(a));
      if (distance <= nearest) [found, nearest] = [a, distance];
    });
    const inside = e.clientY >= g.y(1.14) && e.clientY <= g.y(0) + HIT_PX; // the axis and its name
    return inside ? found : null;
  }

  hover(e) {
    const g = this.dragging ? null : this.geometry();
    this.host.classList.toggle("on-axis", Boolean(g) && this.axisAt(e, g) !== null);
  }

  press(e) {
    if (e.button !== 0) return;
    const g = this.geometry();
    const a = g ? this.axisAt(e, g) : null;
    if (a === null) return; // not on an axis: plotly's hover and clicks as usual
    e.preventDefault();
    e.stopPropagation();
    this.dragging = true;
    const key = this.pc.axes[a].key;
    const from = clamp(g.value(e.clientY));
    const start = e.clientY;
    const move = (m) => this.showBand(g, a, from, clamp(g.value(m.clientY)));
    const release = (u) => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", release);
      this.dragging = false;
      this.band.hidden = true;
      const to = clamp(g.value(u.clientY));
      if (Math.abs(u.clientY - start) < CLICK_PX || from === to) this.brushes.delete(key);
      else this.brushes.set(key, [Math.min(from, to), Math.max(from, to)]);
      this.onChange();
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", release);
  }

  showBand(g, a, from, to) {
    const host = this.host.getBoundingClientRect();
    const top = Math.min(g.y(from), g.y(to));
    Object.assign(this.band.style, {
      left: `${g.x(a) - host.left - 8}px`, width: "16px",
      top: `${top - host.top}px`, height: `${Math.abs(g.y(from) - g.y(to))}px`,
    });
    this.band.hidden = false;
  }
}
