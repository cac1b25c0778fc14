"""``panel_state.io``: Panel's ``panel.io`` import paths, so porting renames the package.

``from panel.io import PeriodicCallback, hold`` becomes ``from panel_state.io import
PeriodicCallback, hold``; ``from panel.io.state import state`` becomes ``from
panel_state.io.state import state``, and so on for ``location``, ``callbacks``,
``cache``, ``notifications``, ``browser`` and ``server``. Every name is the object
panel_state defines elsewhere; nothing is defined here.

Examples
--------
>>> import panel_state as pn
>>> from panel_state.io.location import Location
>>> from panel_state.io.state import state
>>> Location is pn.Location and state is pn.state and pn.io.hold is pn.io.document.hold
True
"""

from __future__ import annotations

from ..caching import cache
from ..curdoc import hold, unlocked, with_lock
from ..location import Location
from ..periodic import PeriodicCallback
from . import browser, callbacks, document, location, notifications
from .state import state

__all__ = ["Location", "PeriodicCallback", "browser", "cache", "callbacks", "document", "hold",
           "location", "notifications", "state", "unlocked", "with_lock"]
