"""Build ``docs/api.md``, the API reference, from the docstrings of the public API.

Covers every name in ``panel_state.__all__`` (the members of ``pn.widgets`` and
``pn.pane`` included), ``pn.state``, ``pn.config`` and ``panel_state.testing``: for
each, its signature, its docstring (numpydoc sections turned into Markdown), its
params (type, default and ``doc=``) and its public methods and properties.

The output depends only on the code, so it can be checked: ``tests/test_api_docs.py``
builds it in memory and compares it with the file.

Usage::

    python scripts/build_api_docs.py            # rewrite docs/api.md
    python scripts/build_api_docs.py --check    # exit 1 if docs/api.md is stale
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
import textwrap
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "api.md"

if str(ROOT) not in sys.path:  # run as a script from a checkout
    sys.path.insert(0, str(ROOT))

import param  # noqa: E402

WIDTH = 88
SECTION_TITLES = ("Parameters", "Other Parameters", "Attributes", "Returns", "Yields",
                  "Raises", "Warns", "Examples", "Notes", "See Also", "Warnings", "References")
ENTRY_SECTIONS = {"Parameters", "Other Parameters", "Attributes", "Returns", "Yields",
                  "Raises", "Warns"}
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|obj|exc|const):`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_DEFAULT_NAME_DOC = inspect.cleandoc(param.Parameterized.param["name"].doc or "")


# -- docstrings -> Markdown (pure text functions) -----------------------------------------

def inline(text: str) -> str:
    """Turn reST inline markup into Markdown: ``x`` and :func:`x` become `x`.

    Examples
    --------
    >>> inline("Use ``a`` or :func:`~panel_state.link`.")
    'Use `a` or `link`.'
    """
    def role(match: re.Match[str]) -> str:
        target = match.group(1)
        if match.group(0).split("`")[1].startswith("~"):
            target = target.rsplit(".", 1)[-1]
        return f"`{target}`"

    return _LITERAL.sub(r"`\1`", _ROLE.sub(role, text))


def split_sections(doc: str) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Split a cleaned numpydoc docstring into its free text and its titled sections."""
    lines = doc.splitlines()
    intro: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    current = intro
    i = 0
    while i < len(lines):
        line = lines[i]
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if (line.strip() in SECTION_TITLES and underline
                and set(underline) == {"-"} and len(underline) >= len(line.strip())):
            current = []
            sections.append((line.strip(), current))
            i += 2
            continue
        current.append(line)
        i += 1
    return intro, sections


def _strip_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def prose(lines: list[str]) -> list[str]:
    """Free docstring text as Markdown lines.

    Doctest blocks (``>>>``) and reST literal blocks (a paragraph ending in ``::``
    followed by an indented block) become fenced blocks that no docs test runs.
    """
    out: list[str] = []
    lines = _strip_blank(lines)
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out.extend(["```pycon", *textwrap.dedent("\n".join(block)).splitlines(), "```"])
            continue
        if stripped.endswith("::"):
            text = stripped[:-2].rstrip()
            if text:
                out.append(inline(line.rstrip()[:-2].rstrip() + ":"))
            i += 1
            indent = len(line) - len(line.lstrip())
            block = []
            while i < len(lines) and (not lines[i].strip()
                                      or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i])
                i += 1
            block = _strip_blank(block)
            if out and out[-1]:
                out.append("")
            out.extend(["```", *textwrap.dedent("\n".join(block)).splitlines(), "```"])
            if i < len(lines):
                out.append("")
            continue
        out.append(inline(line.rstrip()))
        i += 1
    return out


def entries(lines: list[str]) -> list[tuple[str, str]]:
    """numpydoc entries (``name : type`` + indented description) as (head, text) pairs."""
    result: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line.strip():
            if result:
                result[-1][1].append("")
            continue
        if not line.startswith((" ", "\t")):
            result.append((line.strip(), []))
        elif result:
            result[-1][1].append(line.strip())
        else:
            result.append(("", [line.strip()]))
    return [(head, paragraph(body)) for head, body in result]


def paragraph(lines: list[str]) -> str:
    """Join description lines; bullets and blank lines keep their own line."""
    parts: list[str] = []
    for line in _strip_blank(lines):
        if not line:
            parts.append("\n")
        elif line.startswith(("* ", "- ")):
            parts.append("\n  - " + line[2:])
        else:
            parts.append(line)
    text = " ".join(parts)
    text = re.sub(r" ?\n ?", "\n", text)
    return inline(text)


