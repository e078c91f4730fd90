"""Issue 19, point 1: a service's field rule comes in the same round as a form's missing field."""

from django.utils import translation


def assert_rule_beside_missing_field(form, field: str, words: str) -> None:
    """`form` (bound, with a required field left empty and a rule broken) reports both, the rule once."""
    with translation.override("en"):
        assert not form.is_valid()
        missing = [name for name in form.errors if form.has_error(name, code="required")]
        assert missing, "the data should leave a required field empty"
        assert field in form.errors
        assert words in " ".join(form.errors[field])
        assert len(form.errors[field]) == 1  # the problem is reported once
