"""The notebook's JavaScript and CSS, built from the page's own files.

anywidget loads one ES module per widget. :func:`widget_module` makes it from
``static/core.js`` (the renderer the served page uses) and ``static/widget.js`` (the
notebook host) by joining them and dropping the host's import of the core: the same
renderer, no build tool. :func:`widget_css` is ``static/client.css`` without the rules
meant for a whole page (``html``/``body``), which would restyle the notebook around it.

Examples
--------
>>> from panel_state.notebook.esm import join_modules
>>> print(join_modules('export const A = 1;', 'import {A} from "./core.js";\\nexport const B = A;'))
export const A = 1;
<BLANKLINE>
// -- widget.js --
export const B = A;
"""

from __future__ import annotations

import functools
import re
from importlib import resources

__all__ = ["join_modules", "page_rules_removed", "widget_css", "widget_module"]

_IMPORT_CORE = re.compile(r'^import \{[^}]*\} from "\./core\.js";\n', re.M)
_PAGE_RULE = re.compile(r"^(html, body|#ps-root\b[^{]*) \{[^}]*\}\n", re.M)

#: The notebook output's own frame: the page's font, a little room, no page colours.
_NOTEBOOK_CSS = """
.ps-notebook { color: var(--ps-fg); padding: 4px 0;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.ps-notebook.ps-snapshot { opacity: 0.85; }
"""


def _static(name: str) -> str:
    return resources.files("panel_state").joinpath("static", name).read_text(encoding="utf-8")


def join_modules(core: str, host: str) -> str:
    """One ES module: ``core``, then ``host`` without its one import of ``./core.js``.

    Raises
    ------
    ValueError
        When ``host`` does not import from ``./core.js`` exactly once, or imports any
        other module: the joined module must not load anything.
    """
    found = _IMPORT_CORE.findall(host)
    if len(found) != 1:
        raise ValueError(f"The notebook host must import from \"./core.js\" exactly once, "
                         f"found {len(found)} such import lines; fix static/widget.js.")
    rest = _IMPORT_CORE.sub("", host)
    if re.search(r"^\s*import\b", rest, re.M) or re.search(r"^\s*import\b", core, re.M):
        raise ValueError("The notebook module may import nothing but the core; found another "
                         "import in static/core.js or static/widget.js.")
    return f"{core.rstrip()}\n\n// -- widget.js --\n{rest.lstrip()}"


def page_rules_removed(css: str) -> str:
    """``css`` without the page-level rules (``html, body {...}``, ``#ps-root {...}``)."""
    return _PAGE_RULE.sub("", css)


@functools.cache
def widget_module() -> str:
    """The ES module the notebook widget runs: core.js joined with widget.js."""
    return join_modules(_static("core.js"), _static("widget.js"))


@functools.cache
def widget_css() -> str:
    """The component styles for a notebook output."""
    return page_rules_removed(_static("client.css")) + _NOTEBOOK_CSS
