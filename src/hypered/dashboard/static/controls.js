// The study and comparison pages' controls: checkbox lists, drop-downs and log-scale switches.
import { el } from "./dom.js";

export function checkboxes(name, items, checked, onChange) {
  return el("fieldset", { className: "choices", dataset: { choices: name } },
    el("legend", { text: name }),
    items.map((item) => el("label", { title: item },
      el("input", { type: "checkbox", value: item, checked: checked.has(item),
        onchange: (e) => { if (e.target.checked) checked.add(item); else checked.delete(item); onChange(); } }),
      " ", item)));
}

export function select(id, items, value, onChange) {
  return el("select", { id, onchange: (e) => onChange(e.target.value) },
    items.map((item) => el("option", { value: item, selected: item === value, text: item })));
}

// A "log scale" checkbox; `refresh(enabled, why)` greys it out when the values cannot go on a log axis.
export function logToggle(id, label, checked, onChange) {
  const input = el("input", { type: "checkbox", id, checked, onchange: () => onChange() });
  const node = el("label", { className: "toggle" }, input, " ", el("span", { text: label }));
  return {
    node,
    get asked() { return input.checked; },
    get checked() { return input.checked && !input.disabled; },
    refresh(enabled, why) {
      input.disabled = !enabled;
      node.title = enabled ? "" : why;
    },
  };
}
