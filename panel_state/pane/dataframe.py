"""DataFrame: a pandas DataFrame or Series shown as an HTML table, every cell escaped.

pandas is optional (the ``panel_state[pandas]`` extra) and never imported here: the
table comes from the object's own ``to_html``, which always runs with ``escape=True``
and without ``render_links`` (pandas puts link targets in ``href`` unescaped). So
the only markup in the table is pandas' own, with the class names and column widths
this pane checked; cell text, column and index labels are text.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import param

from ..compat import warn_unsupported
from ..styling import check_css_classes
from .markup import PaneBase, _PaneOption

__all__ = ["DataFrame", "is_dataframe"]

_FRAME_TYPES = ("DataFrame", "Series", "Styler")
_LENGTH = re.compile(r"\d+(\.\d+)?(px|em|rem|ex|ch|%|pt|vw|vh)?\Z")


def is_dataframe(obj: Any) -> bool:
    """Whether ``obj`` is a pandas DataFrame, Series or Styler (checked without pandas)."""
    cls = type(obj)
    return cls.__module__.split(".")[0] == "pandas" and cls.__name__ in _FRAME_TYPES


def _check_col_space(value: Any) -> None:
    items = value.values() if isinstance(value, dict) else [value]
    for item in items:
        if isinstance(item, bool) or not (
                (isinstance(item, int) and item >= 0)
                or (isinstance(item, str) and _LENGTH.match(item))):
            raise ValueError(
                f"DataFrame.col_space must be pixels (an int >= 0), a CSS length such as "
                f"'5em', or a dict of them per column, got {value!r}.")


class DataFrame(PaneBase):
    """A pandas DataFrame (or Series) as an HTML table made by pandas' ``to_html``.

    The table options are pandas' ``to_html`` keywords. Cells are always escaped:
    ``escape=False`` and ``render_links=True`` are accepted (as in Panel) but warn once
    and are not applied, so no value in the frame can become markup or a link.

    Examples
    --------
    >>> import pandas as pd
    >>> import panel_state as pn
    >>> pane = pn.pane.DataFrame(pd.DataFrame({'a': ['<b>x</b>']}), index=False)
    >>> '&lt;b&gt;x&lt;/b&gt;' in pane.html
    True
    """

    object = param.Parameter(default=None, allow_refs=False, doc="""
        The pandas DataFrame or Series shown (a Styler shows its data); None: nothing.""")
    bold_rows = param.Boolean(default=True, doc="Make the row labels bold.")
    border = param.Integer(default=0, bounds=(0, None), doc="The table's border attribute.")
    classes = param.List(default=["panel-df"], doc="CSS classes of the table element.")
    col_space = param.ClassSelector(default=None, class_=(str, int, dict), doc="""
        Minimum width of each column: pixels (int), a CSS length, or a dict per column.""")
    decimal = param.String(default=".", doc="Decimal separator, e.g. ',' in Europe.")
    escape = param.Boolean(default=True, doc="""
        Escape cell text; always on (False warns and is ignored).""")
    float_format = param.Callable(default=None, doc="Formats float cells as strings.")
    formatters = param.ClassSelector(default=None, class_=(dict, list), doc="""
        Functions formatting cells, per column (name or position); results are escaped.""")
    header = param.Boolean(default=True, doc="Show the column labels.")
    index = param.Boolean(default=True, doc="Show the index (row labels).")
    index_names = param.Boolean(default=True, doc="Show the names of the indexes.")
    justify: str | None = param.Selector(  # type: ignore[assignment]
        default=None, objects=[
        None, "left", "right", "center", "justify", "justify-all", "start", "end", "inherit",
        "match-parent", "initial", "unset"], doc="How to justify the column labels.")
    max_rows = param.Integer(default=None, allow_None=True, bounds=(0, None),
                             doc="Show at most this many rows (None: all).")
    max_cols = param.Integer(default=None, allow_None=True, bounds=(0, None),
                             doc="Show at most this many columns (None: all).")
    na_rep = param.String(default="NaN", doc="Text shown for missing values.")
    render_links = param.Boolean(default=False, doc="""
        Panel's URL-to-link option: accepted, never applied (False is kept; True warns).""")
    sanitize_html = param.Boolean(default=False, doc="""
        Panel's switch for sanitizing cell HTML; cells here are always escaped, which is
        stricter, so either value shows them as text.""")
    sanitize_hook = _PaneOption(default=None, doc="""
        Panel's HTML sanitizer for cells: kept, not applied (cells are escaped).""")
    disable_math = param.Boolean(default=True, doc="""
        Panel's switch for LaTeX math in cells; math is never rendered here.""")
    show_dimensions = param.Boolean(default=False, doc="Show 'rows x columns' below.")
    sparsify = param.Boolean(default=True, doc="""
        Print each hierarchical index key once (False: at every row).""")
    text_align: str | None = param.Selector(  # type: ignore[assignment]
        default=None, objects=[None, "start", "end", "center"],
                                doc="Alignment of the cells (not the headers).")

    view_kind: ClassVar[str] = "DataFrame"
    _coerced: ClassVar[frozenset[str]] = frozenset({
        "object", "classes", "col_space", "escape", "render_links"})

    def _coerce(self, name: str, value: Any) -> Any:
        if name == "object":
            if value is not None and not is_dataframe(value):
                raise TypeError(
                    f"DataFrame.object must be a pandas DataFrame or Series (pandas is the "
                    f"optional extra: pip install 'panel_state[pandas]'), got "
                    f"{type(value).__name__} {value!r:.80}.")
        elif name == "classes":
            check_css_classes("DataFrame.classes", value)
        elif name == "col_space" and value is not None:
            _check_col_space(value)
        elif name == "escape" and value is False:
            warn_unsupported("pn.pane.DataFrame", "escape=False", "Cells are always escaped.")
            return True
        elif name == "render_links" and value is True:
            warn_unsupported("pn.pane.DataFrame", "render_links=True",
                             "Cell text is never turned into links.")
            return False
        return value

    def _frame(self) -> Any:
        obj = self.object
        kind = type(obj).__name__
        if kind == "Styler":
            warn_unsupported("pn.pane.DataFrame", "Styler", "Its data is shown unstyled.")
            obj = obj.data
        elif kind == "Series":
            obj = obj.to_frame()
        return obj

    @property
    def html(self) -> str:
        """The table's HTML, made by pandas with every cell escaped ('' for None)."""
        if self.object is None:
            return ""
        classes = list(self.classes)
        if self.text_align:
            classes.append(f"ps-df-align-{self.text_align}")
        html: str = self._frame().to_html(
            bold_rows=self.bold_rows, border=self.border, classes=classes,
            col_space=self.col_space, decimal=self.decimal, escape=True,
            float_format=self.float_format, formatters=self.formatters, header=self.header,
            index=self.index, index_names=self.index_names, justify=self.justify,
            max_rows=self.max_rows, max_cols=self.max_cols, na_rep=self.na_rep,
            render_links=False, show_dimensions=self.show_dimensions, sparsify=self.sparsify)
        return html

    def view_props(self) -> dict[str, Any]:
        return {**super().view_props(), "html": self.html}

    def __repr__(self) -> str:
        shape = getattr(self.object, "shape", None)
        return f"DataFrame({type(self.object).__name__} {shape})"
