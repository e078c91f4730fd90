"""Names in templates, with sealed cases respected (cases.sealing).

{% load sealing %}
{% person_name person %}            a person on their own (search results, relations, warnings)
{% person_name person case=case %}  a person shown as part of `case` (lists of applications, ...)
{% task_title task %}               a task's free-text title (hidden in a sealed case)
"""

from __future__ import annotations

from django import template

from cases.sealing import PLACEHOLDER, TASK_PLACEHOLDER, mark_hidden, names_hidden

register = template.Library()


@register.simple_tag(takes_context=True)
def person_name(context, person, case=None) -> str:
    if person is None:
        return ""
    request = context.get("request")
    if request is None:  # no user to decide for: never reveal
        return str(PLACEHOLDER)
    if case is not None and names_hidden(request, case):
        return str(PLACEHOLDER)
    if not hasattr(person, "name_hidden"):
        mark_hidden(request, [person])
    return str(PLACEHOLDER) if person.name_hidden else person.full_name


@register.simple_tag(takes_context=True)
def task_title(context, task) -> str:
    request = context.get("request")
    if request is None or names_hidden(request, task.case):
        return str(TASK_PLACEHOLDER)
    return task.title


@register.simple_tag(takes_context=True)
def names_shown(context, case) -> bool:
    """For `{% names_shown case as shown %}{% if shown %}...`: whether the case's names may be shown."""
    request = context.get("request")
    return request is not None and not names_hidden(request, case)
