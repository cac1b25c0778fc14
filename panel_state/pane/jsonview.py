"""JSON: a JSON-able object (or a JSON string) shown as a collapsible tree.

The client builds the tree from the data with text nodes only, so keys and strings
are shown as text whatever they contain.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import param

from .markup import PaneBase

__all__ = ["JSON", "json_data"]


def json_data(obj: Any, encoder: type[json.JSONEncoder] | None = None) -> Any:
    """``obj`` as plain JSON data (a JSON string is parsed; None is ``{}``).

    Non-finite floats become the strings ``'NaN'``, ``'Infinity'`` and ``'-Infinity'``,
    which JSON cannot carry as numbers.

    Raises
    ------
    TypeError
        When ``obj`` cannot be encoded as JSON (with ``encoder`` if given).
    """
    if isinstance(obj, (str, bytes)):
        try:
            obj = json.loads(obj)
        except ValueError:
            obj = obj.decode(errors="replace") if isinstance(obj, bytes) else obj
    try:
        text = json.dumps({} if obj is None else obj, cls=encoder)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"JSON.object must be JSON-serializable (dicts, lists, strings, numbers, bools, "
            f"None) or a JSON string, got {type(obj).__name__} {obj!r:.80}: {exc}. Pass "
            "encoder=<a json.JSONEncoder subclass> for other types.") from None
    return json.loads(text, parse_constant=str)


class JSON(PaneBase):
    """A JSON-able object or JSON string as a tree; ``depth`` levels start expanded.

    Examples
    --------
    >>> import panel_state as pn
    >>> pn.pane.JSON('{"a": [1, 2]}', depth=-1).view_props()['data']
    {'a': [1, 2]}
    """

    depth = param.Integer(default=1, bounds=(-1, None), doc="""
        How many levels start expanded; -1 expands all of them.""")
    encoder = param.ClassSelector(class_=json.JSONEncoder, is_instance=False, default=None,
                                  allow_None=True, doc="""
        A json.JSONEncoder subclass for objects json cannot encode by itself.""")
    hover_preview = param.Boolean(default=False, doc="""
        Show a preview of a collapsed node's content when the pointer rests on it.""")
    theme: str = param.Selector(  # type: ignore[assignment]
        default="light", objects=["light", "dark"], doc="""
        Colors for a light or a dark page.""")

    view_kind: ClassVar[str] = "JSON"
    view_params: ClassVar[tuple[str, ...]] = ("depth", "hover_preview", "theme")
    _coerced: ClassVar[frozenset[str]] = frozenset({"object"})

    # Set once constructed: the constructor checks ``object`` once ``encoder`` is set too.
    _ready: bool = False

    def __init__(self, object: Any = None, **params: Any) -> None:
        super().__init__(object, **params)
        json_data(self.object, self.encoder)  # raises now, not when the page renders it
        self._ready = True

    def _coerce(self, name: str, value: Any) -> Any:
        if self._ready:
            json_data(value, self.encoder)
        return value

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "data": json_data(self.object, self.encoder)}
