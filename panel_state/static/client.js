// panel_state page host: connects a page's Core to the server over a websocket, keeps
// the browser URL and the session's Location in two-way sync, stores cookies the
// session sets, shows the connection's state and reconnects after a dropped socket.
// Plain ES module, no dependencies, no build step, no network beyond the server.

import {Core, PROTOCOL, h} from "./core.js";

const CLOSE = PROTOCOL.closeCodes;

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
    window.addEventListener("popstate", () => this.reportUrl());
    window.addEventListener("hashchange", () => this.reportUrl());
    this.connect();
  }

  ping() { return this.core.ping(); }

  // -- connection ----------------------------------------------------------------------
  connect() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(`${proto}//${location.host}${this.wsPath}`);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({type: "hello", v: PROTOCOL.version, token: this.token}));
    };
    socket.onmessage = (ev) => {
      if (socket !== this.socket) return;
      let msg;
      try { msg = JSON.parse(ev.data); } catch (err) { console.error("panel_state: bad message", err); return; }
      this.core.handle(msg);
    };
    socket.onclose = (ev) => { if (socket === this.socket) this.closed(ev.code, ev.reason); };
  }

  closed(code, reason) {
    this.socket = null;
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
    this.setStatus("reconnecting");
    this.lost(true);
    const delay = Math.min(5000, 100 * 2 ** this.attempt);
    this.attempt += 1;
    setTimeout(() => this.connect(), delay);
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

  error(msg) {
    // An ended session says so with its close code; nothing to toast.
    return msg.code === "session_expired" || msg.code === "bad_token";
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
    let el = document.getElementById("ps-banner");
    if (!text) { if (el) el.remove(); return; }
    if (!el) {
      el = h("div", "ps-banner");
      el.id = "ps-banner";
      el.setAttribute("role", "status");
      document.body.append(el);
    }
    el.textContent = text;
  }

  overlay(text, detail) {
    this.banner(null);
    this.core.toasts.dismiss("disconnect");
    let el = document.getElementById("ps-overlay");
    if (!el) {
      el = h("div", "ps-overlay");
      el.id = "ps-overlay";
      el.setAttribute("role", "alertdialog");
      document.body.append(el);
    }
    const box = h("div", "ps-overlay-box");
    box.append(h("p", "ps-overlay-text", text));
    if (detail) box.append(h("p", "ps-overlay-detail", detail));
    const button = h("button", "ps-button", "Reload");
    button.type = "button";
    button.addEventListener("click", () => window.location.reload());
    box.append(button);
    el.replaceChildren(box);
  }
}

const rootEl = document.getElementById("ps-root");
if (rootEl && rootEl.dataset.token) {
  window.panelState = new PageClient(rootEl);
}