def entry_item(section: str, head: str, text: str) -> str:
    """One Markdown list item for an entry of a Parameters/Returns/Raises section."""
    if section in ("Raises", "Warns"):
        names = ", ".join(f"`{n.strip()}`" for n in head.split(","))
        label = names
    elif " : " in head or head.endswith(" :"):
        name, _, kind = head.partition(" :")
        kind = kind.strip()
        label = f"`{name.strip()}`" + (f" ({inline(kind)})" if kind else "")
    elif section in ("Returns", "Yields"):
        label = f"`{head}`" if head else ""
    else:
        label = f"`{head}`"
    text = text.replace("\n", "\n  ")
    if label and text:
        return f"- {label}: {text}"
    return f"- {label or text}"


def docstring_markdown(doc: str | None) -> list[str]:
    """A whole docstring as Markdown lines (empty list for no docstring)."""
    if not doc:
        return []
    intro, sections = split_sections(inspect.cleandoc(doc))
    out = prose(intro)
    for title, lines in sections:
        body = _strip_blank(lines)
        if not body:
            continue
        out.extend(["", f"**{title}**", ""])
        if title in ENTRY_SECTIONS:
            out.extend(entry_item(title, head, text) for head, text in entries(body))
        else:
            out.extend(prose(body))
    return out


def one_line(text: str | None) -> str:
    """A param ``doc=`` as one line of Markdown, safe inside a table cell."""
    if not text:
        return ""
    flat = " ".join(inspect.cleandoc(text).split())
    return inline(flat).replace("|", "\\|")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading (lowercase, punctuation dropped)."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


# -- signatures ---------------------------------------------------------------------------

