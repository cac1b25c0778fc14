// panel_state client core: renders the component tree the server sends, applies
// patches to just the changed nodes and turns user input into events. It knows no
// transport: a host (the page's websocket in client.js, a notebook output's widget
// comm in widget.js) moves the messages and does what only it can (URL, cookies).
// Plain ES module, no dependencies, no build step.

// The wire protocol; mirrors panel_state/wire/protocol.py SPEC (a test compares them).
export const PROTOCOL = /*PROTOCOL*/{
  "version": 1,
  "client": {
    "hello": {"v": "integer", "token": "string"},
    "loaded": {"url": "object|null"},
    "event": {"ref": "string", "name": "string", "value": "any"},
    "url": {"pathname": "string", "search": "string", "hash": "string"},
    "browser": {"info": "object"},
    "ping": {"id": "any"}
  },
  "server": {
    "render": {"v": "integer", "session": "string", "title": "string|null", "roots": "array",
               "resumed": "boolean", "error": "string|null"},
    "patch": {"ops": "array"},
    "url": {"action": "string", "url": "string"},
    "cookie": {"name": "string", "value": "string", "max_age": "integer|null",
               "path": "string"},
    "error": {"code": "string", "message": "string", "ref": "string|null"},
    "pong": {"id": "any"},
    "notification": {"action": "string", "id": "integer|null", "message": "string",
                     "kind": "string", "duration": "integer", "background": "string|null",
                     "icon": "string|null"},
    "notifications": {"position": "string", "max": "integer", "disconnect": "string|null"},
    "reload": {"token": "string"},
    "exception": {"kind": "string", "what": "string", "name": "string", "message": "string",
                  "file": "string|null", "line": "integer|null", "traceback": "string"}
  },
  "patchOps": ["props", "children", "emit"],
  "urlActions": ["push", "replace", "navigate"],
  "notificationActions": ["show", "dismiss", "clear"],
  "errors": ["app_error", "bad_json", "bad_message", "bad_token", "bad_version", "flood",
             "invalid_value", "not_open", "server_full", "session_expired", "too_large",
             "unknown_ref", "unknown_type"],
  "closeCodes": {"refused": 4001, "expired": 4002, "superseded": 4003, "slow": 4004,
                 "full": 4005, "flood": 4006, "timeout": 4007, "shutdown": 1001,
                 "reloaded": 4008}
}/*END PROTOCOL*/;

const SVG = "http://www.w3.org/2000/svg";

// -- small DOM helpers ------------------------------------------------------------------

export function h(tag, cls, text) {
  const el = document.createElement(tag);
  if (cls) el.className = cls;
  if (text !== undefined && text !== null) el.textContent = text;
  return el;
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function has(changed, ...names) {
  return names.some((n) => Object.prototype.hasOwnProperty.call(changed, n));
}

function labelled(view, control) {
  const wrap = h("label", "ps-widget");
  view.label = h("span", "ps-label");
  wrap.append(view.label, control);
  return wrap;
}

function setLabel(view, text) {
  view.label.textContent = text || "";
  view.label.hidden = !text;
}

function formatNumber(v) {
  if (typeof v !== "number") return String(v);
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
}

// Axis labels: at most 4 significant digits (0.999574 -> "0.9996"), whole numbers kept.
function formatTick(v) {
  if (typeof v !== "number" || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) || Math.abs(v) >= 1000) return String(Math.round(v));
  return String(Number(v.toPrecision(4)));
}

// -- component renderers ----------------------------------------------------------------
// Each kind has create(view, client) building view.el (and view.body for children) and
// update(view, changed) applying changed props (all props on first render). A layout
// whose children go in several slots (a card's header, a template's areas) has
// place(view) instead of view.body: it puts view.children's elements where they belong.

const KINDS = {};

KINDS.Button = {
  create(view, client) {
    view.el = h("button", "ps-button");
    view.el.type = "button";
    view.el.addEventListener("click", () => {
      client.event(view, "clicks", (view.props.clicks || 0) + 1);
    });
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) view.el.textContent = p.name || "";
    if (has(c, "disabled")) view.el.disabled = !!p.disabled;
    if (has(c, "button_type")) view.el.dataset.type = p.button_type || "default";
  },
};

KINDS.Toggle = {
  create(view, client) {
    view.el = h("button", "ps-button ps-toggle");
    view.el.type = "button";
    view.el.addEventListener("click", () => client.event(view, "value", !view.props.value));
  },
  update(view, c) {
    KINDS.Button.update(view, c);
    if (has(c, "value")) {
      view.el.setAttribute("aria-pressed", view.props.value ? "true" : "false");
      view.el.classList.toggle("ps-active", !!view.props.value);
    }
  },
};

KINDS.Checkbox = {
  create(view, client) {
    view.el = h("label", "ps-widget ps-checkbox");
    view.input = h("input");
    view.input.type = "checkbox";
    view.label = h("span", "ps-label");
    view.el.append(view.input, view.label);
    view.input.addEventListener("change", () => client.event(view, "value", view.input.checked));
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) view.label.textContent = p.name || "";
    if (has(c, "disabled")) view.input.disabled = !!p.disabled;
    if (has(c, "value")) view.input.checked = !!p.value;
  },
};

// A <select>'s options: one per label (the browser only ever sees labels).
function setOptions(select, labels) {
  select.replaceChildren(...(labels || []).map((label) => {
    const o = h("option", null, label);
    o.value = label;
    return o;
  }));
}

KINDS.Select = {
  create(view, client) {
    view.input = h("select", "ps-input");
    view.el = labelled(view, view.input);
    view.input.addEventListener("change", () => client.event(view, "value", view.input.value));
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) setLabel(view, p.name);
    if (has(c, "disabled")) view.input.disabled = !!p.disabled;
    if (has(c, "options")) setOptions(view.input, p.options);
    if (has(c, "options", "value")) {
      if (p.value === null || p.value === undefined) view.input.selectedIndex = -1;
      else view.input.value = p.value;
    }
  },
};

KINDS.TextInput = {
  create(view, client) {
    view.input = h("input", "ps-input");
    view.input.type = "text";
    view.el = labelled(view, view.input);
    view.input.addEventListener("change", () => client.event(view, "value", view.input.value));
    view.input.addEventListener("input", () => client.event(view, "value_input", view.input.value));
    view.input.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" || e.isComposing) return;
      client.event(view, "value", view.input.value);  // value first, as on blur
      client.action(view, "enter_pressed", true);
    });
  },
  update(view, c) { textUpdate(view, c); },
};

KINDS.PasswordInput = {
  create(view, client) {
    KINDS.TextInput.create(view, client);
    view.input.type = "password";
    view.input.autocomplete = "current-password";
  },
  update: KINDS.TextInput.update,
};

