"""Progress: a bar from 0 to ``max``; no value means "under way, amount unknown"."""

from __future__ import annotations

from typing import Any, ClassVar

import param

from .base import COLORS, Indicator

__all__ = ["Progress"]


class Progress(Indicator):
    """A progress bar: ``value`` out of ``max``; None (or -1) is indeterminate.

    Examples
    --------
    >>> import panel_state as pn
    >>> bar = pn.indicators.Progress(value=20, max=50, bar_color='primary')
    >>> bar.value = None  # indeterminate: animates while active
    """

    value = param.Integer(default=-1, allow_None=True, bounds=(-1, None), doc="""
        Progress so far, from 0 to max; None or -1: indeterminate.""")
    max = param.Integer(default=100, bounds=(1, None), doc="The value of a full bar.")
    bar_color: str = param.Selector(  # type: ignore[assignment]
        default="success", objects=list(COLORS), doc="""
        Color of the bar: one of 'primary', 'secondary', 'success', 'info', 'danger',
        'warning', 'light', 'dark'.""")
    active = param.Boolean(default=True, doc="""
        Whether an indeterminate bar animates.""")
    width = param.Integer(default=300, allow_None=True, bounds=(0, None),
                          doc="Width in pixels.")

    view_kind: ClassVar[str] = "Progress"
    view_params: ClassVar[tuple[str, ...]] = ("value", "max", "bar_color", "active")
    _coerced: ClassVar[frozenset[str]] = frozenset({"value"})

    def _coerce(self, name: str, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value > self.max:
            raise ValueError(f"Progress.value must be at most max={self.max}, got {value}; "
                             "raise max first.")
        return value
