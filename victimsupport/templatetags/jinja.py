"""`{% jinja "app/page.html" %}`: a hot page's body rendered by the Jinja2 engine inside its Django
template shell (title, base layout): one layout for every page, the faster engine where it pays."""

from django import template

from victimsupport import jinja as jinja2_bodies

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **extra):
    """`{% jinja "app/page.html" %}`, or with names of its own: `{% jinja template panel=context %}`."""
    return jinja2_bodies.render(template_name, {**context.flatten(), **extra}, context.get("request"))
