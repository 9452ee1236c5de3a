// The study page's sections: their links in a bar that stays at the top, which marks the section
// being read, and the card each section is.
import { el } from "./dom.js";

export const SECTIONS = [["best", "Best"], ["pareto", "Pareto front"], ["convergence", "Convergence"], ["curves", "Learning curves"],
  ["timeline", "Timeline"], ["edf", "Distribution"], ["rank", "Rank"], ["scatter", "Parameters"],
  ["contour", "Contour"], ["parallel", "Parallel coordinates"], ["importance", "Importance"],
  ["model", "Model"], ["trials", "Trials"]];

export function section(id, title, ...children) {
  return el("section", { id, className: "card" }, el("h2", { text: title }), ...children);
}

// Sections shown only when the study has what they show (the learning curves: reports; the
// Pareto front: several objectives).
const OPTIONAL_SECTIONS = new Set(["curves", "pareto"]);

// The links to the page's sections, kept at the top of the screen as it scrolls.
// `extra`: what else the bar holds (the selection's count and its clear button).
export function sectionNav(extra = null) {
  return el("nav", { className: "sections", id: "section-nav", "aria-label": "sections" },
    SECTIONS.map(([id, text]) => el("a", { href: `#${id}`, text, hidden: OPTIONAL_SECTIONS.has(id) })), extra);
}

// Shows or hides an optional section and its link.
export function showSection(id, shown) {
  document.getElementById(id).hidden = !shown;
  const link = document.querySelector(`#section-nav a[href="#${id}"]`);
  if (link) link.hidden = !shown;
}


// Marks the link of the section being read: the last one whose top has passed below the links,
// or the last section once the page is scrolled to its end.
export function watchSections() {
  const nav = document.getElementById("section-nav");
  let queued = false;
  const mark = () => {
    queued = false;
    // a section jumped to stops its scroll-margin-top (style.css) down, below the links
    const margin = parseFloat(getComputedStyle(document.getElementById(SECTIONS[0][0])).scrollMarginTop) || 0;
    const below = Math.max(nav.getBoundingClientRect().bottom, margin) + 24;
    const atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
    let current = SECTIONS[0][0];
    for (const [id] of SECTIONS) {
      const section = document.getElementById(id);
      if (section && !section.hidden && (atEnd || section.getBoundingClientRect().top <= below)) current = id;
    }
    for (const link of nav.querySelectorAll("a")) {
      const on = link.hash === `#${current}`;
      link.classList.toggle("current", on);
      if (on) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
  };
  const queue = () => {
    if (!queued) requestAnimationFrame(mark);
    queued = true;
  };
  window.addEventListener("scroll", queue, { passive: true });
  window.addEventListener("resize", queue, { passive: true });
  queue();
}
