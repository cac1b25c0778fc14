"""LoadingSpinner: a ring that spins while ``value`` is True."""

from __future__ import annotations

from typing import ClassVar

import param

from .base import COLORS, Indicator

__all__ = ["LoadingSpinner"]


class LoadingSpinner(Indicator):
    """A ring that spins while ``value`` is True; ``name`` is shown beside it.

    Bind it to a session's busy state to show work in progress::

        spinner = pn.indicators.LoadingSpinner(value=pn.state.param.busy, size=30)

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.indicators.LoadingSpinner(value=True, color='primary').view_props()['color']
    'primary'
    """

    value = param.Boolean(default=False, doc="Whether it spins (work is under way).")
    color: str = param.Selector(  # type: ignore[assignment]
        default="dark", objects=list(COLORS), doc="""
        Color of the spinning segment: one of 'primary', 'secondary', 'success', 'info',
        'danger', 'warning', 'light', 'dark'.""")
    bgcolor: str = param.Selector(  # type: ignore[assignment]
        default="light", objects=["light", "dark"], doc="""
        Color of the ring behind the segment: 'light' or 'dark'.""")
    size = param.Integer(default=125, bounds=(1, None), doc="Diameter in pixels.")

    view_kind: ClassVar[str] = "LoadingSpinner"
    view_params: ClassVar[tuple[str, ...]] = ("name", "value", "color", "bgcolor", "size")
    #: Panel delays showing the spinner by ``throttle`` ms; here it shows at once.
    _panel_ignored: ClassVar[frozenset[str]] = frozenset({"throttle"})
