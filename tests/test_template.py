"""The template: areas, modal, checked props, and every Panel template name."""

from __future__ import annotations

import warnings

import pytest

import panel_state as pn
from panel_state.compat import UnsupportedWarning
from panel_state.config import TEMPLATE_NAMES
from panel_state.template.names import TEMPLATES, GridArea


def test_template_areas_are_layouts_in_display_order():
    page = pn.template.Template(title="Sales", sidebar=[pn.widgets.Toggle(name="On")],
                                main="# Figures")
    header, sidebar, main, modal = page.view_children()
    assert (header, sidebar, main, modal) == (page.header, page.sidebar, page.main, page.modal)
    assert [type(a).__name__ for a in (header, sidebar, main, modal)] == [
        "Row", "Column", "Column", "Column"]
    assert sidebar[0].name == "On" and type(main[0]).__name__ == "Markdown"
    props = page.view_props()
    assert props["areas"] == ["header", "sidebar", "main", "modal"]
    assert props["title"] == "Sales" and props["modal_open"] is False
    assert page.view_kind == "Template" and page.view_child_params == ()


def test_template_takes_a_layout_as_an_area():
    column = pn.Column("a")
    assert pn.template.Template(main=column).main is column


def test_template_areas_cannot_be_replaced():
    page = pn.template.Template()
    with pytest.raises(TypeError, match=r"Constant parameter 'main' cannot be modified"):
        page.main = pn.Column()


def test_template_modal_opens_and_closes_from_python_and_the_browser():
    page = pn.template.Template()
    seen = []
    page.param.watch(lambda e: seen.append(e.new), "modal_open")
    page.open_modal()
    page.apply_client_change("modal_open", False)
    page.open_modal()
    page.close_modal()
    assert seen == [True, False, True, False]
    with pytest.raises(ValueError, match="does not accept client changes to 'title'"):
        page.apply_client_change("title", "x")
    with pytest.raises((ValueError, TypeError)):
        page.apply_client_change("modal_open", "yes")


def test_template_view_add_puts_objects_in_an_area_and_names_the_page():
    page = pn.template.Template()
    page.view_add("side", "sidebar", title="First")
    page.view_add("more", "main", title="Second")
    assert len(page.sidebar) == 1 and len(page.main) == 1
    assert page.title == "First"  # a title of its own is kept
    with pytest.raises(ValueError, match=r"has no area 'footer'; the areas are \['header'"):
        page.view_add("x", "footer")


def test_template_view_title_prefers_its_own_title():
    page = pn.template.Template()
    assert page.view_title("Route") == "Route" and page.view_title(None) == "Panel Application"
    page.title = "Mine"
    assert page.view_title("Route") == "Mine"


@pytest.mark.parametrize(("name", "value", "match"), [
    ("header_background", "red; x: url(y)", "must be a CSS colour"),
    ("site_url", "javascript:alert(1)", r"must be an http\(s\) URL"),
    ("logo", "javascript:alert(1)", r"must be an http\(s\) URL"),
    ("favicon", "vbscript:x", r"must be an http\(s\) URL"),
    ("main_max_width", "10px; color: red", "must be '' or a CSS length"),
    ("theme", "blue", "theme"),
])
def test_template_props_that_reach_the_page_are_checked(name, value, match):
    page = pn.template.Template()
    before = getattr(page, name)
    with pytest.raises(ValueError, match=match):
        setattr(page, name, value)
    assert getattr(page, name) == before


