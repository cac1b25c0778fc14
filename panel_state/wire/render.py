"""Render: keep one session's client in step with the objects it displays.

The :class:`Renderer` walks the session's roots into nodes ``{ref, kind, props,
children}`` through the :class:`~panel_state.contracts.Renderable` contract, watches
the params of every displayed object (all of them: props derived in ``view_props()``
follow whatever param they read) and listens to its emitted messages. Changes -- made
on any thread -- are recorded as ordered ops and flushed once per loop iteration into
a single patch: changed props only, a children list (full nodes for new children,
``{ref}`` stubs for kept ones), or an emitted message.

Thread-safety: the watchers and :meth:`Renderer.on_emit` may run on any thread; they
only record ops under a lock and wake the loop with ``call_soon_threadsafe``. Every
other method runs on the session's loop thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .. import loops
from ..contracts import LocationChannel, Renderable
from ..errors import handle_exception
from . import protocol

if TYPE_CHECKING:
    from ..session import Session

__all__ = ["Renderer", "Send"]


Send = Callable[[dict[str, Any]], None]


class _Entry:
    """A displayed object: how many parent slots show it and what the client has."""

    __slots__ = ("children", "count", "obj", "props", "watcher")

    def __init__(self, obj: Renderable) -> None:
        self.obj = obj
        self.count = 1
        self.props: dict[str, Any] = {}
        self.children: list[Renderable] = []
        self.watcher: Any = None


def _differs(a: Any, b: Any) -> bool:
    try:
        return bool(a != b)
    except Exception:  # e.g. arrays without a truth value: treat as changed
        return True


class Renderer:
    """Render one session's tree and turn later changes into patches.

    Parameters
    ----------
    session : Session
        The session whose roots are shown; its loop runs the flushes.
    send : callable
        ``send(message)`` writes one server message to the client; called on the loop
        thread only, and only while :attr:`connected` is true.
    """

    def __init__(self, session: Session, send: Send | None = None) -> None:
        self.session = session
        session.set_waker(self.request_flush)
        self.send = send
        self.connected = send is not None
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._ops: list[list[Any]] = []
        self._open_props: dict[str, list[Any]] = {}
        self._open_children: dict[str, list[Any]] = {}
        self._scheduled = False
        self._echo: dict[tuple[str, str], Any] = {}
        self._roots: list[Renderable] = []
        self._location: LocationChannel | None = None
        self._location_watcher: Any = None
        self.url_ready = False
        self._closed = False

    # -- lookup --------------------------------------------------------------------------
    def lookup(self, ref: str) -> Renderable | None:
        """The displayed object with id ``ref``, or None."""
        entry = self._entries.get(ref)
        return entry.obj if entry is not None else None

    def __len__(self) -> int:
        return len(self._entries)

    # -- full render -----------------------------------------------------------------------
    def render(self, roots: list[Renderable]) -> list[dict[str, Any]]:
        """Attach ``roots`` (first call) and return their full nodes.

        Runs with the session active: components may consult it while rendering
        (a deferred pane queues itself on the session's onload).
        """
        with self.session.activate():
            if not self._roots:
                self._roots = list(roots)
                return [self._attach(root) for root in self._roots]
            return [self._node(root) for root in self._roots]

    def _attach(self, obj: Renderable) -> dict[str, Any]:
        """Count one more slot showing ``obj`` and return its full node."""
        ref = obj.view_ref
        entry = self._entries.get(ref)
        if entry is not None:
            entry.count += 1
            return self._node(obj)
        entry = _Entry(obj)
        self._entries[ref] = entry
        # Every param, not only the rendered ones: props derived in ``view_props()`` (a
        # pane's ``text`` from its ``object``) follow any param they read; the diff sends
        # only what changed.
        entry.watcher = obj.param.watch(self._changed, list(obj.param))
        obj.add_view_listener(self)
        entry.props = obj.view_props()
        entry.children = list(obj.view_children())
        return {"ref": ref, "kind": obj.view_kind, "props": entry.props,
                "children": [self._attach(child) for child in entry.children]}

    def _node(self, obj: Renderable) -> dict[str, Any]:
        """The full node of an attached object, from its current state."""
        entry = self._entries[obj.view_ref]
        entry.props = obj.view_props()
        return {"ref": obj.view_ref, "kind": obj.view_kind, "props": entry.props,
                "children": [self._node(child) for child in entry.children]}

    def _detach(self, obj: Renderable) -> None:
        entry = self._entries.get(obj.view_ref)
        if entry is None:
            return
        entry.count -= 1
        if entry.count > 0:
            return
        del self._entries[obj.view_ref]
        self._forget_echo(obj.view_ref)
        self._release(entry)
        for child in entry.children:
            self._detach(child)

    def _release(self, entry: _Entry) -> None:
        if entry.watcher is not None:
            entry.obj.param.unwatch(entry.watcher)
            entry.watcher = None
        entry.obj.remove_view_listener(self)

    # -- recording changes (any thread) ------------------------------------------------
    def _changed(self, *events: Any) -> None:
        with self._lock:
            for event in events:
                obj = event.obj
                ref = getattr(obj, "view_ref", None)
                if ref is None:
                    continue
                if event.name in obj.view_child_params:
                    if ref not in self._open_children:
                        op = ["children", obj]
                        self._ops.append(op)
                        self._open_children[ref] = op
                elif ref not in self._open_props:
                    op = ["props", obj]
                    self._ops.append(op)
                    self._open_props[ref] = op
            self._schedule()

    def on_emit(self, obj: Renderable, message: dict[str, Any]) -> None:
        """Queue ``message`` for ``obj``'s views, after the changes recorded so far."""
        with self._lock:
            ref = obj.view_ref
            self._open_props.pop(ref, None)
            self._open_children.pop(ref, None)
            self._ops.append(["emit", obj, message])
            self._schedule()

    def watch_location(self, location: LocationChannel | None) -> None:
        """Flush (and so send the URL) after every Python-side change of the Location."""
        if self._location is location or location is None:
            return
        self.unwatch_location()
        self._location = location
        self._location_watcher = location.listen(self.request_flush)

    def unwatch_location(self) -> None:
        if self._location_watcher is not None:
            self._location_watcher()
        self._location = self._location_watcher = None

    def request_flush(self) -> None:
        """Flush in the next loop iteration even if nothing changed (safe from any thread)."""
        with self._lock:
            self._schedule()

    def _schedule(self) -> None:
        # Caller holds the lock.
        if self._scheduled or self._closed:
            return
        loop = self.session.loop
        if loop is None or loop.is_closed():
            return
        self._scheduled = True
        try:
            loops.call_soon(loop, self.flush)
        except RuntimeError:  # loop closed between the check and the call
            self._scheduled = False

    def _forget_echo(self, ref: str) -> None:
        for key in [key for key in self._echo if key[0] == ref]:
            del self._echo[key]

    def expect_echo(self, ref: str, name: str, value: Any) -> None:
        """The client already shows ``value`` for prop ``name``: do not send it back."""
        self._echo[(ref, name)] = value

    # -- flushing (loop thread) ------------------------------------------------------------
    def flush(self) -> None:
        """Turn the recorded ops into one patch (and a URL message) and send them.

        While the session is held (``curdoc.hold()``) nothing goes out: the ops wait
        and the session's ``unhold()`` flushes them all as one patch.
        """
        with self._lock:
            if self.session.held and not self._closed:
                self._scheduled = False
                return
            ops, self._ops = self._ops, []
            self._open_props.clear()
            self._open_children.clear()
            self._scheduled = False
        echo = self._echo  # entries go once a change of their prop is diffed
        if self._closed:
            return
        with self.session.activate():
            out = self._compute(ops, echo)
        if not self.connected or self.send is None:
            return
        if out:
            self.send(protocol.patch_message(out))
        self._send_location()
        for command in self.session.take_commands():
            self.send(command)

    def _compute(self, ops: list[list[Any]], echo: dict[tuple[str, str], Any]
                 ) -> list[dict[str, Any]]:
        # Emitted messages encode changes already reflected in ``_props()`` (a chart's
        # ``stream`` appends to ``x`` silently, then emits the new points). So when a
        # flush holds both prop changes and emits for one component, its props are
        # read at flush time and already include every emit: one full props op
        # replaces them all, placed at the last of them.
        emitted = {op[1].view_ref for op in ops if op[0] == "emit"}
        mixed = emitted & {op[1].view_ref for op in ops if op[0] == "props"}
        last = {op[1].view_ref: i for i, op in enumerate(ops) if op[1].view_ref in mixed
                and op[0] != "children"}
        out: list[dict[str, Any]] = []
        fresh: set[str] = set()
        for i, op in enumerate(ops):
            ref = op[1].view_ref
            if ref in mixed and op[0] != "children" and last[ref] != i:
                continue
            try:
                self._compute_op(op, echo, fresh, out, full=ref in mixed)
            except Exception as exc:
                handle_exception(exc, f"rendering a change of {op[1]!r}", self.session,
                                 "render")
        for ref in emitted - mixed - fresh:
            entry = self._entries.get(ref)
            if entry is not None:  # the client now has what view_props() says
                entry.props = entry.obj.view_props()
        return out

    def _compute_op(self, op: list[Any], echo: dict[tuple[str, str], Any], fresh: set[str],
                    out: list[dict[str, Any]], full: bool = False) -> None:
        kind, obj = op[0], op[1]
        ref = obj.view_ref
        entry = self._entries.get(ref)
        if entry is None:
            return
        if kind == "children":
            out.append({"ref": ref, "children": self._replace_children(entry, fresh)})
        elif ref in fresh:
            return  # its full node went out in this flush, with current props
        elif full:
            entry.props = obj.view_props()
            out.append({"ref": ref, "props": dict(entry.props)})
        elif kind == "props":
            changed = self._diff(entry, echo)
            if changed:
                out.append({"ref": ref, "props": changed})
        else:
            out.append({"ref": ref, "emit": op[2]})

    def _diff(self, entry: _Entry, echo: dict[tuple[str, str], Any]) -> dict[str, Any]:
        new = entry.obj.view_props()
        old = entry.props
        entry.props = new
        ref = entry.obj.view_ref
        changed = {}
        for key, value in new.items():
            if key not in old or _differs(old[key], value):
                if (ref, key) in echo and not _differs(echo.pop((ref, key)), value):
                    continue
                changed[key] = value
        return changed

    def _replace_children(self, entry: _Entry, fresh: set[str]) -> list[dict[str, Any]]:
        old = list(entry.children)
        new = list(entry.obj.view_children())
        remaining = list(old)
        items: list[dict[str, Any]] = []
        for child in new:
            kept = next((i for i, o in enumerate(remaining) if o is child), None)
            if kept is not None:
                remaining.pop(kept)
                items.append({"ref": child.view_ref})
            else:
                items.append(self._attach(child))
                fresh.add(child.view_ref)
        entry.children = new
        for gone in remaining:
            self._detach(gone)
        return items

    def _send_location(self) -> None:
        # Until the client has acknowledged its first render (and reported its URL),
        # Python-side URL changes stay pending; see ServerSession.loaded.
        location = self.session.peek_location()
        if location is None or not self.url_ready:
            return
        if location is not self._location:
            self.watch_location(location)
        action = location.take_client_action()
        if action is not None and self.send is not None:
            self.send(protocol.url_message(*action))

    def resync(self, obj: Renderable) -> dict[str, Any]:
        """A patch restoring every prop of ``obj`` on the client to the server's value."""
        entry = self._entries.get(obj.view_ref)
        props = obj.view_props()
        if entry is not None:
            entry.props = props
        self._forget_echo(obj.view_ref)
        return protocol.patch_message([{"ref": obj.view_ref, "props": props}])

    # -- teardown ----------------------------------------------------------------------------
    def close(self) -> None:
        """Unwatch everything; objects no other session shows get ``release()``."""
        with self._lock:
            self._closed = True
            self._ops.clear()
        entries, self._entries = self._entries, {}
        self.unwatch_location()
        for entry in entries.values():
            self._release(entry)
        for entry in entries.values():
            if not entry.obj.has_view_listeners():
                try:
                    entry.obj.release()
                except Exception as exc:
                    handle_exception(exc, f"release of {entry.obj!r}", self.session, "render")
        self._roots = []
        self._echo = {}
        self.send = None
        self.connected = False
