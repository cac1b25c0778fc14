"""link(): one- and two-way links between params of Parameterized objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import param

from .context import current_session
from .errors import describe
from .execution import run

__all__ = ["Link", "link"]


class Link:
    """A live link between ``source`` and ``target``; ``unlink()`` removes it."""

    def __init__(self, source: param.Parameterized, target: param.Parameterized,
                 watchers: list[tuple[param.Parameterized, Any]]) -> None:
        self.source = source
        self.target = target
        self._watchers = watchers

    @property
    def linked(self) -> bool:
        """True until :meth:`unlink` is called."""
        return bool(self._watchers)

    def unlink(self) -> None:
        """Remove the link; further changes no longer propagate."""
        for obj, watcher in self._watchers:
            obj.param.unwatch(watcher)
        self._watchers = []


def _check_names(obj: param.Parameterized, names: list[str], role: str) -> None:
    missing = [n for n in names if n not in obj.param]
    if missing:
        raise ValueError(
            f"Cannot link {role} parameter(s) {missing}: {type(obj).__name__} has no such "
            f"parameter. Available: {sorted(obj.param)}."
        )


def link(
    source: param.Parameterized,
    target: param.Parameterized,
    callbacks: dict[str, Callable[[param.Parameterized, param.parameterized.Event], Any]]
    | None = None,
    bidirectional: bool = False,
    **links: str,
) -> Link:
    """Link params of ``source`` to params of ``target``.

    ``link(toggle, cb, value='running')`` sets ``cb.running`` whenever
    ``toggle.value`` changes; with ``bidirectional=True`` changes flow back too.
    ``callbacks={'value': fn}`` calls ``fn(target, event)`` instead. Like Panel, no
    initial sync happens: only later changes propagate. A re-entrancy guard per
    param stops two-way links from echoing.

    Parameters
    ----------
    source, target : param.Parameterized
        The objects to link.
    callbacks : dict, optional
        ``{source_param: fn(target, event)}``; not combinable with ``links``.
    bidirectional : bool
        Also propagate ``target`` changes back to ``source`` (not with callbacks).
    **links : str
        ``source_param=target_param`` pairs.

    Returns
    -------
    Link
        Call ``.unlink()`` to remove it.

    Raises
    ------
    ValueError
        When both or neither of ``links`` and ``callbacks`` are given, when
        ``callbacks`` are combined with ``bidirectional``, or for unknown params.

    Examples
    --------
    >>> import param, panel_state as pn
    >>> class A(param.Parameterized):
    ...     value = param.Boolean(False)
    >>> a, b = A(), A()
    >>> lk = pn.link(a, b, bidirectional=True, value='value')
    >>> b.value = True; a.value
    True
    """
    if links and callbacks:
        raise ValueError(
            "Either supply a set of parameters to link as keywords or a set of callbacks, "
            "not both."
        )
    if not links and not callbacks:
        raise ValueError("Declare parameters to link or a set of callbacks, neither was defined.")
    if callbacks and bidirectional:
        raise ValueError(
            "Bidirectional linking not supported for explicit callbacks. You must define "
            "separate callbacks for each direction."
        )
    updating: set[str] = set()
    watchers: list[tuple[param.Parameterized, Any]] = []

    if callbacks:
        _check_names(source, list(callbacks), "source")

        def run_callback(event: param.parameterized.Event) -> None:
            fn = callbacks[event.name]
            run(fn, target, event, session=current_session(), kind="link",
                what=f"link callback {describe(fn)}")

        watchers.append((source, source.param.watch(run_callback, list(callbacks))))
        return Link(source, target, watchers)

    _check_names(source, list(links), "source")
    _check_names(target, list(links.values()), "target")

    def forward(*events: param.parameterized.Event) -> None:
        changes = {links[e.name]: e.new for e in events if links[e.name] not in updating}
        _apply(target, changes)

    watchers.append((source, source.param.watch(forward, list(links), onlychanged=True)))
    if bidirectional:
        reverse = {t: s for s, t in links.items()}

        def backward(*events: param.parameterized.Event) -> None:
            changes = {reverse[e.name]: e.new for e in events if reverse[e.name] not in updating}
            _apply(source, changes)

        watchers.append((target, target.param.watch(backward, list(reverse), onlychanged=True)))

    def _apply(obj: param.Parameterized, changes: dict[str, Any]) -> None:
        if not changes:
            return
        names = set(changes) | {links.get(n, n) for n in changes} | {
            s for s, t in links.items() if t in changes
        }
        updating.update(names)
        try:
            obj.param.update(changes)
        finally:
            updating.difference_update(names)

    return Link(source, target, watchers)
