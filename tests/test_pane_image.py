"""Image panes: bytes, paths, file-likes and URLs; data: URLs for what the server holds."""

from __future__ import annotations

import base64
import doctest
import io
import struct
import zlib
from pathlib import Path

import pytest

import panel_state as pn
import panel_state.pane.image
from panel_state.compat import UnsupportedWarning
from panel_state.pane.image import sniff


def png(width: int = 2, height: int = 1) -> bytes:
    """A valid RGB PNG of the given size (red pixels)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


SVG_TEXT = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
            '<script>window.__pwned=1</script><rect width="10" height="10"/></svg>')


def test_image_doctests():
    assert doctest.testmod(panel_state.pane.image).failed == 0


@pytest.mark.parametrize(("data", "kind"), [
    (png(), "png"), (b"\xff\xd8\xff\xe0rest", "jpeg"), (b"GIF89a...", "gif"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"), (b"\x00\x00\x01\x00\x01\x00", "ico"),
    (b"\x00\x00\x00\x1cftypavif", "avif"), (b"\xef\xbb\xbf  <?xml version='1.0'?><svg/>", "svg"),
    (b"hello", None),
])
def test_image_sniff_knows_the_formats(data, kind):
    assert sniff(data) == kind


def test_image_bytes_become_a_data_url():
    data = png()
    pane = pn.pane.PNG(data, width=50, alt_text="red", link_url="https://example.org")
    props = pane.view_props()
    assert props["src"] == "data:image/png;base64," + base64.b64encode(data).decode()
    assert (props["width"], props["alt_text"], props["link_url"]) == (50, "red", "https://example.org")
    assert pane.view_kind == "Image" and "css" not in props  # width is the image's own


def test_image_path_str_path_and_file_like(tmp_path: Path):
    path = tmp_path / "a.png"
    path.write_bytes(png())
    for source in (path, str(path)):
        assert pn.pane.Image(source).src.startswith("data:image/png;base64,")
    pane = pn.pane.Image(io.BytesIO(png()))
    assert pane.object == png() and pane.src.startswith("data:image/png;base64,")


def test_image_file_rewritten_shows_anew_after_a_trigger(tmp_path: Path):
    path = tmp_path / "a.png"
    path.write_bytes(png(1, 1))
    pane = pn.pane.PNG(str(path))
    first = pane.src
    path.write_bytes(png(3, 3))
    assert pane.src == first  # read once per object...
    pane.param.trigger("object")
    assert pane.src != first  # ...and again when told it changed


def test_image_urls_are_left_to_the_browser():
    pane = pn.pane.JPG("https://example.org/cat.jpg")
    assert pane.src == "https://example.org/cat.jpg"
    with pytest.warns(UnsupportedWarning, match="embed=True"):
        pn.pane.PNG("https://example.org/a.png", embed=True)


def test_image_svg_markup_is_an_image_not_inline_markup():
    pane = pn.pane.SVG(SVG_TEXT)
    src = pane.view_props()["src"]
    assert src.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(src.split(",", 1)[1]).decode() == SVG_TEXT
    with pytest.warns(UnsupportedWarning, match="encode=False"):
        assert pn.pane.SVG(SVG_TEXT, encode=False).encode is True


def test_image_objects_with_a_repr_method():
    class Plot:
        def _repr_png_(self) -> bytes:
            return png()

    assert pn.pane.PNG(Plot()).src.startswith("data:image/png;base64,")


def test_image_refuses_what_it_cannot_show(tmp_path: Path):
    with pytest.raises(ValueError, match="PNG shows PNG images, got JPEG data"):
        pn.pane.PNG(b"\xff\xd8\xff\xe0rest")
    with pytest.raises(ValueError, match=r"Image shows .* images, got data that is no image"):
        pn.pane.Image(b"plain text")
    with pytest.raises(ValueError, match=r"'missing.png' is neither a file nor an http"):
        pn.pane.Image("missing.png")
    with pytest.raises(ValueError, match="neither a file nor an http"):
        pn.pane.Image("javascript:alert(1)")
    with pytest.raises(TypeError, match="must be bytes, a file-like object, a path"):
        pn.pane.Image(42)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "java\tscript:alert(1)",
                                 " javascript:alert(1)", "data:text/html,<script>", "vbscript:x"])
def test_image_link_url_must_be_a_web_link(url):
    with pytest.raises(ValueError, match="link_url must be an http\\(s\\), mailto: or relative"):
        pn.pane.PNG(png(), link_url=url)
    assert pn.pane.PNG(png(), link_url="/docs/page").link_url == "/docs/page"


def test_image_target_is_a_window_name():
    with pytest.raises(ValueError, match="target must be one of"):
        pn.pane.PNG(png(), target='x" onclick="y')
    assert pn.pane.PNG(png(), target="preview").target == "preview"
