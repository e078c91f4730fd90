"""Assignment, transfer, sealed cases."""

import pytest

from cases.models import Case
from cases.services import cases as case_services
from tests.factories import make_case, make_user, region
from victimsupport.models import AccessLogEntry, County, Notification

pytestmark = pytest.mark.django_db


def test_the_manager_reassigns_and_the_old_holder_loses_change_at_once(client, specialist, colleague, manager, case):
    client.force_login(manager)
    assert client.post(f"/cases/{case.pk}/assign/", {"responsible": colleague.pk}).status_code == 302
    case.refresh_from_db()
    assert case.responsible == colleague
    client.force_login(specialist)
    assert client.get(f"/cases/{case.pk}/edit/").status_code == 403
    client.force_login(colleague)
    assert client.get(f"/cases/{case.pk}/edit/").status_code == 200
    assert Notification.objects.filter(user=colleague).exists()


def test_only_staff_of_the_region_can_be_responsible(client, manager, outsider, case):
    client.force_login(manager)
    response = client.post(f"/cases/{case.pk}/assign/", {"responsible": outsider.pk})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.responsible != outsider


def test_a_specialist_cannot_assign(client, specialist, colleague, case):
    client.force_login(specialist)
    assert client.post(f"/cases/{case.pk}/assign/", {"responsible": colleague.pk}).status_code == 403


def test_transfer_to_another_region(client, specialist, manager, outsider, case):
    louna = region("louna")
    tartu = County.objects.get(code="tartu")
    manager_louna = make_user("regional_manager", "louna")
    client.force_login(manager)
    response = client.post(f"/cases/{case.pk}/transfer/", {"region": louna.pk, "county": tartu.pk, "reason": "Kolis"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    client.force_login(specialist)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/persons/{case.client_id}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/cases/{case.pk}/").status_code == 200
    assert Notification.objects.filter(user=manager_louna).exists()


def test_transfer_refuses_a_county_of_another_region(client, manager, case):
    client.force_login(manager)
    response = client.post(
        f"/cases/{case.pk}/transfer/",
        {
            "region": region("louna").pk,
            "county": County.objects.get(code="parnu").pk,
        },
    )
    assert response.status_code == 400 and "county" in response.context["form"].errors
    assert Case.objects.get(pk=case.pk).region.code == "pohja"


def test_a_user_leaving_the_region_loses_their_cases_at_once(specialist, manager, case):
    from victimsupport.services import user_set_roles_and_regions

    user_set_roles_and_regions(specialist, roles=["specialist"], regions=[region("louna")], actor=manager)
    case.refresh_from_db()
    assert case.responsible is None
    assert not Case.objects.restrict(specialist, "view").filter(pk=case.pk).exists()


class TestSealed:
    @pytest.fixture
    def sealed(self, manager, case):
        return case_services.case_set_sealed(actor=manager, case=case, sealed=True, reason="Klient on politseinik")

    def test_opening_asks_for_a_reason_that_is_logged_and_told_to_the_manager(self, client, colleague, manager, sealed):
        client.force_login(colleague)
        response = client.get(f"/cases/{sealed.pk}/")
        assert response.status_code == 200 and "cases/sealed_gate.html" in [t.name for t in response.templates]
        assert sealed.client.full_name not in response.content.decode()
        assert client.post(f"/cases/{sealed.pk}/open-sealed/", {"reason": ""}).status_code == 400
        response = client.post(
            f"/cases/{sealed.pk}/open-sealed/",
            {"reason": "Kliendi kõne, kolleeg puhkusel", "next": f"/cases/{sealed.pk}/"},
        )
        assert response.status_code == 302
        entry = AccessLogEntry.objects.get(action="open_sealed")
        assert entry.user == colleague and entry.reason == "Kliendi kõne, kolleeg puhkusel"
        assert Notification.objects.filter(user=manager).exists()
        assert sealed.client.full_name in client.get(f"/cases/{sealed.pk}/").content.decode()

    def test_the_responsible_specialist_is_not_asked(self, client, specialist, sealed):
        client.force_login(specialist)
        assert sealed.client.full_name in client.get(f"/cases/{sealed.pk}/").content.decode()

    def test_sealed_names_are_masked_in_lists(self, client, colleague, sealed):
        client.force_login(colleague)
        html = client.get("/cases/").content.decode()
        assert sealed.client.full_name not in html

    def test_the_persons_page_is_gated_too(self, client, colleague, sealed):
        client.force_login(colleague)
        response = client.get(f"/persons/{sealed.client_id}/")
        assert "cases/sealed_gate.html" in [t.name for t in response.templates]

    def test_only_a_manager_seals(self, client, specialist, case):
        client.force_login(specialist)
        assert client.post(f"/cases/{case.pk}/seal/", {"sealed": "on", "reason": "x"}).status_code == 403


def test_the_manager_assigns_from_the_case_header_choosing_by_caseload(client, specialist, colleague, manager, case):
    make_case(colleague, risk_level="high")
    make_case(colleague)
    client.force_login(manager)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{case.pk}/assign/"' in page and f'href="/cases/{case.pk}/transfer/"' in page
    client.cookies["django_language"] = "en"
    form = client.get(f"/cases/{case.pk}/assign/").content.decode()
    assert "Kati Kolleeg (2 open cases, 1 high risk)" in form
    assert "Siiri Spetsialist (1 open case)" in form
    client.force_login(specialist)  # a specialist may not assign: no buttons
    assert f'href="/cases/{case.pk}/assign/"' not in client.get(f"/cases/{case.pk}/").content.decode()