class _Raw:
    """An annotation written as text (``from __future__ import annotations``)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _clean(parameter: inspect.Parameter) -> str:
    annotation = parameter.annotation
    if isinstance(annotation, str):
        parameter = parameter.replace(annotation=_Raw(annotation))
    return _ADDRESS.sub("", str(parameter))


def format_signature(name: str, signature: inspect.Signature, *, returns: bool = True) -> str:
    """``name(a: int = 1, *, b=None) -> T``, one parameter per line when too long."""
    parts: list[str] = []
    star_done = False
    for p in signature.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            star_done = True
        elif p.kind is p.KEYWORD_ONLY and not star_done:
            parts.append("*")
            star_done = True
        parts.append(_clean(p))
        if p.kind is p.POSITIONAL_ONLY and (
            list(signature.parameters.values())[-1] is p
            or list(signature.parameters.values())[
                list(signature.parameters).index(p.name) + 1].kind is not p.POSITIONAL_ONLY
        ):
            parts.append("/")
    tail = ""
    ret = signature.return_annotation
    if returns and ret is not inspect.Signature.empty and ret not in ("None", None):
        tail = f" -> {ret if isinstance(ret, str) else inspect.formatannotation(ret)}"
    flat = f"{name}({', '.join(parts)}){tail}"
    if len(flat) <= WIDTH:
        return flat
    body = "".join(f"    {part},\n" for part in parts)
    return f"{name}(\n{body}){tail}"


def signature_of(obj: Callable[..., Any], drop_first: bool = False) -> inspect.Signature | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    if drop_first:
        params = list(sig.parameters.values())[1:]
        sig = sig.replace(parameters=params)
    return sig


# -- params ---------------------------------------------------------------------------------

def _public_type(parameter: param.Parameter) -> str:
    # The param type a reader knows: our own Parameter subclasses (a URL part) read as
    # the param class they refine.
    for klass in type(parameter).__mro__:
        if klass.__module__.startswith("param") and not klass.__name__.startswith("_"):
            return klass.__name__
    return type(parameter).__name__


def _value(value: Any) -> str:
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type)):
        text = getattr(value, "__qualname__", repr(value))
    else:
        text = _ADDRESS.sub("", repr(value))
    return f"`{text}`".replace("|", "\\|")


def _name_default(cls: type[param.Parameterized]) -> Any:
    """What ``name`` is on a fresh instance.

    param replaces a class's declared ``name`` default with the class name, so the
    declared one is lost; classes that document ``name`` set it in ``__init__``.
    """
    try:
        return cls().name
    except Exception:  # a class that needs arguments: fall back to param's default
        return cls.param["name"].default


def param_rows(cls: type[param.Parameterized]) -> list[str]:
    """A Markdown table of the public params of ``cls`` (param's own ``name`` left out)."""
    rows: list[str] = []
    for pname, parameter in cls.param.objects("existing").items():
        if pname == "name" and inspect.cleandoc(parameter.doc or "") == _DEFAULT_NAME_DOC:
            continue
        if pname.startswith("_"):  # library state kept in a param so the page follows it
            continue
        kind = _public_type(parameter)
        flags = []
        if parameter.readonly:
            flags.append("read-only")
        elif parameter.constant:
            flags.append("constant")
        bounds = getattr(parameter, "bounds", None) if isinstance(parameter, param.Number) else None
        if bounds is not None and bounds != (None, None):
            flags.append(f"bounds {bounds}")
        description = one_line(parameter.doc)
        objects = getattr(parameter, "objects", None)
        if isinstance(parameter, param.Selector) and objects:
            choices = list(objects.values() if isinstance(objects, dict) else objects)
            description += (" " if description else "") + "One of " + ", ".join(
                _value(c) for c in choices) + "."
        kind_text = kind + (f" ({', '.join(flags)})" if flags else "")
        default = _name_default(cls) if pname == "name" else parameter.default
        rows.append(f"| `{pname}` | {kind_text} | {_value(default)} | {description} |")
    if not rows:
        return []
    return ["| param | type | default | description |", "|---|---|---|---|", *rows]


# -- members --------------------------------------------------------------------------------

def _ours(obj: Any) -> bool:
    return (getattr(obj, "__module__", None) or "").startswith("panel_state")


def members(cls: type, stop: Callable[[type], bool]) -> Iterator[tuple[str, str, Any]]:
    """Public methods and properties of ``cls`` as (name, kind, object), in source order.

    Walks ``cls`` and its bases defined in panel_state, stopping at bases for which
    ``stop(base)`` is true (documented elsewhere on the page).
    """
    seen: set[str] = set()
    for klass in cls.__mro__:
        if not _ours(klass) or (klass is not cls and stop(klass)):
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") or name in seen:
                continue
            if isinstance(attr, property):
                kind = "property"
            elif isinstance(attr, classmethod):
                kind = "classmethod"
            elif isinstance(attr, staticmethod):
                kind = "staticmethod"
            elif inspect.isfunction(attr):
                kind = "method"
            else:
                continue
            seen.add(name)
            yield name, kind, attr


def _has_own_members(klass: type) -> bool:
    return any(not name.startswith("_") and (inspect.isfunction(attr) or isinstance(
        attr, (property, classmethod, staticmethod))) for name, attr in vars(klass).items())


@dataclass
class Page:
    """The Markdown being written, with the objects documented so far."""

    anchors: dict[int, tuple[str, str]] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    contents: list[tuple[int, str, str]] = field(default_factory=list)
    # GitHub numbers repeated anchors (`pn.Link` and `pn.link` are both #pnlink).
    slug_counts: dict[str, int] = field(
        default_factory=lambda: {"api-reference": 1, "contents": 1})
    heading_slugs: dict[str, str] = field(default_factory=dict)

    def heading(self, level: int, title: str) -> None:
        base = slug(title)
        count = self.slug_counts.get(base, 0)
        self.slug_counts[base] = count + 1
        anchor = base if count == 0 else f"{base}-{count}"
        self.heading_slugs.setdefault(title, anchor)
        self.lines.extend([f"{'#' * level} {title}", ""])
        if level <= 3:
            self.contents.append((level, title, anchor))

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def code(self, text: str) -> None:
        self.blank()
        self.lines.extend(["```", *text.splitlines(), "```", ""])

    def link(self, obj: Any) -> str | None:
        found = self.anchors.get(id(obj))
        if found is None:
            return None
        label, anchor = found
        return f"[`{label}`](#{anchor})"


def document_member(page: Page, owner: str, name: str, kind: str, attr: Any) -> None:
    if kind == "property":
        page.heading(4, f"`{owner}.{name}`")
        page.add("*property*", "")
        doc = attr.fget.__doc__ if attr.fget is not None else None
    else:
        func = attr.__func__ if isinstance(attr, (classmethod, staticmethod)) else attr
        page.heading(4, f"`{owner}.{name}()`")
        sig = signature_of(func, drop_first=kind in ("method", "classmethod"))
        if kind != "method":
            page.add(f"*{kind}*", "")
        if sig is not None:
            page.code(format_signature(f"{owner}.{name}", sig))
        doc = func.__doc__
    body = docstring_markdown(doc)
    if body:
        page.add(*body)
    page.blank()


def document_class(page: Page, label: str, cls: type, *, instance: bool = False) -> None:
    page.heading(3, f"`{label}`")
    if instance:
        page.add(f"An instance of `{cls.__module__}.{cls.__qualname__}`.", "")
    else:
        sig = signature_of(cls)
        if sig is not None:
            page.code(format_signature(f"class {label}", sig, returns=False))
    bases = [b for b in cls.__mro__[1:] if id(b) in page.anchors or b is param.Parameterized]
    links = [page.link(b) or f"`param.{b.__name__}`" for b in bases[:1]]
    if links and not instance:
        page.add(f"Based on {links[0]}.", "")
    page.add(*docstring_markdown(cls.__doc__))
    page.blank()
    if isinstance(cls, type) and issubclass(cls, param.Parameterized):
        rows = param_rows(cls)
        if rows:
            page.add("**Params**", "", *rows, "")

    def documented(base: type) -> bool:
        return id(base) in page.anchors and base is not cls

    listed = list(members(cls, documented))
    if listed:
        page.add("**Methods and properties**", "")
        for name, kind, attr in listed:
            document_member(page, label, name, kind, attr)
    inherited = [page.link(b) or "" for b in cls.__mro__[1:]
                 if documented(b) and _has_own_members(b)]
    if inherited:
        page.add(f"Also has the methods of {' and '.join(inherited)}.", "")


def document_function(page: Page, label: str, func: Callable[..., Any]) -> None:
    page.heading(3, f"`{label}`")
    sig = signature_of(func)
    if sig is not None:
        page.code(format_signature(label, sig))
    page.add(*docstring_markdown(func.__doc__))
    page.blank()


def document(page: Page, label: str, obj: Any) -> None:
    """Document one public object under ``label`` (or refer to where it already is)."""
    own = page.anchors.get(id(obj))
    if own is not None and own[0] != label:
        page.heading(3, f"`{label}`")
        page.add(f"The same object as {page.link(obj)}.", "")
        return
    if not _ours(obj):
        module = getattr(obj, "__module__", "") or ""
        origin = module.split(".")[0]
        page.heading(3, f"`{label}`")
        page.add(f"Re-exported from {origin}: `{origin}.{obj.__name__}`; see {origin}'s "
                 f"documentation.", "")
        return
    if isinstance(obj, type):
        document_class(page, label, obj)
    elif callable(obj) and not isinstance(obj, param.Parameterized):
        document_function(page, label, obj)
    else:
        document_class(page, label, type(obj), instance=True)


def sections() -> list[tuple[str, str, list[tuple[str, Any]]]]:
    """What the page documents: (title, introduction, [(label, object), ...]) in order."""
    import panel_state as pn
    from panel_state import testing

    top = [n for n in pn.__all__ if not n.startswith("_")]
    modules = [n for n in top if isinstance(getattr(pn, n), types.ModuleType)]
    plain = [n for n in top if n not in modules and n not in ("state", "config")]
    result: list[tuple[str, str, list[tuple[str, Any]]]] = [
        ("Session state and settings", "`pn.state` answers for the current session (or "
         "for the process, outside sessions); `pn.config` holds process-wide settings. "
         "Guide: [session state](session-state.md).",
         [("pn.state", pn.state), ("pn.config", pn.config)]),
        ("Classes and functions", "", [(f"pn.{n}", getattr(pn, n)) for n in plain]),
    ]
    for mod in modules:
        module = getattr(pn, mod)
        result.append((f"`pn.{mod}`", "\n".join(docstring_markdown(module.__doc__)),
                       [(f"pn.{mod}.{n}", getattr(module, n)) for n in module.__all__]))
    result.append(("`panel_state.testing`", "\n".join(docstring_markdown(testing.__doc__)),
                   [(f"panel_state.testing.{n}", getattr(testing, n))
                    for n in testing.__all__]))
    return result


def build() -> str:
    """The whole of ``docs/api.md`` as text."""
    plan = sections()
    first: dict[int, str] = {}
    for _, _, items in plan:
        for label, obj in items:
            first.setdefault(id(obj), label)

    def render(anchors: dict[int, tuple[str, str]]) -> Page:
        page = Page(anchors=anchors)
        for title, intro, items in plan:
            page.heading(2, title)
            if intro:
                page.add(intro, "")
            for label, obj in items:
                document(page, label, obj)
        return page

    # Render twice: the first pass finds each heading's anchor, the second links to it.
    draft = render({key: (label, slug(f"`{label}`")) for key, label in first.items()})
    page = render({key: (label, draft.heading_slugs[f"`{label}`"])
                   for key, label in first.items()})
    head = [
        "# API reference",
        "",
        "Generated from the docstrings by `scripts/build_api_docs.py`; do not edit by hand. "
        "After changing a docstring, run `python scripts/build_api_docs.py` "
        "(`tests/test_api_docs.py` fails while this page is out of date).",
        "",
        "Write `import panel_state as pn`. The guides start at the [index](index.md).",
        "",
        "## Contents",
        "",
    ]
    for level, title, anchor in page.contents:
        head.append(f"{'  ' * (level - 2)}- [{title}](#{anchor})")
    text = "\n".join([*head, "", *page.lines]).rstrip() + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build docs/api.md from the docstrings.")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the file differs from what would be written")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="file to write or check")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run `python scripts/build_api_docs.py`.",
                  file=sys.stderr)
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
