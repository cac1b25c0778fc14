"""The contracts between components, Locations and the connections that show them.

A connection to a client (a browser tab's websocket, a notebook output's comm) renders
objects and keeps them in step through these two structural protocols only; nothing
below the connection layer imports it. :class:`~panel_state.viewable.Viewable`
implements :class:`Renderable` and :class:`~panel_state.location.Location` implements
:class:`LocationChannel`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol

__all__ = ["LocationChannel", "Renderable", "ViewListener"]


class ViewListener(Protocol):
    """Receives the partial updates a component emits (a chart's streamed points)."""

    def on_emit(self, viewable: Renderable, message: dict[str, Any]) -> None:
        """``viewable`` emitted ``message`` for every view showing it."""
        ...


class Renderable(Protocol):
    """What a connection needs of a component to show it and keep it in step.

    Every param change of a shown component may change its props (the connection
    watches them all and sends only what changed); a change of a param listed in
    ``view_child_params`` changes its children instead.
    """

    #: The client renderer that draws it (``'Button'``, ``'Markdown'``, ``'Row'``...).
    view_kind: ClassVar[str]
    #: A Renderable is a ``param.Parameterized``: its name and its param namespace.
    name: str
    param: Any
    #: Params whose change changes :meth:`view_children`.
    view_child_params: ClassVar[tuple[str, ...]]
    #: Client-set params that are actions (a click), not values: with a thread pool,
    #: actions on different components run side by side; a value change goes first.
    view_actions: ClassVar[tuple[str, ...]]
    #: Client-set params that do not count toward the session's busy state (scrolling).
    view_quiet: ClassVar[tuple[str, ...]]

    @property
    def view_ref(self) -> str:
        """The component's id in the protocol, unique in the process."""
        ...

    def view_props(self) -> dict[str, Any]:
        """JSON-ready props for the client (children excluded)."""
        ...

    def view_children(self) -> list[Renderable]:
        """Child components, in display order."""
        ...

    def apply_client_change(self, name: str, value: Any) -> None:
        """Apply a value the client sent; ValueError/TypeError (nothing changed) if refused."""
        ...

    def add_view_listener(self, listener: ViewListener) -> None:
        """Send this component's emitted messages to ``listener`` (held weakly)."""
        ...

    def remove_view_listener(self, listener: ViewListener) -> None:
        """Stop sending emitted messages to ``listener``."""
        ...

    def has_view_listeners(self) -> bool:
        """Whether any view still shows this component."""
        ...

    def release(self) -> None:
        """No view shows it any more: drop watchers it holds on other objects."""
        ...


class LocationChannel(Protocol):
    """What a connection to a client needs of a Location (the server contract)."""

    def listen(self, callback: Callable[[], Any]) -> Callable[[], None]:
        """Call ``callback()`` after each Python-side URL change; returns an unlistener."""
        ...

    def take_client_action(self) -> tuple[str, str] | None:
        """``(action, url)`` the browser must apply now, or None; clears what is pending."""
        ...

    def apply_browser_url(self, pathname: str, search: str, hash: str) -> None:
        """Take the URL the browser shows."""
        ...

    def close(self) -> None:
        """The session ended: drop every reference."""
        ...