function slider(integer) {
  return {
    create(view, client) {
      view.input = h("input", "ps-slider");
      view.input.type = "range";
      view.el = labelled(view, view.input);
      const current = () => {
        const raw = view.input.value;
        return integer ? parseInt(raw, 10) : parseFloat(raw);
      };
      view.input.addEventListener("input", () => client.event(view, "value", current()));
      view.input.addEventListener("change", () => client.event(view, "value_throttled", current()));
    },
    update(view, c) {
      const p = view.props;
      if (has(c, "disabled")) view.input.disabled = !!p.disabled;
      if (has(c, "start")) view.input.min = p.start;
      if (has(c, "end")) view.input.max = p.end;
      if (has(c, "step")) view.input.step = p.step;
      if (has(c, "start", "end", "step", "value")) view.input.value = p.value;
      if (has(c, "name", "value", "show_value")) {
        const shown = p.show_value === false ? "" : formatNumber(p.value);
        setLabel(view, [p.name, shown].filter(Boolean).join(": "));
      }
    },
  };
}
KINDS.IntSlider = slider(true);
KINDS.FloatSlider = slider(false);

KINDS.Switch = {
  create(view, client) {
    KINDS.Checkbox.create(view, client);
    view.el.classList.add("ps-switch");
    view.input.setAttribute("role", "switch");
  },
  update(view, c) {
    KINDS.Checkbox.update(view, c);
    if (has(c, "value")) view.input.setAttribute("aria-checked", view.props.value ? "true" : "false");
  },
};

// Text areas and number inputs commit on "change" (Enter, leaving the field, an arrow).
function textUpdate(view, c) {
  const p = view.props;
  if (has(c, "name")) setLabel(view, p.name);
  if (has(c, "disabled")) view.input.disabled = !!p.disabled;
  if (has(c, "placeholder")) view.input.placeholder = p.placeholder || "";
  if (has(c, "max_length")) {
    if (p.max_length === null || p.max_length === undefined) view.input.removeAttribute("maxlength");
    else view.input.maxLength = p.max_length;
  }
  if (has(c, "value") && view.input.value !== (p.value ?? "")) view.input.value = p.value ?? "";
}

function growRows(view) {
  const p = view.props;
  let rows = p.rows || 2;
  if (p.auto_grow) {
    const lines = view.input.value.split("\n").length;
    rows = Math.max(rows, p.max_rows ? Math.min(lines, p.max_rows) : lines);
  }
  view.input.rows = rows;
}

KINDS.TextAreaInput = {
  create(view, client) {
    view.input = h("textarea", "ps-input ps-textarea");
    view.el = labelled(view, view.input);
    view.input.addEventListener("change", () => client.event(view, "value", view.input.value));
    view.input.addEventListener("input", () => {
      growRows(view);
      client.event(view, "value_input", view.input.value);
    });
  },
  update(view, c) {
    textUpdate(view, c);
    const p = view.props;
    if (has(c, "cols")) view.input.cols = p.cols || 20;
    if (has(c, "resizable")) {
      const r = p.resizable;
      view.input.style.resize = r === "width" ? "horizontal" : r === "height" ? "vertical"
        : r === "both" ? "both" : "none";
    }
    if (has(c, "rows", "auto_grow", "max_rows", "value")) growRows(view);
  },
};

function numberInput(integer) {
  return {
    create(view, client) {
      view.input = h("input", "ps-input ps-number");
      view.input.type = "number";
      view.el = labelled(view, view.input);
      view.input.addEventListener("change", () => {
        const raw = view.input.value.trim();
        client.event(view, "value", raw === "" ? null : Number(raw));
      });
    },
    update(view, c) {
      const p = view.props;
      if (has(c, "name")) setLabel(view, p.name);
      if (has(c, "disabled")) view.input.disabled = !!p.disabled;
      if (has(c, "placeholder")) view.input.placeholder = p.placeholder || "";
      for (const [prop, attr] of [["start", "min"], ["end", "max"]]) {
        if (!has(c, prop)) continue;
        if (p[prop] === null || p[prop] === undefined) view.input.removeAttribute(attr);
        else view.input.setAttribute(attr, p[prop]);
      }
      if (has(c, "step")) view.input.step = p.step ?? (integer ? 1 : "any");
      if (has(c, "value")) view.input.value = p.value === null || p.value === undefined ? "" : p.value;
    },
  };
}
KINDS.IntInput = numberInput(true);
KINDS.FloatInput = numberInput(false);

function rangeSlider(integer) {
  const parse = (raw) => (integer ? parseInt(raw, 10) : parseFloat(raw));
  return {
    create(view, client) {
      view.low = h("input", "ps-range-low");
      view.high = h("input", "ps-range-high");
      view.fill = h("div", "ps-range-fill");
      const box = h("div", "ps-range");
      box.append(h("div", "ps-range-track"), view.fill);
      for (const [input, name] of [[view.low, "Low"], [view.high, "High"]]) {
        input.type = "range";
        input.setAttribute("aria-label", name);
        box.append(input);
      }
      view.input = box;
      view.el = labelled(view, box);
      view.el.classList.add("ps-range-slider");
      const current = (moved) => {
        let lo = parse(view.low.value), hi = parse(view.high.value);
        if (lo > hi) { if (moved === view.low) lo = hi; else hi = lo; }
        view.low.value = lo; view.high.value = hi;
        return [lo, hi];
      };
      for (const input of [view.low, view.high]) {
        input.addEventListener("input", () => client.event(view, "value", current(input)));
        input.addEventListener("change", () => client.event(view, "value_throttled", current(input)));
      }
    },
    update(view, c) {
      const p = view.props;
      for (const input of [view.low, view.high]) {
        if (has(c, "disabled")) input.disabled = !!p.disabled;
        if (has(c, "start")) input.min = p.start;
        if (has(c, "end")) input.max = p.end;
        if (has(c, "step")) input.step = p.step;
      }
      const value = p.value || [p.start, p.end];
      if (has(c, "start", "end", "step", "value")) {
        view.low.value = value[0];
        view.high.value = value[1];
        const span = (p.end - p.start) || 1;
        view.fill.style.left = `${((value[0] - p.start) / span) * 100}%`;
        view.fill.style.width = `${((value[1] - value[0]) / span) * 100}%`;
        // Thumbs that meet stay reachable: the low one on top in the upper half.
        view.low.style.zIndex = value[0] - p.start > span / 2 ? "2" : "";
      }
      if (has(c, "name", "value", "show_value")) {
        const shown = p.show_value === false ? ""
          : `${formatNumber(value[0])} … ${formatNumber(value[1])}`;
        setLabel(view, [p.name, shown].filter(Boolean).join(": "));
      }
    },
  };
}
KINDS.RangeSlider = rangeSlider(false);
KINDS.IntRangeSlider = rangeSlider(true);

