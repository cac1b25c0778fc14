// panel_state page host: connects a page's Core to the server over a websocket, keeps
// the browser URL and the session's Location in two-way sync, stores cookies the
// session sets, shows the connection's state and reconnects after a dropped socket.
// Plain ES module, no dependencies, no build step, no network beyond the server.

import {Core, PROTOCOL, h} from "./core.js";

const CLOSE = PROTOCOL.closeCodes;

// The page-level element with this id (its class is the id too), made on first use.
function fixed(id, tag, role) {
  let el = document.getElementById(id);
  if (!el) {
    el = h(tag, id);
    el.id = id;
    el.setAttribute("role", role);
    document.body.append(el);
  }
  return el;
}

export class PageClient {
  constructor(root) {
    this.root = root;
    this.token = root.dataset.token;
    this.wsPath = root.dataset.ws || "/_ps/ws";
    this.core = new Core(root, this);
    this.status = "connecting";
    this.attempt = 0;
    this.socket = null;
    this.lastUrl = null;
    this.swap = null; // the in-place reload under way (--dev)
    this.swaps = 0; // in-place reloads done
    this.shown = false;
    window.addEventListener("popstate", () => this.reportUrl());
    window.addEventListener("hashchange", () => this.reportUrl());
    this.connect();
  }

  ping() { return this.core.ping(); }

  // -- connection ----------------------------------------------------------------------
  open(token, onMessage, onClose) {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${proto}//${location.host}${this.wsPath}`);
    socket.onopen = () => {
      socket.send(JSON.stringify({type: "hello", v: PROTOCOL.version, token}));
    };
    socket.onmessage = (ev) => {
      let msg;
      try { msg = JSON.parse(ev.data); } catch (err) { console.error("panel_state: bad message", err); return; }
      onMessage(msg);
    };
    socket.onclose = (ev) => onClose(ev.code, ev.reason);
    return socket;
  }

  connect() {
    const socket = this.open(this.token,
      (msg) => { if (socket === this.socket) this.core.handle(msg); },
      (code, reason) => { if (socket === this.socket) this.closed(code, reason); });
    this.socket = socket;
  }

  closed(code, reason) {
    this.socket = null;
    if (code === CLOSE.reloaded) {
      // Replaced by a fresh run (--dev); the swap under way takes over this page.
      if (!this.swap) this.overlay("This session was replaced by a newer run of the app.");
      return;
    }
    if (code === CLOSE.refused || code === CLOSE.expired) {
      this.setStatus("expired");
      this.overlay("Session expired — reload the page to start a new one.", reason);
      return;
    }
    if (code === CLOSE.superseded) {
      this.setStatus("superseded");
      this.overlay("This session is now open in another window — reload to continue here.");
      return;
    }
    if (code === CLOSE.full) {
      this.setStatus("full");
      this.overlay("The server is full right now — try again in a moment.", null, "Try again");
      return;
    }
    if (code === CLOSE.flood) {
      this.setStatus("flood");
      this.overlay("This page sent more events than the server accepts and was " +
                   "disconnected — reload to start again.");
      return;
    }
    this.setStatus("reconnecting");
    this.lost(true);
    const delay = Math.min(5000, 100 * 2 ** this.attempt);
    this.attempt += 1;
    setTimeout(() => this.connect(), delay);
  }

  // -- in-place reload (--dev) ------------------------------------------------------------
  // The server hands over a fresh token; a second socket opens its session and renders
  // it into a detached root. A clean render replaces the page's root (URL, scroll and
  // this page kept); one with an app error is dropped and the old UI stays.
  reload(token) {
    if (this.swap) this.swap.socket.close();
    const swap = {token, socket: null, root: this.root.cloneNode(false), core: null};
    swap.root.dataset.token = token;
    swap.core = new Core(swap.root, {
      send: (msg) => swap.socket.readyState === WebSocket.OPEN && (swap.socket.send(JSON.stringify(msg)), true),
      rendered: (msg) => this.swapped(swap, msg),
      url: (action, url) => this.url(action, url),
      cookie: (msg) => this.cookie(msg),
      error: (msg) => this.error(msg),
      exception: (msg) => this.exception(msg),
    });
    swap.socket = this.open(token, (msg) => swap.core.handle(msg), (code, reason) => {
      if (swap.socket === this.socket) this.closed(code, reason);
      else if (this.swap === swap) this.swap = null;
    });
    this.swap = swap;
  }

  swapped(swap, msg) {
    if (this.swap !== swap) return;
    this.swap = null;
    if (msg.error) return; // the new run raised: its exception message follows
    const [x, y] = [window.scrollX, window.scrollY];
    const old = this.socket;
    this.root.replaceWith(swap.root);
    this.root = swap.root;
    this.core = swap.core;
    this.core.host = this;
    this.socket = swap.socket;
    this.token = swap.token;
    this.swaps += 1;
    window.scrollTo(x, y);
    this.clearExceptions();
    if (old) old.close();
    this.rendered(msg);
  }

