// compute-econ: names and value texts for the kit's controls, live readouts (WCAG 2.1 AA; issue 16).
//
// Loaded once per page by widgets._base.setup_notebook (a Javascript output, like the comm guard). ipywidgets 8
// gives a slider's handle (noUiSlider's role="slider") no accessible name and an aria-valuetext of the raw
// slider position ("23.76" for a log slider at 5.8e23), and ToggleButtons no pressed state
// (jupyter-widgets/ipywidgets#2650 asks for ARIA attributes; still open). This script adds them from what the
// widget already shows, so it needs nothing from the kernel:
//
// * a slider handle's aria-label is the control's name: its tooltip (the label's title) where the kit gives one,
//   else its description (widgets._base.accessible_name says the same in Python);
// * its aria-valuetext is the value as the page writes it: "budget 5.80 × 10²³ FLOP" from the description
//   "budget (FLOP)" and the readout "5.80e+23"; a slider whose readout is off takes the text of the HTML next to
//   it (the explorer writes the value there, widgets/planner.py);
// * the editable readout, a menu and a button group get the same name; a toggle button says whether it is pressed;
// * keys pressed on a control stay with the control: a menu's ArrowDown changed the menu's value, not JupyterLab's
//   selected cell (Lumino's keymap skips a keydown from inside an element with data-lm-suppress-shortcuts, the
//   attribute JupyterLab's own shortcut editor uses);
// * every explorer readout (class ce-readout) is a polite live region, so a screen reader reads the new
//   message after a move.
//
// It depends on ipywidgets' CSS classes (widget-slider, widget-label, widget-readout, widget-toggle-buttons,
// mod-active) and noUiSlider's role="slider"; if a later ipywidgets renames them, the accessibility test
// (tests/browser/test_lessons_in_browser.py) fails rather than this script.
(function () {
  if (window.__ceA11y) return;
  window.__ceA11y = true;
  const SUP = { "-": "⁻", "+": "⁺", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };
  const SLIDER = ".widget-slider, .jupyter-widget-slider";

  // "5.80e+23" -> "5.80 × 10²³"; "1e-3" -> "1 × 10⁻³": how the kit writes powers of ten.
  function spoken(text) {
    return text.replace(/(\d(?:\.\d+)?)e([+-]?)0*(\d+)/g, (m, mantissa, sign, exp) =>
      mantissa + " × 10" + (sign === "-" ? "⁻" : "") + [...exp].map((d) => SUP[d]).join(""));
  }
  // An element's text with <sup> written as superscript digits: "4.6×10<sup>26</sup>" reads "4.6×10²⁶", not "4.6×1026".
  function textOf(el) {
    let s = "";
    el.childNodes.forEach((n) => {
      if (n.nodeType === Node.TEXT_NODE) s += n.textContent;
      else if (n.nodeName === "SUP") s += [...n.textContent].map((d) => SUP[d] || d).join("");
      else if (n.nodeType === Node.ELEMENT_NODE) s += textOf(n);
    });
    return s;
  }
  function clean(text) {
    return (text || "").replace(/\s+/g, " ").trim();
  }
  // The control's name: the tooltip of its label (a full name the kit gives short descriptions), else the label.
  function nameOf(widget) {
    const label = widget.querySelector(":scope > .widget-label");
    if (!label) return clean(widget.getAttribute("title"));
    return clean(label.getAttribute("title")) || clean(label.textContent);
  }
  // A control's value as a screen reader should say it, from its description and the value as the page writes
  // it: "budget (FLOP)" at "5.80e+23" reads "budget 5.80 × 10²³ FLOP"; "rent ($/accel.-hour)" at "$2.50" reads
  // "rent $2.50 per accel.-hour". The book's controls script (widgets/static.py) says values the same way.
  function valueTextOf(description, value) {
    const m = /^(.*?)\s*\(([^()]*)\)$/.exec(clean(description));
    let [name, unit] = m ? [m[1], m[2]] : [clean(description), ""];
    if (value.startsWith("$") && unit.startsWith("$/")) unit = "per " + unit.slice(2);
    return [name, spoken(value), unit].filter(Boolean).join(" ");
  }
  window.ceValueText = valueTextOf;
  function valueText(widget, handle) {
    const readout = widget.querySelector(":scope > .widget-readout");
    let value = "";
    if (readout && readout.style.display !== "none") value = clean(readout.textContent);
    else {
      const next = widget.nextElementSibling;  // the explorer's own label of this slider's value
      if (next && next.classList.contains("widget-html")) value = clean(textOf(next));
    }
    if (!value) return handle.getAttribute("aria-valuetext") || "";
    const label = widget.querySelector(":scope > .widget-label");
    return valueTextOf(label ? label.textContent : "", value);
  }

  function keysStay(el) {
    if (!el.hasAttribute("data-lm-suppress-shortcuts")) el.setAttribute("data-lm-suppress-shortcuts", "true");
  }

  function decorateSlider(widget) {
    const handle = widget.querySelector('[role="slider"]');
    if (!handle || handle.__ceNamed) return;
    handle.__ceNamed = true;
    keysStay(handle);
    const name = nameOf(widget);
    if (name) handle.setAttribute("aria-label", name);
    const readout = widget.querySelector(":scope > .widget-readout");
    if (readout && name) readout.setAttribute("aria-label", name + ", type a value");
    const track = widget.querySelector(".noUi-target");
    const sync = () => {
      const text = valueText(widget, handle);
      if (text && handle.getAttribute("aria-valuetext") !== text) handle.setAttribute("aria-valuetext", text);
      // ipywidgets disables a slider on its track (disabled="true"), which the handle does not say
      const disabled = track && track.hasAttribute("disabled") ? "true" : "false";
      if (handle.getAttribute("aria-disabled") !== disabled) handle.setAttribute("aria-disabled", disabled);
    };
    // noUiSlider writes aria-valuetext on every move, ipywidgets the readout: write ours after either.
    const watch = new MutationObserver(sync);
    watch.observe(handle, { attributes: true, attributeFilter: ["aria-valuetext"] });
    if (track) watch.observe(track, { attributes: true, attributeFilter: ["disabled"] });
    if (readout) watch.observe(readout, { childList: true, characterData: true, subtree: true });
    const next = widget.nextElementSibling;
    if (next && next.classList.contains("widget-html")) watch.observe(next, { childList: true, characterData: true, subtree: true });
    sync();
  }

  function decorateButtons(widget) {
    if (!widget.__ceNamed) {
      widget.__ceNamed = true;
      widget.setAttribute("role", "group");
      keysStay(widget);
      const name = nameOf(widget);
      if (name) widget.setAttribute("aria-label", name);
      const sync = () => widget.querySelectorAll("button").forEach((b) => {
        b.__ceNamed = true;  // the group keeps its buttons' state
        keysStay(b);  // on the button itself: Space on a button in a JupyterLab deck went to the deck, not the button
        const pressed = b.classList.contains("mod-active") ? "true" : "false";
        if (b.getAttribute("aria-pressed") !== pressed) b.setAttribute("aria-pressed", pressed);
      });
      new MutationObserver(sync).observe(widget, { attributes: true, attributeFilter: ["class"], subtree: true, childList: true });
      sync();
    }
  }

  // A menu's full name: ipywidgets drops a menu's tooltip when it has a description, so the explorer lists its
  // controls' names by label in a hidden element (Explorer._names_html).
  function listedName(widget, label) {
    const explorer = widget.closest(".ce-explorer");
    const list = explorer && explorer.querySelector(".ce-control-names");
    if (!list || !label) return "";
    try { return clean(JSON.parse(list.dataset.names || "{}")[clean(label.textContent)]); } catch (e) { return ""; }
  }

  // A single ToggleButton (the explorers' "Show the data as tables") says whether it is pressed.
  function decorateToggle(button) {
    if (button.__ceNamed) return;
    button.__ceNamed = true;
    keysStay(button);
    const sync = () => {
      const pressed = button.classList.contains("mod-active") ? "true" : "false";
      if (button.getAttribute("aria-pressed") !== pressed) button.setAttribute("aria-pressed", pressed);
    };
    new MutationObserver(sync).observe(button, { attributes: true, attributeFilter: ["class"] });
    sync();
  }

  function decorateMenu(widget) {
    const select = widget.querySelector("select");
    if (!select || select.__ceNamed) return;
    const label = widget.querySelector(":scope > .widget-label");
    const full = clean(label && label.getAttribute("title")) || listedName(widget, label);
    if (widget.closest(".ce-explorer") && !widget.closest(".ce-explorer").querySelector(".ce-control-names")) return;  // not all drawn yet
    select.__ceNamed = true;
    keysStay(select);
    if (full) select.setAttribute("aria-label", full);
  }

  function decorate(root) {
    root.querySelectorAll(SLIDER).forEach(decorateSlider);
    root.querySelectorAll(".widget-toggle-buttons").forEach(decorateButtons);
    root.querySelectorAll(".widget-dropdown").forEach(decorateMenu);
    root.querySelectorAll("button.widget-toggle-button").forEach(decorateToggle);
    root.querySelectorAll(".widget-checkbox input").forEach(keysStay);
    root.querySelectorAll(".ce-readout:not([role])").forEach((el) => {
      el.setAttribute("role", "status");  // a polite live region (WAI-ARIA 1.2, role "status")
      el.setAttribute("aria-live", "polite");
    });
  }

  let due = false;
  const later = () => {
    if (due) return;
    due = true;
    requestAnimationFrame(() => { due = false; decorate(document); });
  };
  const start = () => {
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.addedNodes.length && !(r.target.closest && r.target.closest(".ce-readout"))) { later(); return; }
      }
    }).observe(document.body, { childList: true, subtree: true });
    later();
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);  // loaded in a page's head (the book)
})();
