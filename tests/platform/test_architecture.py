"""The shape the next apps copy (docs/architecture.md): no import cycles between the application's modules,
counting imports inside functions; such imports only where the module must load before Django is ready;
every guarded model's queryset from the one base class."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from django.apps import apps
from django.urls import get_resolver

from victimsupport.permissions import GuardedQuerySet
from victimsupport.views.actions import ActionView

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    "victimsupport",
    "cases",
    "referrals",
    "reporting",
    "volunteers",
    "marac",
    "compensation",
    "mediation",
    "crisis",
    "prevention",
)
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


# Pages that take a POST without being "one form, one service", each for a reason.
NOT_ACTION_VIEWS = {
    "victimsupport.views.auth.LoginView": "Django's login view, with the second step after it",
    "victimsupport.views.auth.PasswordSetView": "Django's password-set view behind the invitation link",
    "cases.views.intake.IntakeView": "steps of three forms and the choice of a person on record, then one service",
    "cases.views.cases.PartyAddView": "two forms and the choice of a person on record, then one service",
    "cases.views.persons.PersonSearchView": "a search: POST keeps names and codes out of addresses; writes nothing",
    "cases.views.cases.CaseSearchView": "a search: POST keeps names and codes out of addresses; writes nothing",
    "cases.views.anonymous.AnonymousConvertView": "sends the user on to intake; writes nothing",
    "cases.views.aid.DecisionLetterView": "a letter: GET downloads it, POST makes it again (victimsupport.letters)",
    "referrals.views.referrals.ReferralLetterView": "a letter: GET downloads it, POST makes it again",
    "compensation.views.DecisionLetterView": "a letter: GET downloads it, POST makes it again",
    "reporting.views.FeedbackSurveyView": "the client's survey without login: its own three languages, the same "
    "answer (410) for every link that cannot be used, then one service",
    "victimsupport.passkeys.BeginRegistration": "a passkey's ceremony (django-otp-webauthn): JSON in and out",
    "victimsupport.passkeys.CompleteRegistration": "a passkey's ceremony (django-otp-webauthn): JSON in and out",
    "victimsupport.passkeys.BeginAuthentication": "a passkey's ceremony (django-otp-webauthn): JSON in and out",
    "victimsupport.passkeys.CompleteAuthentication": "a passkey's ceremony (django-otp-webauthn): JSON in and out",
    "prevention.views.answers.AnswerView": "a training's survey without login: the client survey's page and "
    "languages, 410 for a link that takes no answers, then one service",
}


def _class_views():
    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from walk(pattern.url_patterns)
            elif view_class := getattr(pattern.callback, "view_class", None):
                yield view_class

    return {cls for cls in walk(get_resolver().url_patterns) if cls.__module__.split(".")[0] in APPS}


def test_every_page_that_takes_a_form_is_the_one_action_view():
    views = _class_views()
    assert len(views) > 50
    posting = {f"{cls.__module__}.{cls.__name__}" for cls in views if hasattr(cls, "post")}
    others = {name for name in posting if not issubclass(_named(views, name), ActionView)}
    assert others == set(NOT_ACTION_VIEWS)
    assert len(posting - others) > 40


def _named(views, name):
    return next(cls for cls in views if f"{cls.__module__}.{cls.__name__}" == name)


def test_services_and_selectors_never_import_views_or_forms():
    _, graph, _ = _graph()
    layered = [name for name in graph if ".services" in name or name.endswith(".selectors")]
    assert layered
    wrong = {
        (name, target)
        for name in layered
        for target in graph[name]
        if target.endswith((".views", ".forms")) or ".views." in target
    }
    assert wrong == set()
