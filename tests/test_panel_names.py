"""Panel's component param names are a contract: every one is accepted here.

The table holds the public param names of Panel 1.9.4's classes that panel_state exports
under the same name, read from an installed Panel with the ``PARAMS_SOURCE`` of
``scripts/check_panel_names.py`` (which also compares them live when Panel is installed).
Each name is a param of our class -- it works, or it is kept and warns once that it is
not applied -- or one the class takes and ignores with a warning (``_panel_ignored``).
"""

from __future__ import annotations

import pytest

import panel_state as pn

PANEL_PARAMS = {
    "indicators.Indicator": """
        align aspect_ratio css_classes design disabled height height_policy label loading
        margin max_height max_width min_height min_width name sizing_mode styles stylesheets
        tags value visible width width_policy
        """,
    "indicators.LoadingSpinner": """
        align aspect_ratio bgcolor color css_classes design disabled height height_policy
        label loading margin max_height max_width min_height min_width name size sizing_mode
        styles stylesheets tags throttle value visible width width_policy
        """,
    "indicators.Number": """
        align aspect_ratio colors css_classes default_color design disabled font_size format
        height height_policy label loading margin max_height max_width min_height min_width
        name nan_format sizing_mode styles stylesheets tags title_size value visible width
        width_policy
        """,
    "indicators.Progress": """
        active align aspect_ratio bar_color css_classes design disabled height height_policy
        label loading margin max max_height max_width min_height min_width name sizing_mode
        styles stylesheets tags value visible width width_policy
        """,
    "layout.Card": """
        active_header_background align aspect_ratio auto_scroll_limit button_css_classes
        collapsed collapsible css_classes design header header_background header_color
        header_css_classes height height_policy hide_header loading margin max_height
        max_width min_height min_width name objects scroll scroll_button_threshold
        scroll_position sizing_mode styles stylesheets tags title title_css_classes
        view_latest visible width width_policy
        """,
    "layout.Column": """
        align aspect_ratio auto_scroll_limit css_classes design height height_policy loading
        margin max_height max_width min_height min_width name objects scroll
        scroll_button_threshold scroll_position sizing_mode styles stylesheets tags
        view_latest visible width width_policy
        """,
    "layout.Divider": """
        align aspect_ratio css_classes design height height_policy loading margin max_height
        max_width min_height min_width name sizing_mode styles stylesheets tags visible
        width width_policy
        """,
    "layout.FlexBox": """
        align align_content align_items aspect_ratio css_classes design flex_direction
        flex_wrap gap height height_policy justify_content loading margin max_height
        max_width min_height min_width name objects sizing_mode styles stylesheets tags
        visible width width_policy
        """,
    "layout.HSpacer": """
        align aspect_ratio css_classes design height height_policy loading margin max_height
        max_width min_height min_width name sizing_mode styles stylesheets tags visible
        width width_policy
        """,
    "layout.ListLike": """
        name objects
        """,
    "layout.Row": """
        align aspect_ratio css_classes design height height_policy loading margin max_height
        max_width min_height min_width name objects scroll sizing_mode styles stylesheets
        tags visible width width_policy
        """,
    "layout.Spacer": """
        align aspect_ratio css_classes design height height_policy loading margin max_height
        max_width min_height min_width name sizing_mode styles stylesheets tags visible
        width width_policy
        """,
    "layout.Tabs": """
        active align aspect_ratio closable css_classes design dynamic height height_policy
        loading margin max_height max_width min_height min_width name objects scroll
        sizing_mode styles stylesheets tabs_location tags visible width width_policy
        """,
    "layout.VSpacer": """
        align aspect_ratio css_classes design height height_policy loading margin max_height
        max_width min_height min_width name sizing_mode styles stylesheets tags visible
        width width_policy
        """,
    "pane.AVIF": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.Alert": """
        alert_type align aspect_ratio css_classes dedent default_layout design
        disable_anchors disable_math enable_streaming extensions hard_line_break height
        height_policy loading margin max_height max_width min_height min_width name object
        plugins renderer renderer_options sizing_mode styles stylesheets tags visible width
        width_policy
        """,
    "pane.DataFrame": """
        align aspect_ratio bold_rows border classes col_space css_classes decimal
        default_layout design disable_math enable_streaming escape float_format formatters
        header height height_policy index index_names justify loading margin max_cols
        max_height max_rows max_width min_height min_width na_rep name object render_links
        sanitize_hook sanitize_html show_dimensions sizing_mode sparsify styles stylesheets
        tags text_align visible width width_policy
        """,
    "pane.GIF": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.HTML": """
        align aspect_ratio css_classes default_layout design disable_math enable_streaming
        height height_policy loading margin max_height max_width min_height min_width name
        object sanitize_hook sanitize_html sizing_mode styles stylesheets tags visible width
        width_policy
        """,
    "pane.ICO": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.Image": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.JPG": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.JSON": """
        align aspect_ratio css_classes default_layout depth design enable_streaming encoder
        height height_policy hover_preview loading margin max_height max_width min_height
        min_width name object sizing_mode styles stylesheets tags theme visible width
        width_policy
        """,
    "pane.Markdown": """
        align aspect_ratio css_classes dedent default_layout design disable_anchors
        disable_math enable_streaming extensions hard_line_break height height_policy
        loading margin max_height max_width min_height min_width name object plugins
        renderer renderer_options sizing_mode styles stylesheets tags visible width
        width_policy
        """,
    "pane.PNG": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.PaneBase": """
        align aspect_ratio css_classes default_layout design height height_policy margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags visible width width_policy
        """,
    "pane.SVG": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming encode fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "pane.Str": """
        align aspect_ratio css_classes default_layout design enable_streaming height
        height_policy loading margin max_height max_width min_height min_width name object
        sizing_mode styles stylesheets tags visible width width_policy
        """,
    "pane.WebP": """
        align alt_text aspect_ratio caption css_classes default_layout design embed
        enable_streaming fixed_aspect height height_policy link_url loading margin
        max_height max_width min_height min_width name object sizing_mode styles stylesheets
        tags target visible width width_policy
        """,
    "widgets.Button": """
        align aspect_ratio button_style button_type clicks color css_classes description
        description_delay design disabled height height_policy icon icon_size label loading
        margin max_height max_width min_height min_width name sizing_mode styles stylesheets
        tags value variant visible width width_policy
        """,
    "widgets.CheckBoxGroup": """
        align aspect_ratio css_classes design disabled height height_policy inline label
        loading margin max_height max_width min_height min_width name options sizing_mode
        styles stylesheets tags value visible width width_policy
        """,
    "widgets.Checkbox": """
        align aspect_ratio css_classes design disabled height height_policy label loading
        margin max_height max_width min_height min_width name sizing_mode styles stylesheets
        tags value visible width width_policy
        """,
    "widgets.DatePicker": """
        align aspect_ratio css_classes description design disabled disabled_dates
        enabled_dates end height height_policy label loading margin max_height max_width
        min_height min_width name sizing_mode start styles stylesheets tags value visible
        width width_policy
        """,
    "widgets.FloatInput": """
        align aspect_ratio css_classes description design disabled end format height
        height_policy label loading margin max_height max_width min_height min_width mode
        name page_step_multiplier placeholder sizing_mode start step styles stylesheets tags
        value value_throttled visible wheel_wait width width_policy
        """,
    "widgets.FloatSlider": """
        align aspect_ratio bar_color css_classes design direction disabled end format height
        height_policy label loading margin max_height max_width min_height min_width name
        orientation show_value sizing_mode start step styles stylesheets tags tooltips value
        value_throttled visible width width_policy
        """,
    "widgets.IntInput": """
        align aspect_ratio css_classes description design disabled end format height
        height_policy label loading margin max_height max_width min_height min_width mode
        name page_step_multiplier placeholder sizing_mode start step styles stylesheets tags
        value value_throttled visible wheel_wait width width_policy
        """,
    "widgets.IntRangeSlider": """
        align aspect_ratio bar_color css_classes design direction disabled end format height
        height_policy label loading margin max_height max_width min_height min_width name
        orientation show_value sizing_mode start step styles stylesheets tags tooltips value
        value_end value_start value_throttled visible width width_policy
        """,
    "widgets.IntSlider": """
        align aspect_ratio bar_color css_classes design direction disabled end format height
        height_policy label loading margin max_height max_width min_height min_width name
        orientation show_value sizing_mode start step styles stylesheets tags tooltips value
        value_throttled visible width width_policy
        """,
    "widgets.LoadingSpinner": """
        align aspect_ratio bgcolor color css_classes design disabled height height_policy
        label loading margin max_height max_width min_height min_width name size sizing_mode
        styles stylesheets tags throttle value visible width width_policy
        """,
    "widgets.MultiSelect": """
        align aspect_ratio css_classes description design disabled height height_policy
        label loading margin max_height max_width min_height min_width name options size
        sizing_mode styles stylesheets tags value visible width width_policy
        """,
    "widgets.Number": """
        align aspect_ratio colors css_classes default_color design disabled font_size format
        height height_policy label loading margin max_height max_width min_height min_width
        name nan_format sizing_mode styles stylesheets tags title_size value visible width
        width_policy
        """,
    "widgets.NumberInput": """
        align aspect_ratio css_classes description design disabled end format height
        height_policy label loading margin max_height max_width min_height min_width name
        page_step_multiplier placeholder sizing_mode start styles stylesheets tags value
        visible wheel_wait width width_policy
        """,
    "widgets.PasswordInput": """
        align aspect_ratio css_classes description design disabled height height_policy
        label loading margin max_height max_length max_width min_height min_width name
        placeholder sizing_mode styles stylesheets tags value value_input visible width
        width_policy
        """,
    "widgets.Progress": """
        active align aspect_ratio bar_color css_classes design disabled height height_policy
        label loading margin max max_height max_width min_height min_width name sizing_mode
        styles stylesheets tags value visible width width_policy
        """,
    "widgets.RadioButtonGroup": """
        align aspect_ratio button_style button_type color css_classes description
        description_delay design disabled height height_policy label loading margin
        max_height max_width min_height min_width name options orientation sizing_mode
        styles stylesheets tags value variant visible width width_policy
        """,
    "widgets.RangeSlider": """
        align aspect_ratio bar_color css_classes design direction disabled end format height
        height_policy label loading margin max_height max_width min_height min_width name
        orientation show_value sizing_mode start step styles stylesheets tags tooltips value
        value_end value_start value_throttled visible width width_policy
        """,
    "widgets.Select": """
        align aspect_ratio css_classes description design disabled disabled_options groups
        height height_policy label loading margin max_height max_width min_height min_width
        name options size sizing_mode styles stylesheets tags value visible width
        width_policy
        """,
    "widgets.Spinner": """
        align aspect_ratio css_classes description design disabled end format height
        height_policy label loading margin max_height max_width min_height min_width name
        page_step_multiplier placeholder sizing_mode start styles stylesheets tags value
        visible wheel_wait width width_policy
        """,
    "widgets.StaticText": """
        align aspect_ratio css_classes design disabled height height_policy label loading
        margin max_height max_width min_height min_width name sizing_mode styles stylesheets
        tags value visible width width_policy
        """,
    "widgets.Switch": """
        align aspect_ratio css_classes design disabled height height_policy label loading
        margin max_height max_width min_height min_width name sizing_mode styles stylesheets
        tags value visible width width_policy
        """,
    "widgets.TextAreaInput": """
        align aspect_ratio auto_grow cols css_classes description design disabled height
        height_policy label loading margin max_height max_length max_rows max_width
        min_height min_width name placeholder resizable rows sizing_mode styles stylesheets
        tags value value_input visible width width_policy
        """,
    "widgets.TextInput": """
        align aspect_ratio css_classes description design disabled enter_pressed height
        height_policy label loading margin max_height max_length max_width min_height
        min_width name placeholder sizing_mode styles stylesheets tags value value_input
        visible width width_policy
        """,
    "widgets.Toggle": """
        align aspect_ratio button_style button_type color css_classes design disabled height
        height_policy icon icon_size label loading margin max_height max_width min_height
        min_width name sizing_mode styles stylesheets tags value variant visible width
        width_policy
        """,
    "widgets.Widget": """
        align aspect_ratio css_classes design disabled height height_policy label loading
        margin max_height max_width min_height min_width name sizing_mode styles stylesheets
        tags value visible width width_policy
        """,
}


def _ours(key: str) -> type:
    module, name = key.split(".")
    return getattr(getattr(pn, module), name)


@pytest.mark.parametrize("key", sorted(PANEL_PARAMS))
def test_panel_component_param_names_are_accepted(key):
    cls = _ours(key)
    accepted = set(cls.param) | set(getattr(cls, "_panel_ignored", ()))
    assert sorted(set(PANEL_PARAMS[key].split()) - accepted) == []


@pytest.mark.parametrize("key", ["widgets.IntSlider", "widgets.TextInput", "pane.Markdown",
                                 "layout.Column", "indicators.Number"])
def test_a_name_panel_does_not_know_is_a_type_error_naming_it(key):
    with pytest.raises(TypeError, match="colour"):
        _ours(key)(colour="red")