KINDS.DatePicker = {
  create(view, client) {
    view.input = h("input", "ps-input ps-date");
    view.input.type = "date";
    view.el = labelled(view, view.input);
    view.input.addEventListener("change", () => {
      client.event(view, "value", view.input.value === "" ? null : view.input.value);
    });
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) setLabel(view, p.name);
    if (has(c, "disabled")) view.input.disabled = !!p.disabled;
    if (has(c, "start")) view.input.min = p.start || "";
    if (has(c, "end")) view.input.max = p.end || "";
    if (has(c, "value")) view.input.value = p.value || "";
  },
};

KINDS.MultiSelect = {
  create(view, client) {
    view.input = h("select", "ps-input ps-multiselect");
    view.input.multiple = true;
    view.el = labelled(view, view.input);
    view.input.addEventListener("change", () => {
      client.event(view, "value", [...view.input.selectedOptions].map((o) => o.value));
    });
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) setLabel(view, p.name);
    if (has(c, "disabled")) view.input.disabled = !!p.disabled;
    if (has(c, "size")) view.input.size = p.size || 4;
    if (has(c, "options")) setOptions(view.input, p.options);
    if (has(c, "options", "value")) {
      const chosen = new Set(p.value || []);
      for (const o of view.input.options) o.selected = chosen.has(o.value);
    }
  },
};

// A labelled group of controls, one per option (checkboxes, buttons).
function group(view, cls) {
  view.el = h("div", `ps-widget ${cls}`);
  view.el.setAttribute("role", "group");
  view.label = h("span", "ps-label");
  view.label.id = `ps-label-${view.ref}`;
  view.el.setAttribute("aria-labelledby", view.label.id);
  view.items = h("div", "ps-group-items");
  view.el.append(view.label, view.items);
  view.controls = [];
}

KINDS.CheckBoxGroup = {
  create(view, client) {
    group(view, "ps-checkbox-group");
    view.send = () => client.event(view, "value",
      view.controls.filter((input) => input.checked).map((input) => input.value));
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) setLabel(view, p.name);
    if (has(c, "inline")) view.el.classList.toggle("ps-inline", !!p.inline);
    if (has(c, "options")) {
      view.controls = (p.options || []).map((label) => {
        const input = h("input");
        input.type = "checkbox";
        input.value = label;
        input.addEventListener("change", view.send);
        return input;
      });
      view.items.replaceChildren(...view.controls.map((input) => {
        const item = h("label", "ps-checkbox");
        item.append(input, h("span", "ps-label", input.value));
        return item;
      }));
    }
    if (has(c, "options", "disabled")) for (const i of view.controls) i.disabled = !!p.disabled;
    if (has(c, "options", "value")) {
      const chosen = new Set(p.value || []);
      for (const input of view.controls) input.checked = chosen.has(input.value);
    }
  },
};

KINDS.RadioButtonGroup = {
  create(view, client) {
    group(view, "ps-radio-buttons");
    view.client = client;
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) setLabel(view, p.name);
    if (has(c, "orientation")) view.el.classList.toggle("ps-vertical", p.orientation === "vertical");
    if (has(c, "options")) {
      view.controls = (p.options || []).map((label) => {
        const button = h("button", "ps-button", label);
        button.type = "button";
        button.addEventListener("click", () => view.client.event(view, "value", label));
        return button;
      });
      view.items.replaceChildren(...view.controls);
    }
    for (const button of view.controls) {
      if (has(c, "options", "disabled")) button.disabled = !!p.disabled;
      if (has(c, "options", "button_type")) button.dataset.type = p.button_type || "default";
      if (has(c, "options", "button_style")) button.dataset.style = p.button_style || "solid";
      if (has(c, "options", "value")) {
        const on = button.textContent === p.value;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        button.classList.toggle("ps-active", on);
      }
    }
  },
};

// StaticText: "label: value", both as text content -- never markup.
KINDS.StaticText = {
  create(view) {
    view.el = h("div", "ps-static-text");
    view.label = h("span", "ps-static-label");
    view.sep = h("span", null, ": ");
    view.text = h("span", "ps-static-value");
    view.el.append(view.label, view.sep, view.text);
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) {
      view.label.textContent = p.name || "";
      view.label.hidden = view.sep.hidden = !p.name;
    }
    if (has(c, "text")) view.text.textContent = p.text ?? "";
  },
};

KINDS.Markdown = {
  create(view) { view.el = h("div", "ps-markdown"); },
  update(view, c) { if (has(c, "html")) view.el.innerHTML = view.props.html || ""; },
};

KINDS.HTML = {
  create(view) { view.el = h("div", "ps-html"); },
  update(view, c) { if (has(c, "html")) view.el.innerHTML = view.props.html || ""; },
};

KINDS.Str = {
  create(view) { view.el = h("pre", "ps-str"); },
  update(view, c) { if (has(c, "text")) view.el.textContent = view.props.text ?? ""; },
};

function drawChart(view) {
  const p = view.props;
  const width = p.width || 600;
  const height = p.height || 300;
  const xs = p.x || [];
  const ys = p.y || [];
  const n = Math.min(xs.length, ys.length);
  const m = {left: 48, right: 12, top: p.title ? 28 : 12, bottom: 28};
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i], y = ys[i];
    if (x === null || y === null) continue;
    if (x < xmin) xmin = x; if (x > xmax) xmax = x;
    if (y < ymin) ymin = y; if (y > ymax) ymax = y;
  }
  if (xmax === xmin) { xmax += 1; xmin -= 1; }
  if (ymax === ymin) { ymax += 1; ymin -= 1; }
  const yLabels = Number.isFinite(ymin) ? [formatTick(ymin), formatTick(ymax)] : [];
  // Room for the longer y label (about 7 px per character at the tick font size).
  m.left = Math.max(m.left, 12 + 7 * Math.max(...yLabels.map((t) => t.length)));
  const root = svg("svg", {width, height, viewBox: `0 0 ${width} ${height}`, role: "img"});
  if (p.title) {
    root.append(svg("text", {x: width / 2, y: 18, "text-anchor": "middle", class: "ps-chart-title"},
                    p.title));
  }
  const x0 = m.left, x1 = width - m.right, y0 = height - m.bottom, y1 = m.top;
  root.append(svg("line", {x1: x0, y1: y0, x2: x1, y2: y0, class: "ps-axis"}),
              svg("line", {x1: x0, y1: y0, x2: x0, y2: y1, class: "ps-axis"}));
  if (n > 0 && Number.isFinite(xmin) && Number.isFinite(ymin)) {
    const sx = (x) => x0 + ((x - xmin) / (xmax - xmin)) * (x1 - x0);
    const sy = (y) => y0 - ((y - ymin) / (ymax - ymin)) * (y0 - y1);
    const pts = [];
    for (let i = 0; i < n; i++) {
      if (xs[i] === null || ys[i] === null) continue;
      pts.push(`${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`);
    }
    root.append(svg("polyline", {points: pts.join(" "), class: "ps-line", fill: "none"}));
    const tick = (attrs, text) => root.append(svg("text", {class: "ps-tick", ...attrs}, text));
    tick({x: x0, y: y0 + 18, "text-anchor": "start"}, formatTick(xmin));
    tick({x: x1, y: y0 + 18, "text-anchor": "end"}, formatTick(xmax));
    tick({x: x0 - 6, y: y0, "text-anchor": "end"}, yLabels[0]);
    tick({x: x0 - 6, y: y1 + 10, "text-anchor": "end"}, yLabels[1]);
  }
  view.el.replaceChildren(root);
}

