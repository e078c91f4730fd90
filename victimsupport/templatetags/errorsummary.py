"""The error summary above a refused form (GOV.UK's pattern): every error of every form on the page, each a
link to its field, so that all of them are read out and reached at once."""

from django import forms as django_forms
from django import template

register = template.Library()


def _field_anchor(bound_field) -> str:
    """The id of the element the link moves focus to: the input itself, a choice list's first choice, or
    a combined widget's first part; "" where there is nothing to go to (a choice list without choices)."""
    widget = bound_field.field.widget
    if isinstance(widget, django_forms.RadioSelect | django_forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0" if list(bound_field.field.choices) else ""
    if isinstance(widget, django_forms.MultiWidget):
        return widget.id_for_label(bound_field.auto_id) or f"{bound_field.auto_id}_0"
    return bound_field.id_for_label or bound_field.auto_id


def error_items(*forms) -> list[dict]:
    """Every error of `forms` (forms, or lists of forms: the forms a page shows)."""
    items = []
    for form in [f for group in forms for f in (group if isinstance(group, list | tuple) else [group])]:
        if not form or not getattr(form, "errors", None):
            continue
        form.error_summary_shown = True  # forms/form.html then leaves the form-wide errors to the summary
        items += [{"message": message} for message in form.non_field_errors()]
        for bound_field in form:
            if not bound_field.errors:
                continue
            anchor = _field_anchor(bound_field) if not bound_field.is_hidden and bound_field.auto_id else ""
            for message in bound_field.errors:
                if anchor:
                    items.append({"anchor": anchor, "label": bound_field.label, "message": message})
                else:  # a hidden field's error (a stale version) is about the form as a whole
                    items.append({"label": "" if bound_field.is_hidden else bound_field.label, "message": message})
    return items


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms):
    """`{% error_summary form %}` or, for a page of several forms, `{% error_summary person_form case_form %}`."""
    return {"items": error_items(*forms)}
