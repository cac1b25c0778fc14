"""Layout and style params: their checks and the CSS they become."""

from __future__ import annotations

import doctest

import pytest

import panel_state.styling
from panel_state.styling import check_css_classes, check_styles, layout_css


def test_styling_doctests():
    assert doctest.testmod(panel_state.styling).failed == 0


# -- layout_css ------------------------------------------------------------------------------


def test_layout_css_nothing_set_is_none():
    assert layout_css({}) is None
    assert layout_css({"sizing_mode": None, "width": None, "align": "start", "styles": {},
                       "css_classes": [], "margin": None, "loading": False}) is None


def test_layout_css_sizes_are_pixels():
    css = layout_css({"width": 300, "height": 120, "min_width": 50, "max_width": 600,
                      "min_height": 10, "max_height": 400})
    assert css == {"style": {"width": "300px", "height": "120px", "min-width": "50px",
                             "max-width": "600px", "min-height": "10px",
                             "max-height": "400px"}, "classes": []}


@pytest.mark.parametrize(("margin", "css"), [
    (0, "0px"), (10, "10px"), ((5, 10), "5px 10px"), ([1, 2, 3, 4], "1px 2px 3px 4px"),
])
def test_layout_css_margin_forms(margin, css):
    assert layout_css({"margin": margin})["style"] == {"margin": css}


def test_layout_css_stretching_ignores_the_fixed_size_of_that_dimension():
    css = layout_css({"sizing_mode": "stretch_width", "width": 300, "height": 100})
    assert css == {"style": {"height": "100px"}, "classes": ["ps-stretch-width"]}
    both = layout_css({"sizing_mode": "stretch_both", "width": 300, "height": 100})
    assert both == {"style": {}, "classes": ["ps-stretch-width", "ps-stretch-height"]}


def test_layout_css_scale_keeps_the_aspect_ratio():
    # The height follows the stretched width: a fixed height would break the ratio.
    assert layout_css({"sizing_mode": "scale_width", "width": 400, "height": 200}) == {
        "style": {"aspect-ratio": "2"}, "classes": ["ps-stretch-width"]}
    assert layout_css({"sizing_mode": "scale_height", "width": 400, "height": 200}) == {
        "style": {"aspect-ratio": "2"}, "classes": ["ps-stretch-height"]}
    assert layout_css({"sizing_mode": "scale_width", "height": 200})["style"] == {
        "height": "200px"}  # no ratio to keep: the height stays
    assert layout_css({"aspect_ratio": 1.5})["style"] == {"aspect-ratio": "1.5"}
    assert layout_css({"aspect_ratio": "auto"}) is None


def test_layout_css_align_pairs_are_vertical_then_horizontal():
    assert layout_css({"align": "center"})["classes"] == ["ps-align-v-center",
                                                          "ps-align-h-center"]
    assert layout_css({"align": ("end", "start")})["classes"] == ["ps-align-v-end"]


def test_layout_css_styles_win_and_classes_follow_the_layout_ones():
    css = layout_css({"width": 100, "styles": {"width": "50%", "z-index": 3},
                      "css_classes": ["card"], "loading": True})
    assert css == {"style": {"width": "50%", "z-index": "3"},
                   "classes": ["ps-loading-overlay", "card"]}


# -- checks -----------------------------------------------------------------------------------


def test_check_styles_accepts_plain_css():
    assert check_styles("styles", {"background-color": "#eee", "--my-gap": "4px",
                                   "font-family": '"Fira Code", monospace', "opacity": 0.5,
                                   "-webkit-user-select": "none",
                                   "color": "red !important"}) == {
        "background-color": "#eee", "--my-gap": "4px", "font-family": '"Fira Code", monospace',
        "opacity": "0.5", "-webkit-user-select": "none", "color": "red !important"}


@pytest.mark.parametrize(("value", "reason"), [
    ("red</style><script>window.__pwned=1</script>", "may not contain '<'"),
    ("red; background: blue", "may not contain ';'"),
    ("x} body { display: none", "may not contain '}'"),
    ("url(javascript:alert(1))", "may not contain 'url\\('"),
    ("URL(https://evil.test/track.png)", "may not contain 'url\\('"),
    ("expression(alert(1))", "may not contain 'expression\\('"),
    ('image-set("https://evil.test/a.png" 1x)', "may not contain 'image-set\\('"),
    ('-webkit-image-set("a.png" 1x)', "may not contain 'image-set\\('"),
    ("\\75rl(https://evil.test)", "may not contain '\\\\\\\\'"),
    ("red\n", "may not contain '\\\\n'"),
    ("javascript:alert(1)", "may not contain 'javascript:'"),
])
def test_check_styles_refuses_values_that_escape_or_load(value, reason):
    with pytest.raises(ValueError, match=rf"styles\['background'\] {reason}"):
        check_styles("styles", {"background": value})


@pytest.mark.parametrize("name", ["Color", "color;x", "", "back ground", "1st", "<b>"])
def test_check_styles_refuses_names_that_are_not_css_properties(name):
    with pytest.raises(ValueError, match="property names must be CSS property names"):
        check_styles("styles", {name: "red"})


def test_check_styles_refuses_behaviour_bindings_and_odd_values():
    with pytest.raises(ValueError, match="may not set '-moz-binding': it binds behaviour"):
        check_styles("styles", {"-moz-binding": "x"})
    with pytest.raises(TypeError, match=r"styles\['color'\] must be a string or a number"):
        check_styles("styles", {"color": ["red"]})
    with pytest.raises(TypeError, match="must be a dict of CSS properties, got str"):
        check_styles("styles", "color: red")


@pytest.mark.parametrize("name", ["a b", "<x>", "1a", "x\"y", ""])
def test_check_css_classes_refuses_what_is_not_a_class_name(name):
    with pytest.raises(ValueError, match="items must be CSS class names"):
        check_css_classes("css_classes", ["ok", name])


def test_check_css_classes_needs_a_list():
    assert check_css_classes("css_classes", ("a", "b-c", "_d")) == ["a", "b-c", "_d"]
    with pytest.raises(TypeError, match="must be a list of CSS class names, got str"):
        check_css_classes("css_classes", "card")
