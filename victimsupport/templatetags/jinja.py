"""`{% jinja "app/page.html" %}`: a hot page's body rendered by the Jinja2 engine inside its Django
template shell; `{% layout %}` (templates/base.html): the layout of every page, also rendered by Jinja2
(victimsupport/jinja2/layout.html) around the page's title and content blocks."""

from django import template
from django.conf import settings
from django.utils import translation

from victimsupport import jinja as jinja2_bodies

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **extra):
    """`{% jinja "app/page.html" %}`, or with names of its own: `{% jinja template panel=context %}`."""
    return jinja2_bodies.render(template_name, {**context.flatten(), **extra}, context.get("request"))


# What the layout shows besides its two blocks: the context processors' names (victimsupport.context_processors,
# Django's i18n, auth and messages); the Jinja2 backend adds request, csrf_input and csrf_token.
LAYOUT_NAMES = (
    *("user", "messages", "nav_items", "nav_more", "nav_more_current", "role_labels", "APP_VERSION"),
    *("LANGUAGE_CODE", "LANGUAGES"),
)


class LayoutNode(template.Node):
    child_nodelists = ("title", "content")  # so that {% extends %} finds the blocks inside

    def __init__(self, title, content):
        self.title, self.content = title, content

    def render(self, context):
        names = {name: context.get(name) for name in LAYOUT_NAMES}
        if names["LANGUAGE_CODE"] is None:  # rendered without the context processors (no request)
            names["LANGUAGE_CODE"], names["LANGUAGES"] = translation.get_language(), settings.LANGUAGES
        names["title"], names["content"] = self.title.render(context), self.content.render(context)
        return jinja2_bodies.render("layout.html", names, context.get("request"))


@register.tag
def layout(parser, token):
    """`{% layout %}title{% layout_content %}content{% endlayout %}` (templates/base.html only): the page's
    title and content rendered here, the layout around them by the Jinja2 engine (victimsupport/jinja2/
    layout.html), several times faster than the same layout in the Django template language."""
    title = parser.parse(("layout_content",))
    parser.delete_first_token()
    content = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(title, content)