KINDS.LineChart = {
  create(view) { view.el = h("div", "ps-chart"); },
  update(view, c) {
    if (has(c, "x", "y", "title", "width", "height")) {
      view.props.x = [...(view.props.x || [])];
      view.props.y = [...(view.props.y || [])];
      drawChart(view);
    }
  },
  emit(view, msg) {
    if (msg.op !== "stream") return;
    const p = view.props;
    p.x = p.x.concat(msg.x);
    p.y = p.y.concat(msg.y);
    if (msg.rollover !== null && msg.rollover !== undefined) {
      p.x = p.x.slice(-msg.rollover);
      p.y = p.y.slice(-msg.rollover);
    }
    drawChart(view);
  },
};

function layout(cls) {
  return {
    create(view) { view.el = h("div", cls); view.body = view.el; },
    update(view, c) { if (has(c, "scroll")) setScroll(view.el, view.props.scroll); },
  };
}
KINDS.Row = layout("ps-row");
KINDS.Param = layout("ps-param");

// -- scrolling (Column, Card) -------------------------------------------------------------
// data-scroll picks the overflow rule in client.css; "" scrolls nothing.
function setScroll(el, mode) {
  if (mode) el.dataset.scroll = mode;
  else delete el.dataset.scroll;
}

const SCROLL_REPORT_MS = 150; // at most one scroll_position event this often

function fromBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight; }

function toBottom(view) { view.el.scrollTop = view.el.scrollHeight; }

function showScrollButton(view) {
  const button = view.scrollButton, limit = view.props.scroll_button_threshold || 0;
  if (button) button.classList.toggle("ps-visible", limit > 0 && fromBottom(view.el) > limit);
}

// view.el scrolls: the user's scrolling goes to the server as scroll_position (throttled,
// the last position always sent), the server's scroll_position scrolls it.
function scrollable(view, client) {
  let timer = null, last = 0;
  const report = () => {
    timer = null;
    last = Date.now();
    const top = Math.round(view.el.scrollTop);
    if (!view.dead && top !== view.props.scroll_position) client.event(view, "scroll_position", top);
  };
  view.el.addEventListener("scroll", () => {
    showScrollButton(view);
    if (timer === null) timer = setTimeout(report, Math.max(0, SCROLL_REPORT_MS - (Date.now() - last)));
  });
}

function updateScroll(view, c) {
  const p = view.props, el = view.el;
  if (has(c, "scroll")) setScroll(el, p.scroll);
  if (has(c, "scroll_button_threshold")) {
    if (p.scroll_button_threshold > 0 && !view.scrollButton) {
      const button = view.scrollButton = h("button", "ps-scroll-button");
      button.type = "button";
      button.setAttribute("aria-label", "Scroll to latest");
      button.addEventListener("click", () => toBottom(view));
      el.append(button);
    }
    showScrollButton(view);
  }
  if (has(c, "scroll_position") && el.isConnected && Math.abs(el.scrollTop - p.scroll_position) >= 1) {
    el.scrollTop = p.scroll_position;
  }
}

// Place the children with put(), then keep to the bottom if the user was within
// auto_scroll_limit of it and children came. The first placement happens before the
// element is in the page: the start position (view_latest or scroll_position) waits.
function placeScrolled(view, put) {
  const el = view.el, count = view.placed;
  const near = fromBottom(el) <= (view.props.auto_scroll_limit || 0);
  put();
  if (view.scrollButton) el.append(view.scrollButton);
  view.placed = view.children.length;
  if (count === undefined) {
    queueMicrotask(() => {
      if (view.props.view_latest) toBottom(view);
      else if (view.props.scroll_position) el.scrollTop = view.props.scroll_position;
      showScrollButton(view);
    });
  } else if (view.props.auto_scroll_limit > 0 && near && view.placed > count) {
    toBottom(view);
  }
  showScrollButton(view);
}

function scrollTo(view, msg) {
  if (msg.op !== "scroll_to") return;
  const child = view.children.find((c) => c.ref === msg.ref);
  if (child) view.el.scrollTop += child.el.getBoundingClientRect().top - view.el.getBoundingClientRect().top;
}

KINDS.Column = {
  create(view, client) {
    view.el = h("div", "ps-column");
    scrollable(view, client);
  },
  place(view) { placeScrolled(view, () => view.el.replaceChildren(...view.children.map((c) => c.el))); },
  update: updateScroll,
  emit: scrollTo,
};

function classes(base, extra) {
  return [base, ...(Array.isArray(extra) ? extra : [])].join(" ");
}

function px(v) { return v === null || v === undefined ? "" : `${v}px`; }

KINDS.FlexBox = {
  create(view) { view.el = h("div", "ps-flexbox"); view.body = view.el; },
  update(view, c) {
    const p = view.props, s = view.el.style;
    if (has(c, "flex_direction")) s.flexDirection = p.flex_direction || "";
    if (has(c, "flex_wrap")) s.flexWrap = p.flex_wrap || "";
    if (has(c, "justify_content")) s.justifyContent = p.justify_content || "";
    if (has(c, "align_items")) s.alignItems = p.align_items || "";
    if (has(c, "align_content")) s.alignContent = p.align_content || "";
    if (has(c, "gap")) s.gap = p.gap || "";
  },
};

function spacer(cls) {
  return {
    create(view) { view.el = h("div", cls); },
    update(view, c) {
      if (has(c, "width")) view.el.style.width = px(view.props.width);
      if (has(c, "height")) view.el.style.height = px(view.props.height);
    },
  };
}
KINDS.Spacer = spacer("ps-spacer");
KINDS.HSpacer = spacer("ps-spacer ps-hspacer");
KINDS.VSpacer = spacer("ps-spacer ps-vspacer");
KINDS.Divider = {
  create(view) { view.el = h("div", "ps-divider"); view.el.append(h("hr")); },
  update() {},
};

