"""The shape the next apps copy (docs/architecture.md): no import cycles between the application's modules,
counting imports inside functions; such imports only where the module must load before Django is ready;
every guarded model's queryset from the one base class."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps

from victimsupport.permissions import GuardedQuerySet

ROOT = Path(__file__).resolve().parents[2]
APPS = ("victimsupport", "cases", "referrals", "reporting", "volunteers", "marac")
# Modules loaded before the app registry or Django itself is ready: their imports of models wait.
INNER_IMPORTS_ALLOWED = {f"{app}.apps" for app in APPS} | {"victimsupport.celery"}


def _modules() -> dict[str, Path]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def _graph():
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = defaultdict(set)
    inner: list[tuple[str, int]] = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text())
        in_functions = {
            id(sub)
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            for sub in ast.walk(node)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            else:
                continue
            resolved = {r for target in targets if (r := resolve(target)) and r != name}
            graph[name] |= resolved
            if resolved and id(node) in in_functions:
                inner.append((name, node.lineno))
    return modules, graph, inner


def _cycles(nodes, graph) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in nodes:
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycles_counting_imports_inside_functions():
    modules, graph, _ = _graph()
    assert _cycles(modules, graph) == []


def test_imports_inside_functions_only_where_django_is_not_ready_yet():
    _, _, inner = _graph()
    assert [(name, line) for name, line in inner if name not in INNER_IMPORTS_ALLOWED] == []


def test_every_guarded_model_declares_its_policy_through_the_one_base_class():
    restricted = [
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in APPS and hasattr(model._default_manager.get_queryset(), "restrict")
    ]
    assert len(restricted) >= 10
    for model in restricted:
        queryset = model._default_manager.get_queryset()
        assert isinstance(queryset, GuardedQuerySet), model
        assert type(queryset).restrict is GuardedQuerySet.restrict, f"{model.__name__} overrides restrict()"
