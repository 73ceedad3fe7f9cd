"""The layers of the house (docs/architecture.md, "Layers"), enforced on every module's imports.

    base  ←  core  ←  feature  ←  top
A module may import its own app, and apps of its own or a lower layer; among feature apps the
imports form no cycle. Imports inside functions count too: a lazy import is still a dependency.
Tests and migrations are left out (a test may build whatever world it needs)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import dangjian

ROOT = Path(dangjian.__file__).parent
LAYERS = {
    "base": 0,
    **dict.fromkeys(("accounts", "audit", "orgs", "people", "workcal"), 1),
    **dict.fromkeys(("meetings", "development", "mobilization", "interchange", "stats", "documents"), 2),
    "orglife": 2,
    "appraisal": 2,
    "training": 2,
    "dues": 2,
    "transfers": 2,
    "talent": 2,
    **dict.fromkeys(("shell", "api"), 3),
}
LAYER_NAMES = {0: "base", 1: "core", 2: "feature", 3: "top"}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or "tests" in parts or "migrations" in parts or parts[0] == "e2e":
            continue
        module = "dangjian." + ".".join(parts).removesuffix(".py").removesuffix(".__init__")
        yield parts[0], module, path


def _imports(path: Path, module: str) -> set[str]:
    out = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
                out.add(target)
                out.update(f"{target}.{a.name}" for a in node.names)
            elif node.module:
                out.add(node.module)
                out.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in out if name.startswith("dangjian.")}


def _app_edges() -> dict[str, dict[str, set[str]]]:
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for app, module, path in _modules():
        for name in _imports(path, module):
            target = name.split(".")[1]
            if target != app and target in LAYERS:
                edges[app][target].add(module)
    return edges


def test_every_app_has_a_layer():
    apps = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps - {"e2e", "locale"} <= set(LAYERS), (
        "give the new app a layer in LAYERS and docs/architecture.md"
    )


def test_no_app_imports_a_higher_layer():
    wrong = [
        f"{module} ({LAYER_NAMES[LAYERS[app]]}) imports {target} ({LAYER_NAMES[LAYERS[target]]})"
        for app, targets in _app_edges().items()
        for target, modules in targets.items()
        if LAYERS[target] > LAYERS[app]
        for module in sorted(modules)
    ]
    assert not wrong, "\n".join(wrong)


def test_base_imports_no_app():
    assert not _app_edges().get("base"), (
        "dangjian.base is the helpers every app uses: it imports none of them"
    )


def test_feature_apps_form_no_cycle():
    edges = _app_edges()
    graph = {a: {t for t in edges.get(a, {}) if LAYERS[t] == 2} for a in LAYERS if LAYERS[a] == 2}
    seen: dict[str, int] = {}

    def visit(app: str, trail: list[str]) -> None:
        seen[app] = 1
        for target in graph[app]:
            if seen.get(target) == 1:
                pytest.fail(
                    "feature apps import each other in a circle: " + " → ".join([*trail, app, target])
                )
            if target not in seen:
                visit(target, [*trail, app])
        seen[app] = 2

    for app in graph:
        if app not in seen:
            visit(app, [])


def test_no_two_modules_of_an_app_import_each_other():
    imports = {module: _imports(path, module) for _app, module, path in _modules()}
    pairs = sorted(
        f"{a} ⇄ {b}"
        for a, names in imports.items()
        for b in names & imports.keys()
        if a < b and a in imports.get(b, set()) and a.split(".")[1] == b.split(".")[1]
    )
    assert not pairs, "one direction only:\n" + "\n".join(pairs)