// Tabs: a row of tab buttons over one panel per child; only the active one shows. With
// dynamic the server sends only the shown child (props.shown is its index): one panel.
function drawTabs(view) {
  const p = view.props;
  const titles = p.titles || [];
  const doc = view.el.ownerDocument;
  const refocus = view.bar.contains(doc.activeElement); // keep the keyboard on the tabs
  view.bar.replaceChildren(...titles.map((title, i) => {
    const item = h("span", "ps-tab-item");
    const tab = h("button", "ps-tab", title ?? "");
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.setAttribute("aria-selected", i === p.active ? "true" : "false");
    tab.addEventListener("click", () => { if (view.props.active !== i) view.client.event(view, "active", i); });
    item.append(tab);
    if (p.closable) {
      const close = h("button", "ps-tab-close", "×");
      close.type = "button";
      close.setAttribute("aria-label", `Close ${title ?? ""}`);
      close.addEventListener("click", () => view.client.action(view, "close", i));
      item.append(close);
    }
    return item;
  }));
  view.slots.forEach((slot, i) => { slot.hidden = (p.dynamic ? p.shown : i) !== p.active; });
  if (refocus) view.bar.querySelector("[aria-selected=true]")?.focus();
}

KINDS.Tabs = {
  create(view, client) {
    view.client = client;
    view.el = h("div", "ps-tabs");
    view.bar = h("div", "ps-tabs-bar");
    view.bar.setAttribute("role", "tablist");
    view.panels = h("div", "ps-tabs-panels");
    view.el.append(view.bar, view.panels);
    view.slots = [];
  },
  place(view) {
    view.slots = view.children.map((child) => {
      const slot = h("div", "ps-tab-panel");
      slot.setAttribute("role", "tabpanel");
      slot.append(child.el);
      return slot;
    });
    view.panels.replaceChildren(...view.slots);
    drawTabs(view);
  },
  update(view, c) {
    if (has(c, "tabs_location")) view.el.dataset.location = view.props.tabs_location || "above";
    if (has(c, "scroll")) setScroll(view.panels, view.props.scroll);
    if (has(c, "titles", "active", "closable", "dynamic", "shown")) drawTabs(view);
  },
};

// Card: a header bar (collapse button, title or the header component) over the children.
KINDS.Card = {
  create(view, client) {
    view.el = h("div", "ps-card");
    view.head = h("div", "ps-card-header");
    view.button = h("button", "ps-card-button");
    view.button.type = "button";
    view.title = h("h3", "ps-card-title");
    view.slot = h("div", "ps-card-header-slot");
    view.head.append(view.button, view.title, view.slot);
    view.content = h("div", "ps-card-body");
    view.el.append(view.head, view.content);
    const toggle = () => {
      if (view.props.collapsible) client.event(view, "collapsed", !view.props.collapsed);
    };
    view.button.addEventListener("click", toggle);
    view.title.addEventListener("click", toggle);
    scrollable(view, client);
  },
  place(view) {
    const [header, ...rest] = view.children;
    placeScrolled(view, () => {
      view.slot.replaceChildren(...(header ? [header.el] : []));
      view.content.replaceChildren(...rest.map((child) => child.el));
    });
  },
  emit: scrollTo,
  update(view, c) {
    const p = view.props;
    updateScroll(view, c);
    if (has(c, "header_css_classes")) view.head.className = classes("ps-card-header", p.header_css_classes);
    if (has(c, "button_css_classes")) view.button.className = classes("ps-card-button", p.button_css_classes);
    if (has(c, "title_css_classes")) view.title.className = classes("ps-card-title", p.title_css_classes);
    if (has(c, "title", "has_header")) {
      view.title.textContent = p.title || "";
      view.title.hidden = !!p.has_header;
    }
    if (has(c, "hide_header")) view.head.hidden = !!p.hide_header;
    if (has(c, "collapsed", "collapsible")) {
      view.content.hidden = !!p.collapsed;
      view.el.classList.toggle("ps-collapsed", !!p.collapsed);
      view.button.hidden = !p.collapsible;
      view.button.textContent = p.collapsed ? "▸" : "▾";
      view.button.setAttribute("aria-expanded", p.collapsed ? "false" : "true");
      view.button.setAttribute("aria-label", p.collapsed ? "Expand" : "Collapse");
    }
    if (has(c, "header_background", "active_header_background", "collapsed", "header_color")) {
      view.head.style.background = (!p.collapsed && p.active_header_background) || p.header_background || "";
      view.head.style.color = p.header_color || "";
    }
  },
};

