"""A session's page: plain roots, or one template that .servable(area=...) fills."""

from __future__ import annotations

import pytest

import panel_state as pn
from panel_state import pages
from panel_state.testing import session
from panel_state.wire.connection import Connection


def test_servable_without_a_template_adds_roots():
    with session() as s:
        first = pn.pane.Str("a").servable(title="Plain")
        second = pn.Row("b").servable()
        assert s.roots == [first, second] and s.template is None
        assert s.title == "Plain" and pages.page_title(s, "Route") == "Plain"


def test_servable_area_other_than_main_makes_a_template():
    with session() as s:
        before = pn.pane.Str("earlier").servable()
        side = pn.widgets.Toggle(name="On").servable(area="sidebar", title="Dash")
        template = pn.state.template
        assert s.roots == [template] and template is s.template
        assert list(template.sidebar) == [side] and list(template.main) == [before]
        assert template.title == "Dash" and type(template) is pn.template.Template


def test_servable_puts_objects_in_every_area():
    with session():
        objs = {area: pn.pane.Str(area).servable(area=area)
                for area in ("main", "sidebar", "header", "modal")}
        template = pn.state.template
        for area, obj in objs.items():
            assert list(getattr(template, area)) == [obj]


def test_servable_target_wins_over_area():
    with session():
        obj = pn.pane.Str("x").servable(area="main", target="sidebar")
        assert list(pn.state.template.sidebar) == [obj]


def test_servable_refuses_an_unknown_area_even_outside_a_session():
    with pytest.raises(ValueError, match=r"servable\(area='footer'\): the areas are \['main'"):
        pn.pane.Str("x").servable(area="footer")


def test_servable_outside_a_session_does_nothing():
    obj = pn.pane.Str("x")
    assert obj.servable(area="sidebar") is obj
    assert len(pn.state.template.sidebar) == 0


def test_state_template_is_made_once_per_session_and_once_outside():
    with session() as one:
        first = pn.state.template
        assert pn.state.template is first and one.roots == [first]
    with session():
        assert pn.state.template is not first
    outside = pn.state.template
    assert pn.state.template is outside and outside is not first


def test_config_template_names_the_kind_and_servable_fills_it():
    pn.config.template = "material"
    with session() as s:
        obj = pn.Column("main part").servable(title="Material page")
        template = pn.state.template
        assert type(template) is pn.template.MaterialTemplate
        assert s.roots == [template] and list(template.main) == [obj]
        assert template.title == "Material page"


def test_extension_template_keyword_sets_the_template():
    pn.extension("tabulator", template="fast")
    assert pn.config.template == "fast"
    with session():
        assert type(pn.state.template) is pn.template.FastListTemplate
    with pytest.raises(ValueError, match="template"):
        pn.extension(template="bootstrap5")
    assert pn.config.template == "fast"


def test_template_servable_shows_it_as_the_page():
    with session() as s:
        earlier = pn.pane.Str("x").servable()
        template = pn.template.VanillaTemplate(main=["body"]).servable(title="Shown")
        assert s.roots == [template] and pn.state.template is template
        assert template.main[-1] is earlier and template.title == "Shown"
        with pytest.raises(RuntimeError, match="already shows VanillaTemplate"):
            pn.template.MaterialTemplate().servable()


def test_template_servable_refuses_with_a_config_template():
    pn.config.template = "vanilla"
    with session(), pytest.raises(RuntimeError, match=r"pn\.config\.template is 'vanilla'"):
        pn.template.MaterialTemplate().servable()


def test_template_servable_outside_a_session_returns_it():
    template = pn.template.Template()
    assert template.servable() is template


def test_page_title_follows_the_template():
    with session() as s:
        template = pn.state.template
        assert pages.page_title(s, "Route") == "Route"
        assert pages.page_title(s, None) == "Panel Application"
        template.title = "Own"
        assert pages.page_title(s, "Route") == "Own"


def test_connection_renders_the_template_with_its_title():
    with session() as s:
        pn.pane.Str("body").servable()
        pn.state.template.title = "Dashboard"
        connection = Connection(s, title="Route title")
        message = connection.render_message(resumed=False)
        (root,) = message["roots"]
        assert message["title"] == "Dashboard" and root["kind"] == "Template"
        assert [child["kind"] for child in root["children"]] == [
            "Row", "Column", "Column", "Column"]
        main = root["children"][2]
        assert main["children"][0]["kind"] == "Str"
        connection.renderer.close()


def test_destroyed_session_drops_its_template():
    with session() as s:
        pn.state.template.main.append("x")
    assert s.template is None and s.roots == []


def test_page_layout_and_template_docstring_examples_run():
    import doctest

    from panel_state.layout import base, card, css, flex, spacer, tabs
    from panel_state.template import base as template_base
    from panel_state.template import names

    for module in (pages, pn.layout, base, card, css, flex, spacer, tabs, pn.template,
                   template_base, names):
        assert doctest.testmod(module).failed == 0, module.__name__
        pn.state.reset()
