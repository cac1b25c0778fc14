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

from ..curdoc import hold, unlocked, with_lock
from ..location import Location
from ..periodic import PeriodicCallback

# The submodules, so ``pn.io.location.Location`` works after ``import panel_state``.
from . import browser as browser
from . import cache as _cache_module
from . import callbacks as callbacks
from . import document as document
from . import location as location
from . import notifications as notifications
from .state import state as state

#: The decorator, as ``panel.io.cache`` is; its submodule was loaded above, so importing
#: ``panel_state.io.cache`` later does not rebind this name to the module.
cache = _cache_module.cache

# ``state`` is importable here too (``from panel_state.io import state``); it is
# documented as ``pn.state``.
__all__ = ["Location", "PeriodicCallback", "cache", "hold", "unlocked", "with_lock"]