// Template: the whole page. Each child is one area (props.areas names them, in order).
KINDS.Template = {
  create(view, client) {
    view.client = client;
    view.el = h("div", "ps-template");
    const header = view.header = h("header", "ps-template-header");
    view.toggle = h("button", "ps-template-toggle", "☰");
    view.toggle.type = "button";
    view.toggle.setAttribute("aria-label", "Toggle sidebar");
    view.brand = h("a", "ps-template-brand");
    view.logo = h("img", "ps-template-logo");
    view.logo.alt = "";
    view.site = h("span", "ps-template-site");
    view.brand.append(view.logo, view.site);
    view.title = h("h1", "ps-template-title");
    view.slots = {header: h("div", "ps-template-header-area"), sidebar: h("aside", "ps-template-sidebar"),
                  main: h("main", "ps-template-main"), right_sidebar: h("aside", "ps-template-right"),
                  modal: h("div", "ps-template-modal-area")};
    header.append(view.toggle, view.brand, view.title, view.slots.header);
    const body = h("div", "ps-template-body");
    body.append(view.slots.sidebar, view.slots.main, view.slots.right_sidebar);
    view.modal = h("div", "ps-template-modal");
    view.modal.setAttribute("role", "dialog");
    view.modal.setAttribute("aria-modal", "true");
    const box = h("div", "ps-template-modal-box");
    view.closeModal = h("button", "ps-template-modal-close", "×");
    view.closeModal.type = "button";
    view.closeModal.setAttribute("aria-label", "Close");
    box.append(view.closeModal, view.slots.modal);
    view.modal.append(box);
    view.el.append(header, body, view.modal);
    view.toggle.addEventListener("click", () => {
      const collapsed = !view.el.classList.contains("ps-collapsed");
      view.el.classList.toggle("ps-collapsed", collapsed);
      view.toggle.setAttribute("aria-expanded", collapsed ? "false" : "true");
    });
    const close = () => { if (view.props.modal_open) client.event(view, "modal_open", false); };
    view.closeModal.addEventListener("click", close);
    view.modal.addEventListener("click", (ev) => { if (ev.target === view.modal) close(); });
    view.el.addEventListener("keydown", (ev) => { if (ev.key === "Escape") close(); });
  },
  place(view) {
    const areas = view.props.areas || [];
    for (const slot of Object.values(view.slots)) slot.replaceChildren();
    view.children.forEach((child, i) => view.slots[areas[i]]?.append(child.el));
  },
  update(view, c) {
    const p = view.props, host = view.client.host, style = view.el.style;
    if (has(c, "title")) {
      view.title.textContent = p.title || "";
      if (host.title) host.title(p.title || "");
    }
    if (has(c, "logo")) {
      if (p.logo) view.logo.setAttribute("src", p.logo);
      view.logo.hidden = !p.logo;
    }
    if (has(c, "site")) view.site.textContent = p.site || "";
    if (has(c, "site_url")) view.brand.setAttribute("href", p.site_url || "/");
    if (has(c, "logo", "site")) view.brand.hidden = !p.logo && !p.site;
    if (has(c, "favicon") && p.favicon && host.favicon) host.favicon(p.favicon);
    if (has(c, "header_background")) view.header.style.background = p.header_background || "";
    if (has(c, "header_color")) view.header.style.color = p.header_color || "";
    if (has(c, "sidebar_width")) style.setProperty("--ps-sidebar-width", px(p.sidebar_width));
    if (has(c, "right_sidebar_width")) style.setProperty("--ps-right-width", px(p.right_sidebar_width));
    if (has(c, "main_max_width")) view.slots.main.style.maxWidth = p.main_max_width || "";
    if (has(c, "collapsed_sidebar")) {
      view.el.classList.toggle("ps-collapsed", !!p.collapsed_sidebar);
      view.toggle.setAttribute("aria-expanded", p.collapsed_sidebar ? "false" : "true");
    }
    if (has(c, "theme")) view.el.dataset.theme = p.theme || "default";
    if (has(c, "accent_base_color")) style.setProperty("--ps-accent", p.accent_base_color || "");
    if (has(c, "background_color")) style.background = p.background_color || "";
    if (has(c, "modal_open")) {
      view.modal.hidden = !p.modal_open;
      if (p.modal_open) view.closeModal.focus();
    }
  },
};

KINDS.ParamFunction = {
  create(view) {
    view.el = h("div", "ps-pfunc");
    view.body = h("div", "ps-pfunc-body");
    view.spinner = h("div", "ps-spinner");
    view.spinner.setAttribute("role", "status");
    view.spinner.setAttribute("aria-label", "Loading");
    view.errorBox = h("div", "ps-error");
    view.errorBox.setAttribute("role", "alert");
    view.el.append(view.spinner, view.errorBox, view.body);
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "loading")) {
      view.spinner.hidden = !p.loading;
      view.el.classList.toggle("ps-loading", !!p.loading);
      view.el.setAttribute("aria-busy", p.loading ? "true" : "false");
    }
    if (has(c, "error")) {
      view.errorBox.hidden = !p.error;
      view.errorBox.textContent = p.error || "";
    }
  },
};

// The DataFrame's table is pandas' to_html with every cell escaped on the server, and
// Alert's text Markdown rendered with raw HTML off: markup made by the server, not text
// a user wrote, so they go in as HTML like the Markdown pane's.
KINDS.DataFrame = {
  create(view) { view.el = h("div", "ps-dataframe"); },
  update(view, c) { if (has(c, "html")) view.el.innerHTML = view.props.html || ""; },
};

KINDS.Alert = {
  create(view) {
    view.el = h("div", "ps-alert");
    view.el.setAttribute("role", "alert");
  },
  update(view, c) {
    if (has(c, "alert_type")) view.el.dataset.color = view.props.alert_type || "primary";
    if (has(c, "html")) view.el.innerHTML = view.props.html || "";
  },
};

// Images load only http(s) or data:image URLs (the server checked; checked again here).
const IMAGE_SRC = /^(https?:\/\/|data:image\/(png|jpeg|gif|webp|x-icon|avif|svg\+xml);base64,)/i;

KINDS.Image = {
  create(view) {
    view.el = h("figure", "ps-image");
    view.img = h("img");
    view.caption = h("figcaption");
  },
  update(view) {
    const p = view.props;
    const img = view.img;
    if (IMAGE_SRC.test(p.src || "")) img.setAttribute("src", p.src);
    else img.removeAttribute("src");
    img.alt = p.alt_text || "";
    img.style.width = p.width ? `${p.width}px` : "";
    img.style.height = p.height ? `${p.height}px` : "";
    img.style.objectFit = p.fixed_aspect === false ? "fill" : "contain";
    let top = img;
    if (p.link_url) {
      top = h("a", "ps-image-link");
      top.setAttribute("href", p.link_url);
      top.setAttribute("target", p.target || "_blank");
      top.setAttribute("rel", "noopener noreferrer");
      top.append(img);
    }
    view.caption.textContent = p.caption || "";
    view.el.replaceChildren(top, ...(p.caption ? [view.caption] : []));
  },
};

function jsonNode(value, key, level, p) {
  const keyEl = () => h("span", "ps-json-key", typeof key === "number" ? `${key}:` : `${JSON.stringify(key)}:`);
  if (value !== null && typeof value === "object") {
    const array = Array.isArray(value);
    const entries = array ? value.map((v, i) => [i, v]) : Object.entries(value);
    const node = h("details", "ps-json-node");
    node.open = p.depth < 0 || level < p.depth;
    const summary = h("summary");
    if (key !== undefined) summary.append(keyEl());
    summary.append(h("span", "ps-json-brace", array ? `[${entries.length}]` : `{${entries.length}}`));
    if (p.hover_preview) summary.title = JSON.stringify(value).slice(0, 200);
    const body = h("div", "ps-json-children");
    for (const [k, v] of entries) body.append(jsonNode(v, k, level + 1, p));
    node.append(summary, body);
    return node;
  }
  const leaf = h("div", "ps-json-leaf");
  if (key !== undefined) leaf.append(keyEl());
  const type = value === null ? "null" : typeof value;
  leaf.append(h("span", `ps-json-${type}`, JSON.stringify(value)));
  return leaf;
}

KINDS.JSON = {
  create(view) { view.el = h("div", "ps-json"); },
  update(view, c) {
    if (has(c, "theme")) view.el.dataset.theme = view.props.theme || "light";
    if (has(c, "data", "depth", "hover_preview")) {
      view.el.replaceChildren(jsonNode(view.props.data, undefined, 0, view.props));
    }
  },
};

