"""Issue 19, point 1: the prevention services' field rules are reported in the same round as the form's
missing fields (a period out of order or outside the plan's year, spending in the future, a trainer or a
place missing), not after the missing fields are filled in."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from prevention import forms
from prevention.models import Material, PreventionPlan, Project
from tests.factories import make_user
from tests.formrules import assert_rule_beside_missing_field

TODAY = timezone.localdate()
YEAR = TODAY.year
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.fixture
def planner(db):
    return make_user("service_organiser", "pohja")


@pytest.fixture
def plan(planner):
    return PreventionPlan.objects.create(year=YEAR, aims="Partnerid märkavad vägivalda.", created_by=planner)


def material(planner, plan):
    return {"user": planner}


def project(planner, plan):
    return {"user": planner, "instance": Project(plan=plan)}


def activity(planner, plan):
    return {"user": planner, "plan": plan}


def nothing(planner, plan):
    return {}


CASES = [
    # form, its keyword arguments, data with a required field missing and a rule broken, the rule's field and words
    (forms.MaterialForm, material, {"review_due_on": TODAY.isoformat()}, "review_due_on", "first review is in"),
    (
        forms.ProjectForm,
        project,
        {"starts_on": date(YEAR + 1, 1, 1).isoformat(), "ends_on": date(YEAR + 1, 2, 1).isoformat()},
        "starts_on",
        "the plan's year",
    ),
    (
        forms.ProjectForm,
        project,
        {"starts_on": date(YEAR, 3, 1).isoformat(), "ends_on": date(YEAR, 2, 1).isoformat()},
        "ends_on",
        "end date is before the start date",
    ),
    (forms.ExpenseForm, nothing, {"spent_on": TOMORROW, "amount": "5"}, "spent_on", "not in the future"),
    (forms.ExpenseForm, nothing, {"spent_on": TODAY.isoformat(), "amount": "0"}, "amount", "not zero"),
    (
        forms.ActivityForm,
        activity,
        {"held_on": date(YEAR, 3, 2).isoformat(), "ends_on": date(YEAR, 3, 1).isoformat(), "online": "on"},
        "ends_on",
        "last day is not before the first",
    ),
    (
        forms.ActivityForm,
        activity,
        {"held_on": date(YEAR + 1, 3, 2).isoformat(), "online": "on"},
        "held_on",
        "the plan's year",
    ),
    (forms.ActivityForm, activity, {"trainer_name": " ", "online": "on"}, "trainer", "Choose a trainer"),
    (forms.ActivityForm, activity, {"trainer_name": "Mari", "place": ""}, "place", "Write the place"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "kwargs", "data", "field", "words"), CASES)
def test_rule_reported_with_missing_fields(planner, plan, form_class, kwargs, data, field, words):
    assert_rule_beside_missing_field(form_class(data=data, **kwargs(planner, plan)), field, words)


@pytest.mark.django_db
def test_a_stored_material_keeps_its_review_date(planner):
    """The first review is in the future; a stored material's date is the owner's to keep."""
    stored = Material(pk=10**6, version=1)
    form = forms.MaterialForm(data={"review_due_on": TODAY.isoformat()}, user=planner, instance=stored)
    form.is_valid()
    assert "review_due_on" not in form.errors


@pytest.mark.django_db
def test_the_next_review_is_in_the_future():
    with translation.override("en"):
        form = forms.ReviewedForm(data={"next_review_on": TODAY.isoformat()})
        assert not form.is_valid()
        assert "next review is in the future" in form.errors["next_review_on"][0]
    assert forms.ReviewedForm(data={"next_review_on": TOMORROW}).is_valid()


def test_a_new_project_outside_the_plan_year_is_reported_with_the_missing_name(client, planner, plan):
    client.force_login(planner)
    response = client.post(
        f"/prevention/plans/{YEAR}/projects/new/",
        {"name": "", "starts_on": f"01.01.{YEAR + 2}", "ends_on": f"31.12.{YEAR + 2}"},
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.has_error("name", code="required")
    with translation.override("en"):
        assert "the plan's year" in " ".join(form.errors["starts_on"])
    assert not Project.objects.exists()
