"""Issue 19, point 1: the case work forms report the services' field rules in the same round as a missing
field (a contact or an application dated in the future, a reminder after the due date, a case closed
before it was opened)."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from cases import forms
from cases.models import Case
from tests.factories import make_case, make_user

TODAY = timezone.localdate()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.mark.django_db
def test_contact_in_the_future_with_a_missing_field():
    with translation.override("en"):
        form = forms.ContactForm(data={"happened_at": f"{TOMORROW} 10:00", "duration_minutes": ""})
        assert not form.is_valid()
        assert form.has_error("duration_minutes", code="required")
        assert "future" in form.errors["happened_at"][0]


@pytest.mark.django_db
def test_task_reminder_after_due_with_a_missing_field():
    specialist = make_user("specialist", "pohja")
    case = make_case(specialist)
    with translation.override("en"):
        form = forms.TaskForm(
            data={"title": "", "due_on": TODAY.isoformat(), "remind_on": TOMORROW}, case=case, user=specialist
        )
        assert not form.is_valid()
        assert form.has_error("title", code="required")
        assert "on or before the due date" in form.errors["remind_on"][0]


@pytest.mark.django_db
def test_application_received_in_the_future_with_a_missing_field():
    specialist = make_user("specialist", "pohja")
    case = make_case(specialist)
    with translation.override("en"):
        form = forms.AidApplicationForm(data={"received_on": TOMORROW}, case=case)
        assert not form.is_valid()
        assert any(form.has_error(name, code="required") for name in form.errors)
        assert "future" in form.errors["received_on"][0]


@pytest.mark.django_db
def test_case_closed_before_it_was_opened():
    specialist = make_user("specialist", "pohja")
    case = make_case(specialist)
    Case.objects.filter(pk=case.pk).update(opened_on=TODAY)
    case.refresh_from_db()
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    with translation.override("en"):
        form = forms.CloseForm(data={"reason": "", "closed_on": yesterday}, case=case)
        assert not form.is_valid()
        assert form.has_error("reason", code="required")
        assert "before it was opened" in form.errors["closed_on"][0]
        assert forms.CloseForm(data={"reason": "goals_met", "closed_on": TODAY.isoformat()}, case=case).is_valid()
