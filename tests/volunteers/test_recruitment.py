"""Recruitment of volunteers: the public application, the pipeline, the registry, the user account and
the deletion of candidates who did not become volunteers."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import make_user
from victimsupport.models import County, Role, User
from volunteers.models import BackgroundCheck, Volunteer, VolunteerStatus, VolunteerStep
from volunteers.services import recruitment

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 20)


def application(**overrides) -> dict:
    data = {
        "first_name": "Liis",
        "last_name": "Lepik",
        "email": "liis.lepik@example.invalid",
        "phone": "+372 5555 1234",
        "county": County.objects.get(code="harju").pk,
        "languages": ["et", "ru"],
        "kinds": ["marac"],
        "motivation": "Tahan aidata.",
        "privacy": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def apply(**overrides) -> Volunteer:
    data = application(**overrides)
    county = County.objects.get(pk=data.pop("county"))
    for name in ("privacy", "website"):
        data.pop(name)
    return recruitment.volunteer_apply(county=county, **data)


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja", first_name="Kadri", last_name="Koordinaator")


def walk(actor, volunteer, *statuses, day=TODAY, **extra) -> Volunteer:
    for status in statuses:
        volunteer.refresh_from_db()
        kwargs = {"background_check": BackgroundCheck.CLEAR} if status == VolunteerStatus.CHECKED else {}
        recruitment.volunteer_step(
            actor=actor,
            volunteer=volunteer,
            expected_version=volunteer.version,
            status=status,
            happened_on=day,
            **kwargs,
            **extra,
        )
    volunteer.refresh_from_db()
    return volunteer


FULL_PIPELINE = (
    VolunteerStatus.INTERVIEWED,
    VolunteerStatus.CHECKED,
    VolunteerStatus.TRAINED,
    VolunteerStatus.SIGNED,
    VolunteerStatus.ACTIVE,
)


# --- the public page ---


def test_anyone_can_apply_and_gets_the_same_thanks(client):
    page = client.get("/volunteers/apply/")
    assert page.status_code == 200
    assert "Privaatsus" in page.content.decode() or "Privacy" in page.content.decode()
    response = client.post("/volunteers/apply/", application())
    assert response.status_code == 302 and response["Location"] == "/volunteers/apply/thanks/"
    volunteer = Volunteer.objects.get()
    assert (volunteer.status, volunteer.region.code) == (VolunteerStatus.APPLIED, "pohja")
    assert list(volunteer.counties.values_list("code", flat=True)) == ["harju"]
    assert volunteer.steps.get().recorded_by is None
    # The same person again: the same answer, nothing about whether they are known.
    again = client.post("/volunteers/apply/", application())
    assert again.status_code == 302 and again["Location"] == response["Location"]


def test_a_rejected_application_keeps_what_was_typed_and_stores_nothing(client):
    response = client.post("/volunteers/apply/", application(email="not-an-address", privacy=""))
    assert response.status_code == 400
    assert {"email", "privacy"} <= set(response.context["form"].errors)
    assert "Lepik" in response.content.decode()
    assert not Volunteer.objects.exists()


def test_a_robot_that_fills_the_hidden_field_is_thanked_and_nothing_is_stored(client):
    response = client.post("/volunteers/apply/", application(website="http://spam.example"))
    assert response.status_code == 302
    assert not Volunteer.objects.exists()


def test_applications_from_one_address_are_limited(client, settings):
    settings.VOLUNTEER_APPLICATIONS_PER_HOUR = 2
    for number in range(2):
        assert client.post("/volunteers/apply/", application(email=f"a{number}@example.invalid")).status_code == 302
    refused = client.post("/volunteers/apply/", application(email="c@example.invalid"))
    assert refused.status_code == 400
    assert Volunteer.objects.count() == 2


def test_the_public_page_needs_the_csrf_token(coordinator):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/volunteers/apply/", application()).status_code == 403
    assert not Volunteer.objects.exists()


def test_a_hostile_name_does_not_break_the_registry_pages(client, coordinator):
    volunteer = apply(first_name="Владимир", last_name="x" * 100, motivation="y" * 2000)
    client.force_login(coordinator)
    assert client.get("/volunteers/").status_code == 200
    page = client.get(f"/volunteers/{volunteer.pk}/")
    assert page.status_code == 200 and "Владимир" in page.content.decode()


def test_the_volunteer_list_filters_sorts_and_reads_a_fixed_number_of_queries(client, coordinator, specialist):
    from tests.querycount import page_queries

    client.force_login(coordinator)
    first = apply(first_name="Ülle", last_name="<b>Шмидт</b>", email="u@example.invalid", kinds=["marac", "crisis"])
    recruitment.volunteer_update(
        actor=coordinator, volunteer=first, expected_version=first.version, supervisor=specialist
    )
    small = page_queries(client, "/volunteers/")
    tartu = County.objects.get(code="tartu")
    for number in range(12):
        apply(first_name="Mari", last_name=f"Tamm{number:02}", email=f"m{number}@example.invalid", county=tartu.pk)
    assert page_queries(client, "/volunteers/") == small <= 6, small
    html = client.get("/volunteers/").content.decode()
    # Names are escaped, kinds and the supervisor shown; the county filter's options are the counties.
    assert "&lt;b&gt;Шмидт&lt;/b&gt;" in html and "<b>Шмидт" not in html
    assert "MARAC-i tugiisik, kriisiabi vabatahtlik" in html
    assert specialist.get_full_name() in html
    assert f'<option value="{tartu.pk}">{tartu.name}</option>' in html
    only_tartu = client.get(f"/volunteers/?county={tartu.pk}&sort=-name").content.decode()
    assert "Шмидт" not in only_tartu and only_tartu.index("Tamm11") < only_tartu.index("Tamm00")
    assert f'<option value="{tartu.pk}" selected>' in only_tartu
    # A county that does not exist is a form error, not a 500: the list shows every volunteer.
    assert client.get("/volunteers/?county=999999").status_code == 200


# --- the pipeline ---


def test_the_pipeline_records_each_step_with_who_and_when(coordinator):
    volunteer = walk(coordinator, apply(), *FULL_PIPELINE)
    assert volunteer.status == VolunteerStatus.ACTIVE
    assert (volunteer.interviewed_on, volunteer.background_checked_on, volunteer.base_training_on) == (TODAY,) * 3
    assert (volunteer.agreement_signed_on, volunteer.pledge_signed_on) == (TODAY, TODAY)
    assert volunteer.background_check == BackgroundCheck.CLEAR
    steps = list(volunteer.steps.values_list("status", "recorded_by"))
    assert steps == [("applied", None)] + [(status, coordinator.pk) for status in FULL_PIPELINE]


def test_a_step_out_of_order_is_refused_and_changes_nothing(coordinator):
    volunteer = apply()
    with pytest.raises(ValidationError) as refused:
        recruitment.volunteer_step(
            actor=coordinator,
            volunteer=volunteer,
            expected_version=volunteer.version,
            status=VolunteerStatus.ACTIVE,
            happened_on=TODAY,
        )
    assert "status" in refused.value.message_dict
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPLIED and volunteer.steps.count() == 1


def test_the_background_check_needs_its_result_and_an_obstacle_stops_the_candidate(coordinator):
    volunteer = walk(coordinator, apply(), VolunteerStatus.INTERVIEWED)
    with pytest.raises(ValidationError):
        recruitment.volunteer_step(
            actor=coordinator,
            volunteer=volunteer,
            expected_version=volunteer.version,
            status=VolunteerStatus.CHECKED,
            happened_on=TODAY,
        )
    volunteer.refresh_from_db()  # a refused step leaves nothing stored (the object in hand is stale)
    recruitment.volunteer_step(
        actor=coordinator,
        volunteer=volunteer,
        expected_version=volunteer.version,
        status=VolunteerStatus.CHECKED,
        happened_on=TODAY,
        background_check=BackgroundCheck.OBSTACLE,
    )
    volunteer.refresh_from_db()
    with pytest.raises(ValidationError):
        recruitment.volunteer_step(
            actor=coordinator,
            volunteer=volunteer,
            expected_version=volunteer.version,
            status=VolunteerStatus.TRAINED,
            happened_on=TODAY,
        )


def test_the_database_refuses_an_active_volunteer_without_training_and_signatures(coordinator):
    volunteer = apply()
    with pytest.raises(IntegrityError), transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(status=VolunteerStatus.ACTIVE)


def test_a_step_on_a_stale_page_is_refused_as_a_concurrent_edit(client, coordinator):
    volunteer = apply()
    client.force_login(coordinator)
    stale = volunteer.version
    walk(coordinator, volunteer, VolunteerStatus.INTERVIEWED)
    response = client.post(
        f"/volunteers/{volunteer.pk}/step/",
        {"status": "interviewed", "happened_on": "20.11.2026", "version": stale},
    )
    assert response.status_code == 409
    assert volunteer.steps.count() == 2


def test_the_step_page_records_a_step_from_a_form(client, coordinator):
    volunteer = apply()
    client.force_login(coordinator)
    page = client.get(f"/volunteers/{volunteer.pk}/step/")
    assert page.status_code == 200
    response = client.post(
        f"/volunteers/{volunteer.pk}/step/",
        {"status": "interviewed", "happened_on": "20.11.2026", "note": "Hea vestlus", "version": volunteer.version},
    )
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.interviewed_on) == (VolunteerStatus.INTERVIEWED, TODAY)
    future = client.post(
        f"/volunteers/{volunteer.pk}/step/",
        {"status": "checked", "happened_on": "20.11.2099", "background_check": "clear", "version": volunteer.version},
    )
    assert future.status_code == 400 and "happened_on" in future.context["form"].errors


# --- registry data ---


def test_the_registry_data_is_edited_with_a_supervisor_and_counties(client, coordinator, specialist):
    volunteer = apply()
    client.force_login(coordinator)
    assert client.get(f"/volunteers/{volunteer.pk}/edit/").status_code == 200
    response = client.post(
        f"/volunteers/{volunteer.pk}/edit/",
        {
            "first_name": "Liis",
            "last_name": "Lepik",
            "email": "liis@example.invalid",
            "phone": "",
            "languages": ["et"],
            "kinds": ["marac", "crisis"],
            "supervisor": specialist.pk,
            "conflicts": "Töötab Tallinna vangla juures",
            "counties": [County.objects.get(code="harju").pk, County.objects.get(code="rapla").pk],
            "version": volunteer.version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    volunteer.refresh_from_db()
    assert volunteer.supervisor == specialist and volunteer.kinds == ["marac", "crisis"]
    assert volunteer.counties.count() == 2


def test_a_supervisor_who_is_not_staff_is_refused(coordinator):
    volunteer = apply()
    not_staff = make_user("volunteer", "pohja")
    with pytest.raises(ValidationError) as refused:
        recruitment.volunteer_update(
            actor=coordinator, volunteer=volunteer, expected_version=volunteer.version, supervisor=not_staff
        )
    assert "supervisor" in refused.value.message_dict


# --- the user account ---


def test_an_active_volunteer_becomes_a_user_and_sets_a_password_through_the_invitation(
    client, coordinator, django_capture_on_commit_callbacks, eager_celery
):
    volunteer = walk(coordinator, apply(), *FULL_PIPELINE)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/volunteers/{volunteer.pk}/user/")
    assert response.status_code == 302
    volunteer.refresh_from_db()
    user = volunteer.user
    assert user.has_role(Role.VOLUNTEER) and not user.has_usable_password()
    assert list(user.regions.values_list("code", flat=True)) == ["pohja"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [volunteer.email]
    link = re.search(r"https?://\S+/account/set-password/\S+", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path
    done = client.post(set_url, {"new_password1": "Pikk-Salasõna-2026", "new_password2": "Pikk-Salasõna-2026"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Pikk-Salasõna-2026")
    # The link works once.
    assert "new_password1" not in client.get("/" + path, follow=True).content.decode()


def test_only_an_active_volunteer_gets_an_account_and_only_once(coordinator):
    volunteer = apply()
    with pytest.raises(ValidationError):
        recruitment.volunteer_user_create(actor=coordinator, volunteer=volunteer)
    volunteer = walk(coordinator, volunteer, *FULL_PIPELINE)
    recruitment.volunteer_user_create(actor=coordinator, volunteer=volunteer)
    with pytest.raises(ValidationError):
        recruitment.volunteer_user_create(actor=coordinator, volunteer=volunteer)
    assert User.objects.filter(volunteer=volunteer).count() == 1


def test_a_volunteer_who_leaves_loses_their_login(coordinator):
    volunteer = walk(coordinator, apply(), *FULL_PIPELINE)
    user = recruitment.volunteer_user_create(actor=coordinator, volunteer=volunteer)
    walk(coordinator, volunteer, VolunteerStatus.LEFT)
    user.refresh_from_db()
    assert not user.is_active


# --- retention ---


def test_candidates_not_accepted_are_deleted_after_the_retention_period_with_their_history(coordinator, settings):
    settings.VOLUNTEER_CANDIDATE_RETENTION_DAYS = 30
    closed_day = timezone.localdate() - timedelta(days=31)
    rejected = walk(coordinator, apply(email="r@example.invalid"), VolunteerStatus.REJECTED, day=closed_day)
    recent = walk(coordinator, apply(email="n@example.invalid"), VolunteerStatus.WITHDRAWN)
    active = walk(coordinator, apply(email="a@example.invalid"), *FULL_PIPELINE, day=closed_day)
    assert recruitment.candidates_purge() == 1
    assert set(Volunteer.objects.values_list("pk", flat=True)) == {recent.pk, active.pk}
    assert not Volunteer.history.filter(id=rejected.pk).exists()
    assert not VolunteerStep.objects.filter(volunteer_id=rejected.pk).exists()
    assert not VolunteerStep.history.filter(volunteer_id=rejected.pk).exists()


# --- scope ---


def test_each_role_sees_the_volunteers_of_its_scope(client, coordinator, specialist, colleague, manager, outsider):
    in_region = apply(email="p@example.invalid")
    recruitment.volunteer_update(
        actor=coordinator, volunteer=in_region, expected_version=in_region.version, supervisor=specialist
    )
    south = apply(email="s@example.invalid", county=County.objects.get(code="tartu").pk)
    assert set(Volunteer.objects.restrict(coordinator)) == {in_region, south}
    assert set(Volunteer.objects.restrict(manager)) == {in_region}
    assert set(Volunteer.objects.restrict(specialist)) == {in_region}
    assert set(Volunteer.objects.restrict(colleague)) == set()
    assert set(Volunteer.objects.restrict(specialist, "change")) == set()
    volunteer_user = make_user("volunteer", "pohja")
    client.force_login(volunteer_user)
    assert client.get(f"/volunteers/{in_region.pk}/").status_code == 403
    client.force_login(colleague)
    assert client.get(f"/volunteers/{in_region.pk}/").status_code == 404
