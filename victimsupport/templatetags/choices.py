"""Stored codes shown as words: `{{ provider|labels:"languages" }}` gives "eesti keel, vene keel" for ["et", "ru"]
(the field's own choices, in the user's language; a code without a label is shown as it is)."""

from django import template

register = template.Library()


@register.filter
def labels(obj, field_name: str) -> str:
    field = obj._meta.get_field(field_name)
    choices = getattr(field, "base_field", field).choices or ()
    words = dict(choices)
    return ", ".join(str(words.get(value, value)) for value in getattr(obj, field_name) or ())
