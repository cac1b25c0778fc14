// panel_state notebook host: runs a Core inside one Jupyter output, over anywidget's
// model messages (the standard Jupyter widget comm). Every protocol message travels as
// JSON text in {ps: text}; the host adds two notes of its own: {view: "closed"} when
// an output's view goes away, and the "snapshot" model value, the HTML of the last
// render, shown when a saved notebook is opened without a kernel to answer.
// A notebook has no page URL and no cookies of its own: those messages are ignored.
// Plain ES module, no dependencies; panel_state/notebook/esm.py joins it to core.js.

import {Core, PROTOCOL, h} from "./core.js";

const SNAPSHOT_DELAY = 1000; // ms after a change before the snapshot is taken (at most
// one a second, however often the output changes)

// The snapshot comes back from the notebook file: show it inert, without scripts,
// frames or event handlers, whatever the file holds.
function inertCopy(html) {
  const doc = new DOMParser().parseFromString(`<div>${html}</div>`, "text/html");
  const box = doc.body.firstElementChild;
  box.querySelectorAll("script, iframe, object, embed, link, style, base, form")
    .forEach((el) => el.remove());
  for (const el of box.querySelectorAll("*")) {
    for (const attr of [...el.attributes]) {
      const value = attr.value.trim().toLowerCase();
      if (attr.name.startsWith("on") || value.startsWith("javascript:")) {
        el.removeAttribute(attr.name);
      }
    }
  }
  return [...box.childNodes];
}

export class WidgetHost {
  constructor(model, el) {
    this.model = model;
    this.root = h("div", "ps-root ps-notebook");
    el.append(this.root);
    this.core = new Core(this.root, this);
    this.live = false;
    this.timer = null;
    this.onMessage = (content) => {
      if (content && typeof content.ps === "string") this.receive(content.ps);
    };
    model.on("msg:custom", this.onMessage);
    const snapshot = model.get("snapshot");
    if (snapshot) {
      this.root.classList.add("ps-snapshot");
      this.root.replaceChildren(...inertCopy(snapshot));
    }
    this.send({type: "hello", v: PROTOCOL.version, token: ""});
  }

  ping() { return this.core.ping(); }

  receive(text) {
    let msg;
    try { msg = JSON.parse(text); } catch (err) {
      console.error("panel_state: bad message", err);
      return;
    }
    this.core.handle(msg);
    if (msg.type === "render" || msg.type === "patch") this.snapshotSoon();
  }

  send(msg) {
    try {
      this.model.send({ps: JSON.stringify(msg)});
      return true;
    } catch (err) { // no kernel behind the model (a saved notebook): the snapshot stays
      console.debug("panel_state: no kernel to send to", err);
      return false;
    }
  }

  // -- host hooks (called by the core) -------------------------------------------------
  rendered(msg) {
    this.live = true;
    this.root.classList.remove("ps-snapshot");
    if (!msg.resumed) this.send({type: "loaded", url: null});
  }

  url() {} // no page URL in a notebook: Location stays in Python

  cookie() {} // the notebook page's cookies are not the app's

  // -- snapshot ---------------------------------------------------------------------------
  snapshotSoon() {
    if (this.timer === null) this.timer = setTimeout(() => this.snapshot(), SNAPSHOT_DELAY);
  }

  snapshot() {
    this.timer = null;
    if (!this.live) return; // a detached view (scrolled out of a windowed notebook) counts
    const html = this.root.innerHTML;
    if (html === this.model.get("snapshot")) return;
    this.model.set("snapshot", html);
    this.model.save_changes();
  }

  dispose() {
    clearTimeout(this.timer);
    this.model.off("msg:custom", this.onMessage);
    this.live = false;
    try {
      this.model.send({view: "closed"});
    } catch (err) { // the model itself is gone (closed from Python): nothing to tell
      console.debug("panel_state: view closed with its model", err);
    }
  }
}

function render({model, el}) {
  const host = new WidgetHost(model, el);
  el.panelState = host; // for tests and the curious: el.panelState.ping()
  return () => host.dispose();
}

export default {render};