  send(msg) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(msg));
      return true;
    }
    return false;
  }

  setStatus(status) {
    this.status = status;
    document.documentElement.dataset.psStatus = status;
  }

  // -- host hooks (called by the core) -------------------------------------------------
  rendered(msg) {
    if (!msg.error) this.shown = true; // a working UI is on the page
    this.attempt = 0;
    this.setStatus("open");
    this.lost(false);
    if (msg.title) document.title = msg.title;
    if (!msg.resumed) {
      this.lastUrl = this.currentUrl();
      this.send({type: "loaded", url: this.urlParts()});
    } else {
      this.reportUrl();
    }
  }

  title(text) { document.title = text; }

  favicon(url) {
    for (const link of document.querySelectorAll("link[rel~='icon']")) link.remove();
    const link = document.createElement("link");
    link.rel = "icon";
    link.setAttribute("href", url);
    document.head.append(link);
  }

  error(msg) {
    // An ended session says so with its close code; nothing to toast.
    return ["session_expired", "bad_token", "server_full", "flood"].includes(msg.code);
  }

  url(action, url) {
    if (action === "navigate") {
      window.location.assign(url);
      return;
    }
    if (url === this.currentUrl()) return;
    if (action === "push") history.pushState(null, "", url);
    else if (action === "replace") history.replaceState(null, "", url);
    else { console.warn(`panel_state: unknown URL action ${action}`); return; }
    this.lastUrl = this.currentUrl();
    this.scrollToHash();
  }

  cookie(msg) {
    // Name, value and path were validated by the server (Session.set_cookie).
    let cookie = `${msg.name}=${msg.value}; path=${msg.path}; SameSite=Lax`;
    if (msg.max_age !== null) cookie += `; max-age=${msg.max_age}`;
    document.cookie = cookie;
  }

  // -- URL sync -------------------------------------------------------------------------
  urlParts() {
    return {pathname: location.pathname, search: location.search, hash: location.hash};
  }

  currentUrl() {
    return location.pathname + location.search + location.hash;
  }

  reportUrl() {
    const url = this.currentUrl();
    if (url === this.lastUrl) return;
    if (this.send({type: "url", ...this.urlParts()})) this.lastUrl = url;
  }

  scrollToHash() {
    // pushState does not scroll; a hash set from Python should, as a link would.
    const id = decodeURIComponent(window.location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (target) target.scrollIntoView();
  }

  // -- status UI ------------------------------------------------------------------------
  lost(isLost) {
    // pn.config.disconnect_notification replaces the banner with that toast.
    const text = this.core.toasts.settings.disconnect;
    const toasts = this.core.toasts;
    if (!isLost) {
      this.banner(null);
      toasts.dismiss("disconnect");
      return;
    }
    if (text) {
      if (!toasts.shown.has("disconnect")) toasts.show("disconnect", {message: text, kind: "error", duration: 0});
    } else {
      this.banner("Connection lost — reconnecting…");
    }
  }

  banner(text) {
    if (!text) { document.getElementById("ps-banner")?.remove(); return; }
    fixed("ps-banner", "div", "status").textContent = text;
  }

  overlay(text, detail, action = "Reload") {
    this.banner(null);
    this.core.toasts.dismiss("disconnect");
    const el = fixed("ps-overlay", "div", "alertdialog");
    const box = h("div", "ps-overlay-box");
    box.append(h("p", "ps-overlay-text", text));
    if (detail) box.append(h("p", "ps-overlay-detail", detail));
    const button = h("button", "ps-button", action);
    button.type = "button";
    button.addEventListener("click", () => window.location.reload());
    box.append(button);
    el.replaceChildren(box);
  }

  // -- exceptions of user code (--dev) ------------------------------------------------------
  // Every string is set as textContent: a traceback is shown, never interpreted.
  exception(msg) {
    const where = msg.file ? `${msg.file}, line ${msg.line}` : msg.what;
    if (msg.kind === "app" || msg.kind === "setup") {
      const el = fixed("ps-dev-error", "section", "alertdialog");
      el.setAttribute("aria-label", "Error in the app");
      el.replaceChildren(this.closer(el), h("p", "ps-dev-title", `${msg.name}: ${msg.message}`),
        h("p", "ps-dev-where", where), h("p", "ps-dev-what", `while running the ${msg.what}`),
        h("pre", "ps-dev-trace", msg.traceback),
        h("p", "ps-dev-hint", this.shown ? "The page shows the last version that ran; save a fix to reload it."
          : "Save a fix to load the app."));
      return;
    }
    const box = fixed("ps-dev-notes", "div", "log");
    const note = h("div", "ps-dev-note");
    note.setAttribute("role", "alert");
    const details = h("details", "ps-dev-details");
    details.append(h("summary", null, `${msg.what} — ${where}`), h("pre", "ps-dev-trace", msg.traceback));
    note.append(this.closer(note), h("p", "ps-dev-title", `${msg.name}: ${msg.message}`), details);
    box.append(note);
    while (box.childElementCount > 5) box.firstElementChild.remove();
  }

  closer(el) {
    const button = h("button", "ps-dev-close", "×");
    button.type = "button";
    button.setAttribute("aria-label", "Dismiss");
    button.addEventListener("click", () => el.remove());
    return button;
  }

  clearExceptions() {
    for (const id of ["ps-dev-error", "ps-dev-notes"]) document.getElementById(id)?.remove();
  }
}

const rootEl = document.getElementById("ps-root");
if (rootEl && rootEl.dataset.token) {
  window.panelState = new PageClient(rootEl);
}
