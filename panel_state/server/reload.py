"""``--autoreload`` / ``--dev``: watch what the apps are made of, re-run them in place.

The :class:`Reloader` of a server started with ``autoreload=True`` watches the files
the apps depend on -- each app's :meth:`~panel_state.server.loader.App.sources` (a
script, a notebook, a function's module), the ``--setup`` script, and every local
module they import (:mod:`panel_state.server.modules`) -- with watchfiles
(:mod:`panel_state.server.watcher`). A burst of events is one change. Then:

* an app's own file changed: that app re-reads it, and each of its open tabs swaps in
  place to a fresh run in a fresh session (:mod:`panel_state.server.swap`);
* a local module changed: the local modules are taken out of ``sys.modules`` (so the
  next run imports them afresh; those setup imported stay, shared with its tasks) and
  every app's tabs swap;
* the setup script, or a local module setup imported, changed: what setup started is
  undone (tasks cancelled, periodic callbacks stopped, lifecycle hooks removed) and
  setup runs again *in this process*, then every app's tabs swap. Restarting the
  process instead, as uvicorn does, would cut every websocket; in-process keeps the
  tabs and their URL state. A setup script that no longer compiles is not run: the
  old setup keeps running and the tabs show the syntax error.

A tab whose socket was down during a change swaps when it reconnects.

Exceptions are shown in the page while the reloader runs: the app's (``kind='app'``,
a large overlay over the last good UI) and every callback's of this server's sessions
(a small one). Production servers have no reloader: only the log has them.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import logging
import os
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import errors
from ..errors import ErrorContext
from ..session import Session
from ..tracebacks import summarize
from ..wire import protocol
from .modules import LocalModules
from .swap import Swaps
from .watcher import Debouncer, FileWatcher

if TYPE_CHECKING:
    from .application import ServerContext
    from .serving import Server
    from .sessions import Lease

__all__ = ["Reloader"]

log = logging.getLogger(__name__)


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:  # gone for now (an editor's rename): counts as a change
        return None


class Reloader:
    """Watches one server's apps and swaps their tabs to fresh runs after edits.

    Made by :class:`~panel_state.server.serving.Server` before its setup runs (so the
    modules setup imports count as setup's) and started once it listens.

    Parameters
    ----------
    server : Server
        The server whose apps and setup are reloaded.
    quiet, max_wait, interval : float
        The debouncer's seconds (see :class:`~panel_state.server.watcher.Debouncer`).
    watch : bool
        Run the file watcher; tests feed :meth:`changes` directly with False.
    """

    def __init__(self, server: Server, *, quiet: float = 0.03, max_wait: float = 1.0,
                 interval: float = 1.0, watch: bool = True) -> None:
        self.server = server
        config = server.config
        roots = {Path.cwd()}
        for app in config.apps.values():
            roots |= {path.parent for path in app.sources()}
        self.setup_file = (Path(config.setup).resolve()
                           if isinstance(config.setup, str | os.PathLike) else None)
        if self.setup_file is not None:
            roots.add(self.setup_file.parent)
        self.modules = LocalModules(roots)
        self.setup_modules: set[str] = set()
        self.debouncer = Debouncer(quiet, max_wait, interval)
        if watch and importlib.util.find_spec("watchfiles") is None:
            raise ImportError("autoreload needs the watchfiles package; install it with "
                              "pip install 'panel_state[dev]'.")
        self.watcher = FileWatcher(self._deliver, name=f"panel_state-watch-{id(self):x}") \
            if watch else None
        self.context: ServerContext | None = None
        self.swaps: Swaps | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        #: Route -> how many times its app changed; a session ran the value it saw.
        self.generation: dict[str, int] = dict.fromkeys(config.apps, 0)
        self._ran: weakref.WeakKeyDictionary[Session, int] = weakref.WeakKeyDictionary()
        self._timer: asyncio.TimerHandle | None = None
        self._digests: dict[Path, bytes | None] = {}
        #: How many reloads ran (each a debounced batch of changes).
        self.reloads = 0

    # -- lifecycle ---------------------------------------------------------------------
    def start(self, context: ServerContext) -> None:
        """Start watching (on the server's loop, after setup ran)."""
        self.context = context
        self.loop = context.loop
        self.swaps = Swaps(context)
        self.setup_modules = set(self.modules.scan())
        context.open_hooks.append(self.opened)
        errors.add_listener(self._on_error)
        self._watch()
        if self.watcher is not None:
            self.watcher.start()

    def stop(self) -> None:
        """Stop watching; pending changes are dropped."""
        errors.remove_listener(self._on_error)
        if self.watcher is not None:
            self.watcher.stop()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.context is not None and self.opened in self.context.open_hooks:
            self.context.open_hooks.remove(self.opened)
        if self.swaps is not None:
            self.swaps.clear()

    def _watch(self) -> None:
        """Watch :meth:`files`, remembering the content of those not seen before."""
        files = self.files()
        for path in files - self._digests.keys():
            self._digests[path] = _digest(path)
        if self.watcher is not None:
            self.watcher.watch(files)

    def files(self) -> set[Path]:
        """Every file watched now: the apps' sources, the setup, the local modules."""
        files = {path for app in self.server.config.apps.values() for path in app.sources()}
        if self.setup_file is not None:
            files.add(self.setup_file)
        return files | set(self.modules.files.values())

    # -- changes -------------------------------------------------------------------------
    def _deliver(self, changes: set[tuple[Any, str]]) -> None:
        # Watcher thread -> the server's loop.
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self.changes, changes)

    def changes(self, changes: Iterable[tuple[Any, str]]) -> None:
        """Take one batch of watchfiles events ``{(Change, path), ...}`` (loop thread).

        Events for files that are not watched are ignored; the rest are debounced
        and then reloaded (:meth:`reload`).
        """
        watched = self.files()
        paths = {Path(path).resolve() for _change, path in changes}
        loop = self.loop
        deadline = self.debouncer.add(paths & watched, loop.time() if loop else 0.0)
        if deadline is None or loop is None:
            return
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_at(deadline, self._due)

    def _due(self) -> None:
        self._timer = None
        loop = self.loop
        assert loop is not None
        batch = self.debouncer.take(loop.time())
        if batch:
            self.reload(batch)
        elif self.debouncer.deadline is not None:
            self._timer = loop.call_at(self.debouncer.deadline, self._due)

    def _edited(self, paths: Iterable[Path]) -> set[Path]:
        """The ``paths`` whose content differs from when they were last seen."""
        edited = set()
        for path in paths:
            digest = _digest(path)
            if digest is None or digest != self._digests.get(path):
                edited.add(path)
            self._digests[path] = digest
        return edited

    def reload(self, paths: Iterable[Path]) -> list[str]:
        """Act on changed ``paths`` now; returns the routes whose tabs were told to swap.

        A file saved with the content it had (an editor's trailing metadata event, a
        ``touch``) changes nothing and reloads nothing.
        """
        changed = self._edited(paths)
        if not changed:
            return []
        self.reloads += 1
        apps = self.server.config.apps
        setup_hit = (self.setup_file in changed
                     or bool(self.modules.names_for(changed) & self.setup_modules))
        module_hit = bool(self.modules.names_for(changed) - self.setup_modules)
        routes = [route for route, app in apps.items() if changed & set(app.sources())]
        if setup_hit:  # setup runs again: every local module is imported afresh
            self.modules.forget(edited=changed)
        elif module_hit:  # what setup imported stays: its tasks and the apps share it
            self.modules.forget(set(self.modules.files) - self.setup_modules, edited=changed)
        if setup_hit or module_hit:
            routes = list(apps)
        if setup_hit:
            self._rerun_setup()
        for route in routes:
            app = apps[route]
            if changed & set(app.sources()):
                app.reload()
            self.generation[route] += 1
        log.info("Autoreload: %s changed; reloading %s",
                 ", ".join(sorted(p.name for p in changed)), ", ".join(routes) or "nothing")
        self._swap_tabs(set(routes))
        self._watch()
        return routes

    def _rerun_setup(self) -> None:
        setup = self.setup_file
        assert setup is not None
        try:
            compile(setup.read_text(encoding="utf-8"), str(setup), "exec", dont_inherit=True)
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError) as exc:
            log.error("Setup script %s does not compile; the previous setup keeps running: %s",
                      setup, exc)
            self._broadcast("setup", f"setup script {setup.name}", exc)
            return
        failure = self.server.restart_setup()
        self.setup_modules |= set(self.modules.scan())
        if failure is not None:
            self._broadcast("setup", f"setup script {setup.name}",
                            failure.__cause__ or failure)

    def _broadcast(self, kind: str, what: str, exc: BaseException) -> None:
        if self.context is None:
            return
        message = protocol.exception_message(kind, what, summarize(exc))
        for lease in list(self.context.manager.leases.values()):
            lease.connection.send(message)

    def _swap_tabs(self, routes: set[str]) -> None:
        if self.context is None or self.swaps is None:
            return
        for lease in list(self.context.manager.leases.values()):
            if (lease.route in routes and lease.connection.transport is not None
                    and not lease.session.destroyed):
                self.swaps.begin(lease)

    # -- sessions ------------------------------------------------------------------------
    def opened(self, lease: Lease, resumed: bool) -> None:
        """A tab's socket opened its session (new or resumed) and got its render."""
        assert self.swaps is not None
        session = lease.session
        if not resumed:
            self._ran[session] = self.generation.get(lease.route, 0)
            if self.modules.scan():
                self._watch()
            self.swaps.opened(lease)
        elif self._ran.get(session, 0) != self.generation.get(lease.route, 0):
            self.swaps.begin(lease)  # it missed a change while its socket was down

    def _on_error(self, exc: BaseException, context: ErrorContext) -> None:
        """Show an exception of this server's session's user code in its page."""
        session = context.session
        manager = self.context.manager if self.context is not None else None
        lease = manager.leases.get(session.id) if session is not None and manager else None
        if session is None or lease is None or session.destroyed:
            return
        what = f"app at {lease.route}" if context.kind == "app" else context.what
        session.post(protocol.exception_message(context.kind, what, summarize(exc)))