KINDS.LoadingSpinner = {
  create(view) {
    view.el = h("div", "ps-spinner-indicator");
    view.ring = h("span", "ps-ring");
    view.ring.setAttribute("role", "status");
    view.text = h("span", "ps-spinner-text");
    view.el.append(view.ring, view.text);
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "size")) {
      view.ring.style.width = view.ring.style.height = `${p.size}px`;
      view.ring.style.borderWidth = `${Math.max(3, Math.round(p.size / 10))}px`;
    }
    if (has(c, "color")) view.ring.dataset.color = p.color || "dark";
    if (has(c, "bgcolor")) view.ring.dataset.bg = p.bgcolor || "light";
    if (has(c, "value")) {
      view.ring.classList.toggle("ps-spinning", !!p.value);
      view.ring.setAttribute("aria-busy", p.value ? "true" : "false");
    }
    if (has(c, "name")) {
      view.text.textContent = p.name || "";
      view.text.hidden = !p.name;
      view.ring.setAttribute("aria-label", p.name || "Loading");
    }
  },
};

KINDS.Number = {
  create(view) {
    view.el = h("div", "ps-number");
    view.title = h("div", "ps-number-title");
    view.value = h("div", "ps-number-value");
    view.el.append(view.title, view.value);
  },
  update(view, c) {
    const p = view.props;
    if (has(c, "name")) { view.title.textContent = p.name || ""; view.title.hidden = !p.name; }
    if (has(c, "text")) view.value.textContent = p.text ?? "";
    if (has(c, "color")) {
      view.title.style.setProperty("color", p.color || "");
      view.value.style.setProperty("color", p.color || "");
    }
    if (has(c, "font_size")) view.value.style.setProperty("font-size", p.font_size || "");
    if (has(c, "title_size")) view.title.style.setProperty("font-size", p.title_size || "");
  },
};

KINDS.Progress = {
  create(view) {
    view.el = h("div", "ps-progress");
    view.bar = h("progress");
    view.el.append(view.bar);
  },
  update(view) {
    const p = view.props;
    const bar = view.bar;
    bar.max = p.max || 100;
    const known = typeof p.value === "number" && p.value >= 0;
    if (known) bar.value = p.value;
    else if (p.active === false) bar.value = 0; // indeterminate but still: an empty bar
    else bar.removeAttribute("value");
    bar.dataset.color = p.bar_color || "success";
  },
};

KINDS.Unknown = {
  create(view) {
    view.el = h("div", "ps-unknown");
    view.el.dataset.kind = view.kind;
    view.body = view.el;
  },
  update() {},
};

function applyCss(view, css) {
  const el = view.el;
  const style = css.style || {};
  for (const name of view.cssNames || []) if (!(name in style)) el.style.removeProperty(name);
  for (const [name, raw] of Object.entries(style)) {
    const text = String(raw);
    const important = /\s*!important\s*$/i.exec(text);
    el.style.setProperty(name, important ? text.slice(0, important.index) : text,
                         important ? "important" : "");
  }
  view.cssNames = Object.keys(style);
  const classes = css.classes || [];
  for (const cls of view.cssClasses || []) if (!classes.includes(cls)) el.classList.remove(cls);
  for (const cls of classes) el.classList.add(cls);
  view.cssClasses = classes;
}

// -- notifications ----------------------------------------------------------------------
// Toasts the session sends (pn.state.notifications). Every text goes in as textContent:
// a message is never markup and nothing in it runs.

export class Toasts {
  constructor(doc) {
    this.doc = doc;
    this.settings = {position: "bottom-right", max: 5, disconnect: null};
    this.area = null;
    this.shown = new Map(); // id -> element
  }

  configure(msg) {
    this.settings = {position: msg.position, max: msg.max, disconnect: msg.disconnect};
    if (this.area) this.area.dataset.position = msg.position;
    this.trim();
  }

  container() {
    if (!this.area || !this.area.isConnected) {
      this.area = h("div", "ps-notifications");
      this.area.setAttribute("aria-live", "polite");
      this.area.dataset.position = this.settings.position;
      this.doc.body.append(this.area);
    }
    return this.area;
  }

  handle(msg) {
    if (msg.action === "show") this.show(msg.id, msg);
    else if (msg.action === "dismiss") this.dismiss(msg.id);
    else if (msg.action === "clear") for (const id of [...this.shown.keys()]) this.dismiss(id);
  }

  show(id, {message, kind, duration, background, icon}) {
    const el = h("div", "ps-notification");
    el.dataset.kind = kind || "default";
    el.setAttribute("role", kind === "error" || kind === "warning" ? "alert" : "status");
    if (background) el.style.background = background;
    if (icon) el.append(h("span", "ps-notification-icon", icon));
    el.append(h("span", "ps-notification-text", message));
    const close = h("button", "ps-notification-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", "Dismiss");
    close.addEventListener("click", () => this.dismiss(id));
    el.append(close);
    this.dismiss(id);
    this.shown.set(id, el);
    this.container().append(el);
    if (duration > 0) setTimeout(() => { if (this.shown.get(id) === el) this.dismiss(id); }, duration);
    this.trim();
    return el;
  }

  dismiss(id) {
    const el = this.shown.get(id);
    if (!el) return;
    this.shown.delete(id);
    el.remove();
  }

  trim() {
    while (this.shown.size > Math.max(1, this.settings.max)) {
      this.dismiss(this.shown.keys().next().value);
    }
  }
}

// -- browser info -------------------------------------------------------------------------
// What pn.state.browser_info holds; reported after the first render and on changes.

