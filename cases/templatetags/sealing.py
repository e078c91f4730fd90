"""Names in templates, with sealed cases respected (cases.sealing).

{% load sealing %}
{% person_name person %}            a person on their own (search results, relations, warnings)
{% person_name person case=case %}  a person shown as part of `case` (lists of applications, ...)
{% task_title task %}               a task's free-text title (hidden in a sealed case)

In a Jinja2 body: person_name(request, person, case=case), task_title(request, task), names_shown(request, case).
"""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from cases.sealing import PLACEHOLDER, TASK_PLACEHOLDER, mark_hidden, names_hidden

register = template.Library()


def _request(request) -> HttpRequest | None:
    # Anything but a request (a Jinja2 body without one gets an undefined value) decides as no user.
    return request if isinstance(request, HttpRequest) else None


def person_name_for(request, person, case=None) -> str:
    request = _request(request)
    if person is None:
        return ""
    if request is None:  # no user to decide for: never reveal
        return str(PLACEHOLDER)
    if case is not None and names_hidden(request, case):
        return str(PLACEHOLDER)
    if not hasattr(person, "name_hidden"):
        mark_hidden(request, [person])
    return str(PLACEHOLDER) if person.name_hidden else person.full_name


def task_title_for(request, task) -> str:
    request = _request(request)
    if request is None or names_hidden(request, task.case):
        return str(TASK_PLACEHOLDER)
    return task.title


def names_shown_for(request, case) -> bool:
    request = _request(request)
    return request is not None and not names_hidden(request, case)


# The same for Jinja2 bodies (victimsupport.jinja), which pass the request: person_name(request, person, case).
JINJA_GLOBALS = {"person_name": person_name_for, "task_title": task_title_for, "names_shown": names_shown_for}


@register.simple_tag(takes_context=True)
def person_name(context, person, case=None) -> str:
    return person_name_for(context.get("request"), person, case)


@register.simple_tag(takes_context=True)
def task_title(context, task) -> str:
    return task_title_for(context.get("request"), task)


@register.simple_tag(takes_context=True)
def names_shown(context, case) -> bool:
    """For `{% names_shown case as shown %}{% if shown %}...`: whether the case's names may be shown."""
    return names_shown_for(context.get("request"), case)
