"""BrowserInfo: what the page's browser reports about itself, ``pn.state.browser_info``.

Each session has one :class:`BrowserInfo` (made on first use, when
``pn.config.browser_info`` is on). The page fills it once it has rendered and again
when something changes (the window is resized, the colour scheme switches), through a
``browser`` message; every field is a watchable param, so ``pn.bind(fn,
pn.state.browser_info.param.dark_mode)`` re-renders when the user switches themes.

These are the browser's own claims: fine for layout and display, never for security
decisions.

Examples
--------
>>> info = BrowserInfo()
>>> info.apply_client_info({'timezone': 'Europe/Paris', 'dark_mode': True})
>>> info.timezone, info.dark_mode, info.language
('Europe/Paris', True, None)
"""

from __future__ import annotations

import math
from typing import Any

import param

from ._params import set_readonly

__all__ = ["FIELDS", "BrowserInfo"]

#: Field name -> the JSON type the page sends for it.
FIELDS = {
    "dark_mode": "boolean", "device_pixel_ratio": "number", "language": "string",
    "timezone": "string", "timezone_offset": "number", "webdriver": "boolean",
    "webgl": "boolean", "screen_width": "integer", "screen_height": "integer",
    "window_width": "integer", "window_height": "integer",
}

_LIMIT = 200  # longest string the page may report (a timezone, a language tag)


def _check(name: str, value: Any) -> None:
    kind = FIELDS[name]
    if value is None:
        return
    if kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "string":
        ok = isinstance(value, str) and len(value) <= _LIMIT
    else:
        ok = (isinstance(value, int | float) and not isinstance(value, bool)
              and math.isfinite(value) and (kind == "number" or float(value).is_integer())
              and (kind != "integer" or value >= 0))
    if not ok:
        raise ValueError(f"Browser info {name!r} must be a JSON {kind} (or null), got "
                         f"{type(value).__name__} {value!r:.60}.")


class BrowserInfo(param.Parameterized):
    """The page's browser and window, as it reports them; every field None until then."""

    dark_mode = param.Boolean(default=None, allow_None=True, readonly=True, doc="""
        Whether the user prefers a dark colour scheme.""")
    device_pixel_ratio = param.Number(default=None, allow_None=True, readonly=True, doc="""
        Physical pixels per CSS pixel of the display.""")
    language = param.String(default=None, allow_None=True, readonly=True, doc="""
        The browser's preferred language, e.g. 'en-GB'.""")
    timezone = param.String(default=None, allow_None=True, readonly=True, doc="""
        The browser's IANA timezone, e.g. 'Europe/Paris'.""")
    timezone_offset = param.Number(default=None, allow_None=True, readonly=True, doc="""
        Minutes from local time to UTC, as JavaScript's getTimezoneOffset() (-60 in Paris
        in winter).""")
    webdriver = param.Boolean(default=None, allow_None=True, readonly=True, doc="""
        Whether the browser says it is driven by automation.""")
    webgl = param.Boolean(default=None, allow_None=True, readonly=True, doc="""
        Whether the browser supports WebGL.""")
    screen_width = param.Integer(default=None, allow_None=True, readonly=True, doc="""
        Width of the screen, in CSS pixels.""")
    screen_height = param.Integer(default=None, allow_None=True, readonly=True, doc="""
        Height of the screen, in CSS pixels.""")
    window_width = param.Integer(default=None, allow_None=True, readonly=True, doc="""
        Inner width of the browser window, in CSS pixels (follows resizes).""")
    window_height = param.Integer(default=None, allow_None=True, readonly=True, doc="""
        Inner height of the browser window, in CSS pixels (follows resizes).""")

    @staticmethod
    def check_client_info(info: dict[str, Any]) -> None:
        """Check a report from the page without applying it.

        Raises
        ------
        ValueError
            For a field BrowserInfo does not have or a value of the wrong type.
        """
        unknown = sorted(set(info) - set(FIELDS))
        if unknown:
            raise ValueError(f"Browser info has no field(s) {unknown}; it has {sorted(FIELDS)}.")
        for name, value in info.items():
            _check(name, value)

    def apply_client_info(self, info: dict[str, Any]) -> None:
        """Apply what the page reported; every field is checked before any changes.

        Raises
        ------
        ValueError
            For a field this object does not have or a value of the wrong type;
            nothing changes then.
        """
        self.check_client_info(info)
        for name, value in info.items():
            kind = FIELDS[name]
            if kind == "integer" and value is not None:
                value = int(value)
            elif kind == "number" and value is not None:
                value = float(value)
            if getattr(self, name) != value:
                set_readonly(self, name, value)

    def __repr__(self) -> str:
        known = {n: getattr(self, n) for n in FIELDS if getattr(self, n) is not None}
        return f"<BrowserInfo {known}>"