export function browserInfo(win) {
  const nav = win.navigator || {};
  let timezone = null;
  try { timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (err) { /* none */ }
  let webgl = null;
  try {
    const canvas = win.document.createElement("canvas");
    webgl = !!(canvas.getContext("webgl") || canvas.getContext("experimental-webgl"));
  } catch (err) { webgl = false; }
  const dark = win.matchMedia ? win.matchMedia("(prefers-color-scheme: dark)").matches : null;
  const int = (v) => (Number.isFinite(v) ? Math.max(0, Math.round(v)) : null);
  return {
    dark_mode: dark,
    device_pixel_ratio: Number.isFinite(win.devicePixelRatio) ? win.devicePixelRatio : null,
    language: typeof nav.language === "string" ? nav.language.slice(0, 200) : null,
    timezone: timezone ? String(timezone).slice(0, 200) : null,
    timezone_offset: new Date().getTimezoneOffset(),
    webdriver: typeof nav.webdriver === "boolean" ? nav.webdriver : null,
    webgl,
    screen_width: win.screen ? int(win.screen.width) : null,
    screen_height: win.screen ? int(win.screen.height) : null,
    window_width: int(win.innerWidth),
    window_height: int(win.innerHeight),
  };
}

// -- the core -----------------------------------------------------------------------------
// A host implements send(msg) -> bool (false when not connected), rendered(msg) (the
// first render is on screen: acknowledge it), and may implement url(action, url),
// cookie(msg), error(msg), reload(token) (--dev: swap to a fresh session) and
// exception(msg) (--dev: show an exception of user code; a toast without it).

export class Core {
  constructor(root, host) {
    this.root = root;
    this.host = host;
    this.views = new Map(); // ref -> Set of views showing that component
    this.session = null;
    this.pending = new Map(); // ping id -> resolve
    this.pings = 0;
    const doc = root.ownerDocument || document;
    this.toasts = new Toasts(doc);
    this.browser = null; // the last browser info sent
    this.watchingBrowser = false;
  }

  // -- browser info -----------------------------------------------------------------------
  reportBrowser() {
    const win = (this.root.ownerDocument || document).defaultView;
    if (!win) return;
    const info = browserInfo(win);
    const text = JSON.stringify(info);
    if (text !== this.browser && this.host.send({type: "browser", info})) this.browser = text;
    if (this.watchingBrowser) return;
    this.watchingBrowser = true;
    let timer = null;
    const later = () => { clearTimeout(timer); timer = setTimeout(() => this.reportBrowser(), 150); };
    win.addEventListener("resize", later);
    if (win.matchMedia) {
      const query = win.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", later);
    }
  }

  ping() {
    const id = ++this.pings;
    const start = performance.now();
    return new Promise((resolve) => {
      this.pending.set(id, () => resolve(performance.now() - start));
      this.host.send({type: "ping", id});
    });
  }

  // -- incoming -------------------------------------------------------------------------
  handle(msg) {
    switch (msg.type) {
      case "render": return this.render(msg);
      case "patch": return this.patch(msg.ops);
      case "url": return this.host.url ? this.host.url(msg.action, msg.url) : undefined;
      case "cookie": return this.host.cookie ? this.host.cookie(msg) : undefined;
      case "notification": return this.toasts.handle(msg);
      case "notifications": return this.toasts.configure(msg);
      case "error": return this.error(msg);
      case "reload": return this.host.reload ? this.host.reload(msg.token) : undefined;
      case "exception":
        if (this.host.exception) return this.host.exception(msg);
        return this.toast(`${msg.name}: ${msg.message}`);
      case "pong": {
        const done = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (done) done();
        return undefined;
      }
      default: console.warn("panel_state: unknown message", msg);
    }
    return undefined;
  }

  render(msg) {
    this.session = msg.session;
    for (const set of this.views.values()) for (const v of set) v.dead = true;
    this.views.clear();
    const nodes = msg.roots.map((node) => this.build(node).el);
    if (msg.error) {
      const box = h("div", "ps-error ps-app-error", msg.error);
      box.setAttribute("role", "alert");
      nodes.unshift(box);
    }
    this.root.replaceChildren(...nodes);
    // Before the acknowledgement, so onload callbacks already see pn.state.browser_info.
    this.browser = null; // a new or resumed session: tell it again
    this.reportBrowser();
    this.host.rendered(msg);
  }

  build(node) {
    const view = {ref: node.ref, kind: node.kind, props: {...node.props}, children: [],
                  el: null, body: null};
    const impl = KINDS[node.kind] || KINDS.Unknown;
    view.impl = impl;
    impl.create(view, this);
    view.el.dataset.ref = node.ref;
    view.el.classList.add("ps-node");
    this.common(view, view.props);
    impl.update(view, view.props);
    this.register(view);
    if (view.body || impl.place) {
      view.children = node.children.map((c) => this.build(c));
      this.place(view);
    }
    return view;
  }

  place(view) {
    if (view.impl.place) view.impl.place(view);
    else if (view.body) view.body.replaceChildren(...view.children.map((c) => c.el));
  }

  // Props every component has: visible, and css (its layout and style params as inline
  // CSS properties and class names, see panel_state/styling.py). Each property is set
  // with style.setProperty and each class with classList, so no value becomes markup.
  common(view, changed) {
    if (has(changed, "visible")) view.el.hidden = view.props.visible === false;
    if (has(changed, "css")) applyCss(view, view.props.css || {});
  }

  register(view) {
    let set = this.views.get(view.ref);
    if (!set) { set = new Set(); this.views.set(view.ref, set); }
    set.add(view);
  }

  unregister(view) {
    view.dead = true;
    const set = this.views.get(view.ref);
    if (set) {
      set.delete(view);
      if (!set.size) this.views.delete(view.ref);
    }
    for (const child of view.children) this.unregister(child);
  }

  patch(ops) {
    for (const op of ops) {
      const set = this.views.get(op.ref);
      if (!set) continue;
      for (const view of [...set]) {
        if ("props" in op) {
          Object.assign(view.props, op.props);
          this.common(view, op.props);
          view.impl.update(view, op.props);
        } else if ("children" in op) {
          this.replaceChildren(view, op.children);
        } else if ("emit" in op && view.impl.emit) {
          view.impl.emit(view, op.emit);
        }
      }
    }
  }

  replaceChildren(view, items) {
    const pool = [...view.children];
    const next = items.map((item) => {
      if (item.kind !== undefined) return this.build(item);
      const i = pool.findIndex((c) => c.ref === item.ref);
      if (i < 0) return this.build({ref: item.ref, kind: "Unknown", props: {}, children: []});
      return pool.splice(i, 1)[0];
    });
    for (const gone of pool) this.unregister(gone);
    view.children = next;
    this.place(view);
  }

  error(msg) {
    console.warn(`panel_state: ${msg.code}: ${msg.message}`);
    if (this.host.error && this.host.error(msg)) return;
    this.toast(msg.message);
  }

  // -- outgoing -------------------------------------------------------------------------
  event(view, name, value) {
    // Show the new value at once in every view of this component; the server does
    // not echo it back unless it ends up different.
    for (const other of this.views.get(view.ref) || []) {
      if (other !== view) {
        other.props[name] = value;
        other.impl.update(other, {[name]: value});
      }
    }
    view.props[name] = value;
    view.impl.update(view, {[name]: value});
    this.host.send({type: "event", ref: view.ref, name, value});
  }

  // An event the server acts on (close a tab): nothing changes here until its patch.
  action(view, name, value) {
    this.host.send({type: "event", ref: view.ref, name, value});
  }

  toast(text) {
    const el = h("div", "ps-toast", text);
    el.setAttribute("role", "alert");
    (this.root.ownerDocument || document).body.append(el);
    setTimeout(() => el.remove(), 4000);
  }
}