def test_template_logo_file_is_sent_inline(tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    page = pn.template.Template(logo=str(logo), favicon=str(logo))
    assert page.logo.startswith("data:image/svg+xml;base64,") and page.favicon == page.logo


def test_template_theme_takes_names_and_classes():
    assert pn.template.Template(theme=pn.template.DarkTheme).theme == "dark"
    assert pn.template.Template(theme="dark").view_props()["theme"] == "dark"


def test_template_every_panel_name_is_a_template():
    names = {"BaseTemplate", "BootstrapTemplate", "EditableTemplate", "FastGridTemplate",
             "FastListTemplate", "GoldenTemplate", "MaterialTemplate", "ReactTemplate",
             "SlidesTemplate", "Template", "VanillaTemplate"}
    assert names <= set(pn.template.__all__)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnsupportedWarning)
        for name in names:
            page = getattr(pn.template, name)(title=name)
            assert isinstance(page, pn.template.Template) and page.title == name
    assert pn.template.BaseTemplate is pn.Template is pn.template.Template


def test_template_config_names_match_the_table():
    assert set(TEMPLATES) == set(TEMPLATE_NAMES)
    assert pn.config.param["template"].objects == [None, *TEMPLATE_NAMES]


def test_template_names_keep_panels_defaults():
    assert pn.template.MaterialTemplate().sidebar_width == 370
    assert pn.template.BootstrapTemplate().sidebar_width == 350
    assert pn.template.VanillaTemplate().sidebar_width == 330


def test_template_fast_accent_sets_the_accent_and_the_header():
    page = pn.template.FastListTemplate(accent="#d62728")
    assert page.accent_base_color == "#d62728" and page.header_background == "#d62728"
    props = page.view_props()
    assert props["accent_base_color"] == "#d62728"
    own = pn.template.FastListTemplate(accent="#d62728", header_background="#000")
    assert own.header_background == "#000"
    with pytest.raises(ValueError, match="accent_base_color must be a CSS colour"):
        pn.template.FastListTemplate(accent="red;")


def test_template_fast_list_has_a_right_sidebar():
    page = pn.template.FastListTemplate(right_sidebar=["notes"])
    assert page.view_props()["areas"][-1] == "right_sidebar"
    assert page.view_children()[-1] is page.right_sidebar and len(page.right_sidebar) == 1


def test_template_panel_keywords_it_does_not_draw_warn_once_each():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pn.template.FastListTemplate(meta_description="x", corner_radius=5, font="Roboto")
        pn.template.FastListTemplate(meta_description="y")
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 3 and all(w.category is UnsupportedWarning for w in caught)
    assert "pn.template.FastListTemplate: Panel's 'corner_radius'" in messages[0]
    assert "Fast design system is not drawn" in messages[0]
    with pytest.raises(TypeError):
        pn.template.MaterialTemplate(corner_radius=5)  # Panel's Material has none either


def test_template_names_with_a_different_layout_say_so_once():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pn.template.GoldenTemplate()
        pn.template.GoldenTemplate()
        pn.template.SlidesTemplate(reveal_config={"controls": False})
        pn.template.MaterialTemplate()
    messages = [str(w.message) for w in caught]
    assert len(messages) == 3
    assert messages[0].startswith("pn.template: Panel's 'GoldenTemplate'")
    assert "golden-layout" in messages[0]


def test_template_grid_cells_stack_in_order():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        page = pn.template.ReactTemplate(row_height=100)
        page.main[0:2, 0:6] = "first"
        page.main[0:2, 6:12] = "second"
        page.main[0:2, 0:6] = "replaced"
    assert isinstance(page.main, GridArea)
    assert [o.object for o in page.main] == ["replaced", "second"]
    assert len(caught) == 2  # row_height, grid cells: once each


def test_template_repr_names_the_kind_and_title():
    assert repr(pn.template.MaterialTemplate(title="A")) == "MaterialTemplate(title='A')"


def test_template_and_layout_kinds_each_have_a_renderer_in_core_js():
    from pathlib import Path

    core = (Path(pn.__file__).parent / "static" / "core.js").read_text()
    classes = [getattr(pn.layout, n) for n in pn.layout.__all__ if n != "ListLike"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnsupportedWarning)
        classes += [getattr(pn.template, n) for n in pn.template.__all__ if n.endswith("Template")]
    for cls in classes:
        assert f"KINDS.{cls.view_kind} = " in core, cls
