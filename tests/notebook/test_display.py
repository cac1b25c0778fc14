"""The notebook's ES module and CSS, and how Viewables display outside a kernel."""

from __future__ import annotations

import sys

import pytest

import panel_state as pn
from panel_state.notebook import esm, widget
from panel_state.notebook.display import mimebundle, snapshot_html


def test_join_modules_drops_the_one_core_import():
    host = 'import {Core, h} from "./core.js";\n\nexport default {render};\n'
    joined = esm.join_modules("export class Core {}\nexport function h() {}\n", host)
    assert joined == ("export class Core {}\nexport function h() {}\n\n// -- widget.js --\n"
                      "export default {render};\n")


@pytest.mark.parametrize(("core", "host", "match"), [
    ("", "export default {};\n", r"import from \"\./core\.js\" exactly once, found 0"),
    ("", 'import {A} from "./core.js";\nimport {B} from "./core.js";\n', r"found 2"),
    ("", 'import {A} from "./core.js";\nimport x from "https://cdn.example/x.js";\n',
     r"may import nothing but the core"),
    ('import x from "./other.js";\n', 'import {A} from "./core.js";\n',
     r"may import nothing but the core"),
])
def test_join_modules_refuses_hosts_it_cannot_make_one_module_of(core, host, match):
    with pytest.raises(ValueError, match=match):
        esm.join_modules(core, host)


def test_widget_module_is_core_and_host_in_one_module_without_imports():
    module = esm.widget_module()
    assert "export class Core" in module and "class WidgetHost" in module
    assert "import " not in [line[:7] for line in module.splitlines()]
    assert module.index("export class Core") < module.index("class WidgetHost")
    # The renderer table is core.js's own: the notebook adds no renderer of its own.
    assert module.count("const KINDS = {}") == 1


def test_widget_css_keeps_component_rules_and_drops_the_page_ones():
    css = esm.widget_css()
    assert ".ps-button" in css and ".ps-chart" in css and ".ps-notebook" in css
    assert "html, body" not in css and "#ps-root" not in css
    assert esm.page_rules_removed("html, body { margin: 0; }\n.a { b: c; }\n") == (
        ".a { b: c; }\n")


def test_display_outside_a_kernel_is_the_text_repr():
    row = pn.Row(pn.widgets.Button(name="Go"))
    assert row._repr_mimebundle_() == {"text/plain": repr(row)}
    def label(on):
        return "on" if on else "off"

    bound = pn.bind(label, pn.widgets.Toggle())
    assert bound._repr_mimebundle_() == {
        "text/plain": f"ParamFunction({label.__module__}.{label.__qualname__})"}


def test_display_without_the_extra_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "anywidget", None)  # as if it were not installed
    assert widget.available() is False
    md = pn.pane.Markdown("hi")
    assert mimebundle(md) == {
        "text/plain": "Markdown('hi') (pip install 'panel_state[notebook]' to display it "
                      "live in Jupyter)"}


def test_snapshot_html_of_a_first_display_is_an_escaped_note():
    text = pn.pane.Str("<script>alert(1)</script>")
    html = snapshot_html(text)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "a live panel_state output" in html
