"""The CSS and URL checks: what may reach a style or an attribute of the page."""

from __future__ import annotations

import base64

import pytest

from panel_state.layout.css import css_color, css_length, image_uri, web_url


@pytest.mark.parametrize("value", ["red", "#369", "#336699cc", "rgb(10, 20, 30)",
                                   "hsl(120 50% 50% / 0.5)", "var(--brand)", "", None])
def test_css_color_accepts_what_people_write(value):
    assert css_color("X", "c", value) == value


@pytest.mark.parametrize("value", ["red;", "red }", "url(a)", "rgb(1,2,3);x", "\"red\"", 3])
def test_css_color_refuses_anything_else(value):
    with pytest.raises(ValueError, match=r"X\.c must be a CSS colour"):
        css_color("X", "c", value)


def test_css_length_is_one_length():
    assert css_length("T", "w", " 80% ") == "80%" and css_length("T", "w", None) == ""
    with pytest.raises(ValueError, match=r"T\.w must be '' or a CSS length"):
        css_length("T", "w", "100px 2px")


@pytest.mark.parametrize("value", ["javascript:alert(1)", "JavaScript:x", "data:text/html,x",
                                   "vbscript:x", "a b", "\"/x\""])
def test_web_url_refuses_schemes_and_quotes(value):
    with pytest.raises(ValueError, match="must be an http\\(s\\) URL or a path"):
        web_url("T", "site_url", value)


def test_web_url_takes_http_and_site_paths():
    for value in ("https://example.org/a?b=1", "/", "docs/index.html", "../up"):
        assert web_url("T", "u", value) == value


def test_image_uri_inlines_local_files_and_keeps_urls(tmp_path):
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG fake")
    encoded = base64.b64encode(b"\x89PNG fake").decode()
    assert image_uri("T", "logo", str(png)) == f"data:image/png;base64,{encoded}"
    assert image_uri("T", "logo", png) == f"data:image/png;base64,{encoded}"
    assert image_uri("T", "logo", "https://x.org/l.svg") == "https://x.org/l.svg"
    assert image_uri("T", "logo", "data:image/png;base64,AAAA") == "data:image/png;base64,AAAA"
    text = tmp_path / "notes.txt"
    text.write_text("hi")
    with pytest.raises(ValueError, match="must name an image file"):
        image_uri("T", "logo", text)
    with pytest.raises(ValueError, match="http\\(s\\) URL"):
        image_uri("T", "logo", "data:text/html;base64,PHNjcmlwdD4=")
