"""The package's shape: layers without import circles, small modules, curated namespaces.

These read the source, so a change that breaks a rule fails here with the module and
the line that broke it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "panel_state"

#: Bottom to top. A module may import only modules of its own layer or below.
LAYERS = [
    {"config", "_params", "compat", "contracts", "context", "loops", "registry", "urls", "query",
     "scheduling", "timers", "tracebacks", "wire.protocol", "hashing", "browser", "styling"},
    {"errors", "busy", "pool", "lifespan", "extension", "caching"},
    {"execution", "generators"},
    {"references"},
    {"links", "urlsync", "location", "viewable", "periodic", "tasks", "hooks", "history",
     "notifications", "curdoc", "pages"},
    {"session"},
    {"widgets", "pane", "reactive", "layout", "template", "indicators", "param_pane"},
    {"wire", "wire.render", "wire.connection"},
    {"state", "routing"},
    {"server", "notebook", "cli", "cli_flags", "testing", "io", "__init__", "__main__"},
]


def _name(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = [p for p in rel.parts if p != "__init__"] or ["__init__"]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_name(p): p for p in PACKAGE.rglob("*.py")}


def _layer(module: str) -> int:
    for depth in range(module.count(".") + 1, 0, -1):
        prefix = ".".join(module.split(".")[:depth])
        for index, layer in enumerate(LAYERS):
            if prefix in layer:
                return index
    raise AssertionError(f"panel_state.{module} is in no layer; add it to LAYERS")


def _imports(module: str, path: Path) -> list[tuple[int, str, bool]]:
    """``(line, imported module, at module level)`` for the package's own imports.

    Imports under ``if TYPE_CHECKING:`` are left out: they never run.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parts = [] if module == "__init__" else module.split(".")
    package = parts if path.name == "__init__.py" else parts[:-1]
    type_only: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(n) for n in ast.walk(node)}
    top_level = {id(node) for node in tree.body}
    modules = _modules()
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level or id(node) in type_only:
            continue
        base = package[:len(package) - (node.level - 1)]
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
        names = [target] if target else []
        names += [f"{target}.{a.name}".lstrip(".") for a in node.names
                  if f"{target}.{a.name}".lstrip(".") in modules]
        found += [(node.lineno, name, id(node) in top_level) for name in names]
    return found


def test_layers_every_module_has_a_layer():
    for module in _modules():
        _layer(module)


@pytest.mark.parametrize("module", sorted(_modules()))
def test_layers_no_module_imports_upward(module):
    path = _modules()[module]
    mine = _layer(module)
    for line, target, _top in _imports(module, path):
        if target in _modules():
            assert _layer(target) <= mine, (
                f"panel_state/{path.relative_to(PACKAGE)}:{line} imports "
                f"panel_state.{target} (layer {_layer(target)}) from layer {mine}")


def test_layers_state_is_imported_by_nothing_but_the_package_namespace():
    for module, path in _modules().items():
        if module in ("__init__", "io.state"):  # the namespaces: pn.state, panel.io.state
            continue
        for line, target, _top in _imports(module, path):
            assert target != "state", f"panel_state.{module}:{line} imports the state facade"


def test_layers_execution_knows_no_session_or_state():
    targets = {t for _, t, _ in _imports("execution", _modules()["execution"])}
    assert not targets & {"session", "state"}


def test_layers_function_level_imports_say_why():
    for module, path in _modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        for line, target, top in _imports(module, path):
            if top:
                continue
            context = "\n".join(lines[max(0, line - 4):line])
            assert "#" in context or "Deferred" in context, (
                f"panel_state.{module}:{line} imports {target} inside a function without a "
                "comment saying why")


def test_layers_no_module_over_400_lines():
    sizes = {module: len(path.read_text(encoding="utf-8").splitlines())
             for module, path in _modules().items()}
    assert {m: n for m, n in sizes.items() if n > 400} == {}
