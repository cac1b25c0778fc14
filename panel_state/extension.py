"""``pn.extension``: the first line of every Panel notebook and app.

Panel loads JavaScript extensions here; panel_state's client has every component it
ships built in, so extension names need no loading and are accepted with a debug log
line. Keyword arguments are ``pn.config`` options: ours are set (and validated by
param), Panel's that we lack warn once, unknown ones are errors. Harmless in served
scripts, which may call it once per session.

Examples
--------
>>> import panel_state as pn
>>> pn.extension('tabulator', defer_load=True)
>>> pn.config.defer_load
True
>>> pn.config.defer_load = False
"""

from __future__ import annotations

import logging
from typing import Any

from ._params import validate
from .compat import PANEL_CONFIG, warn_unsupported
from .config import config

__all__ = ["extension"]

log = logging.getLogger(__name__)


def extension(*names: str, **options: Any) -> None:
    """Load extensions by name (nothing to load here) and set ``pn.config`` options.

    Parameters
    ----------
    *names : str
        Panel extension names (``'tabulator'``, ``'plotly'``...); accepted, logged.
    **options
        ``pn.config`` options, e.g. ``defer_load=True``, ``nthreads=4``,
        ``exception_handler=print``.

    Raises
    ------
    TypeError
        For a name that is not a string, or an option neither panel_state nor Panel
        knows. Nothing is set then.
    ValueError
        For a value an option rejects (param's error). Every value is checked before
        any is set, so nothing is set then either.
    """
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"pn.extension() takes extension names as strings, got {bad[0]!r}.")
    unknown = sorted(k for k in options if k not in config.param and k not in PANEL_CONFIG)
    if unknown:
        raise TypeError(
            f"pn.extension() got unknown option(s) {unknown}; it takes pn.config options "
            f"such as {sorted(n for n in config.param if n != 'name')}.")
    ours = {k: v for k, v in options.items() if k in config.param}
    for key, value in ours.items():
        validate(config.param[key], value)
    for name in names:
        log.debug("pn.extension(%r): panel_state's client needs nothing loaded for it", name)
    config.param.update(ours)
    for key in options:
        if key not in ours:
            warn_unsupported("pn.extension", key)
