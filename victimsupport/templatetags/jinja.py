"""`{% jinja "app/page.html" %}`: a hot page's body rendered by the Jinja2 engine inside its Django
template shell (title, base layout): one layout for every page, the faster engine where it pays."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **extra):
    """`{% jinja "app/page.html" %}`, or with names of its own: `{% jinja template panel=context %}`."""
    engine = engines["jinja2"]
    body = engine.get_template(template_name)
    # The page's names, but never over the environment's own (url, names_shown, person_name, ...).
    reserved = engine.env.globals
    names = {name: value for name, value in {**context.flatten(), **extra}.items() if name not in reserved}
    # Jinja2 escapes as it renders (autoescape is always on: victimsupport.jinja): the body is markup.
    return mark_safe(body.render(names, context.get("request")))  # noqa: S308
