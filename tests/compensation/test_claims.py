"""Compensation claims: opened in a case with their crime, the deadlines checked and shown, loss items
with the calculation on the claim's page, evidence, and the shared crime seen from every claim."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Person
from cases.services.cases import case_add_party
from compensation.models import Claim, ClaimDocument, CompensationRules, Crime, LossItem
from compensation.services import claims as services
from tests.factories import make_case, make_person
from victimsupport.models import AccessLogEntry

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def crime_fields(victim, **overrides):
    fields = {
        "victim": victim,
        "occurred_on": TODAY - timedelta(days=200),
        "in_estonia": True,
        "place": "Tallinn",
        "description": "Rünnak tänaval",
        "reported_on": TODAY - timedelta(days=199),
        "proceedings_number": "24230000123",
        "late_report_reason": "",
        "health_damage": "serious",
        "disorder_months": None,
    }
    return fields | overrides


def open_claim(actor, case, *, crime=None, claimant=None, role="victim", **crime_overrides):
    return services.claim_open(
        actor=actor,
        case=case,
        crime=crime,
        crime_fields=None if crime else crime_fields(case.client, **crime_overrides),
        claimant=claimant or case.client,
        claimant_role=role,
        relation="" if role == "victim" else "child_of",
        received_on=TODAY,
        iban="EE38 2200 2210 2014 5685",
        notes="",
    )


def add_item(actor, claim, kind="treatment", claimed="1000.00", **fields):
    return services.item_add(
        actor=actor,
        claim=claim,
        kind=kind,
        description=fields.pop("description", "Arve"),
        period_from=None,
        period_until=None,
        amount_claimed=Decimal(claimed),
        amount_accepted=fields.pop("accepted", None),
        other_sources=Decimal(fields.pop("other", "0")),
        other_sources_note="",
    )


class TestOpening:
    def test_a_claim_and_its_crime_from_a_case(self, specialist, case):
        claim = open_claim(specialist, case)
        assert claim.crime.region == case.region and claim.crime.case == case
        assert claim.handler == specialist and claim.iban == "EE382200221020145685"
        assert claim.reference == f"H-{claim.pk}"

    def test_a_dependant_joins_the_recorded_crime(self, specialist, case):
        first = open_claim(specialist, case)
        child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
        case_add_party(actor=specialist, case=case, person=child, role="family_member")
        second = open_claim(specialist, case, crime=first.crime, claimant=child, role="dependant")
        assert second.crime == first.crime
        # The same proceedings number for a new crime is refused, pointing at the recorded one.
        other_case = make_case(specialist)
        with pytest.raises(ValidationError) as error:
            open_claim(specialist, other_case)
        assert first.crime.reference in str(error.value.message_dict["proceedings_number"])

    def test_every_problem_is_reported_at_once_and_nothing_is_saved(self, specialist, case):
        stranger = make_person(specialist, first_name="Võõras")
        with pytest.raises(ValidationError) as error:
            services.claim_open(
                actor=specialist,
                case=case,
                crime_fields=crime_fields(case.client, occurred_on=TODAY + timedelta(days=3), reported_on=TODAY),
                claimant=stranger,
                claimant_role="victim",
                relation="",
                received_on=TODAY + timedelta(days=1),
                iban="EE00",
                notes="",
            )
        fields = set(error.value.message_dict)
        assert {"occurred_on", "reported_on", "received_on", "claimant", "claimant_role", "iban"} <= fields
        assert not Crime.objects.exists() and not Claim.objects.exists()

    def test_one_claim_per_person_and_crime(self, specialist, case):
        claim = open_claim(specialist, case)
        with pytest.raises(ValidationError) as error:
            open_claim(specialist, case, crime=claim.crime)
        assert claim.reference in str(error.value)

    def test_only_in_ones_own_scope(self, specialist, outsider, case):
        claim = open_claim(specialist, case)
        with pytest.raises(PermissionDenied):
            open_claim(outsider, make_case(outsider, region_code="louna"), crime=claim.crime)


class TestChecks:
    def page(self, client, user, claim):
        client.force_login(user)
        return client.get(f"/compensation/claims/{claim.pk}/").content.decode()

    def test_in_time_everything_is_met(self, client, specialist, case):
        claim = open_claim(specialist, case)
        html = self.page(client, specialist, claim)
        assert "not met" not in html and "Reported to the police on" in html

    def test_a_late_report_until_its_reason_is_accepted(self, client, specialist, manager, case):
        claim = open_claim(specialist, case, reported_on=TODAY - timedelta(days=150))
        assert "after the 15 days" in self.page(client, specialist, claim)
        crime = claim.crime
        services.crime_update(
            actor=manager,
            crime=crime,
            expected_version=crime.version,
            late_reason_accepted=True,
            **{**{name: getattr(crime, name) for name in services.CRIME_FIELDS}, "late_report_reason": "Haiglas"},
        )
        crime.refresh_from_db()
        assert crime.late_report_accepted_by == manager
        html = self.page(client, specialist, claim)
        assert "the reason was accepted" in html and "Accepted by Madis Juht" in html
        # A changed reason is no longer the one accepted.
        services.crime_update(
            actor=specialist,
            crime=crime,
            expected_version=crime.version,
            late_reason_accepted=False,
            **{**{name: getattr(crime, name) for name in services.CRIME_FIELDS}, "late_report_reason": "Muu"},
        )
        crime.refresh_from_db()
        assert crime.late_report_accepted_by is None

    def test_a_claim_after_three_years_and_a_short_disorder(self, client, specialist, case):
        claim = open_claim(
            specialist,
            case,
            occurred_on=TODAY - timedelta(days=3 * 366 + 2),
            reported_on=TODAY - timedelta(days=3 * 366),
            health_damage="disorder",
            disorder_months=3,
        )
        html = self.page(client, specialist, claim)
        assert "more than 3 years after the crime" in html
        assert "at least 4 are required" in html
        assert "A condition of compensation is not met" in html

    def test_the_rules_in_force_on_the_day_of_the_crime(self, client, specialist, case):
        CompensationRules.objects.create(
            valid_from=TODAY - timedelta(days=10),
            rate_percent=Decimal("90"),
            crime_cap=Decimal("12000"),
            funeral_cap=Decimal("500"),
            report_days=30,
            claim_years=3,
            disorder_months=4,
            note="test",
        )
        old = open_claim(specialist, case)
        add_item(specialist, old, claimed="100.00")
        assert "80,00 €" in self.page(client, specialist, old).replace("\xa0", " ")
        new = open_claim(
            specialist,
            make_case(specialist),
            occurred_on=TODAY - timedelta(days=5),
            reported_on=TODAY - timedelta(days=4),
            proceedings_number="24230000999",
        )
        add_item(specialist, new, claimed="100.00")
        assert "90,00 €" in self.page(client, specialist, new).replace("\xa0", " ")


class TestItemsAndPage:
    def test_the_calculation_line_by_line_and_the_shared_cap(self, client, specialist, case):
        claim = open_claim(specialist, case)
        add_item(specialist, claim, kind="lost_income", claimed="10000.00", other="1000.00")
        add_item(specialist, claim, kind="funeral", claimed="1000.00")
        child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
        case_add_party(actor=specialist, case=case, person=child, role="family_member")
        second = open_claim(specialist, case, crime=claim.crime, claimant=child, role="dependant")
        add_item(specialist, second, kind="maintenance", claimed="6000.00")
        client.force_login(specialist)
        html = client.get(f"/compensation/claims/{claim.pk}/").content.decode().replace("\xa0", " ")
        # 9000 * 80% = 7200; the funeral 448 * 80% = 358.40; 7558.40 asked, 4800 by the dependant: 12,358.40
        # > 9,590, shared in proportion: 9590 * 7558.40 / 12358.40 = 5865.24 (rounded down).
        for text in ("7 200,00 €", "358,40 €", "7 558,40 €", "4 800,00 €", "5 865,24 €", second.reference):
            assert text in html, text
        assert "funeral costs are compensated up to 448,00 €" in html

    def test_items_change_only_while_the_claim_is_open(self, specialist, case):
        claim = open_claim(specialist, case)
        item = add_item(specialist, claim)
        services.item_update(
            actor=specialist,
            item=item,
            expected_version=item.version,
            kind="treatment",
            description="Arve 2",
            period_from=TODAY,  # cleared: not a periodic loss
            period_until=None,
            amount_claimed=Decimal("1000.00"),
            amount_accepted=Decimal("900.00"),
            other_sources=Decimal("0"),
            other_sources_note="",
        )
        item.refresh_from_db()
        assert item.amount_accepted == Decimal("900.00") and item.period_from is None
        with pytest.raises(ValidationError):
            add_item(specialist, claim, claimed="100.00", accepted=Decimal("200.00"))
        Claim.objects.filter(pk=claim.pk).update(status="decided")
        with pytest.raises(ValidationError):
            add_item(specialist, claim)
        with pytest.raises(ValidationError):
            services.item_remove(actor=specialist, item=item)
        assert LossItem.objects.filter(pk=item.pk).exists()

    def test_a_rejected_item_form_keeps_what_was_typed(self, client, specialist, case):
        claim = open_claim(specialist, case)
        client.force_login(specialist)
        client.cookies["django_language"] = "et"  # amounts typed the Estonian way
        response = client.post(
            f"/compensation/claims/{claim.pk}/items/new/",
            {
                "kind": "treatment",
                "description": "Prillid " + "x" * 50,
                "amount_claimed": "100,50",
                "amount_accepted": "200",
            },
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Prillid " + "x" * 50 in html and "100,50" in html
        assert "Taotletust rohkem ei saa aktsepteerida." in html
        assert not LossItem.objects.exists()
        response = client.post(
            f"/compensation/claims/{claim.pk}/items/new/",
            {"kind": "treatment", "description": "Prillid", "amount_claimed": "1 100,50", "other_sources": ""},
        )
        assert response.status_code == 302
        assert LossItem.objects.get().amount_claimed == Decimal("1100.50")

    def test_a_concurrent_item_edit_is_shown_not_overwritten(self, client, specialist, colleague, case):
        claim = open_claim(specialist, case)
        item = add_item(specialist, claim)
        client.force_login(colleague)
        page = client.get(f"/compensation/items/{item.pk}/edit/")
        assert page.status_code == 200
        services.item_update(
            actor=specialist,
            item=item,
            expected_version=item.version,
            **{name: getattr(item, name) for name in services.ITEM_FIELDS} | {"description": "Esimene"},
        )
        response = client.post(
            f"/compensation/items/{item.pk}/edit/",
            {"version": "1", "kind": "treatment", "description": "Teine", "amount_claimed": "1000"},
        )
        assert response.status_code == 409
        item.refresh_from_db()
        assert item.description == "Esimene"

    def test_evidence_is_stored_and_its_download_logged(self, client, specialist, case):
        claim = open_claim(specialist, case)
        item = add_item(specialist, claim)
        client.force_login(specialist)
        response = client.post(
            f"/compensation/claims/{claim.pk}/documents/new/",
            {"title": "Arve", "item": item.pk, "file": SimpleUploadedFile("arve.pdf", b"%PDF-1.4 arve")},
        )
        assert response.status_code == 302
        document = ClaimDocument.objects.get()
        assert document.item == item and len(document.sha256) == 64
        download = client.get(f"/compensation/documents/{document.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 arve"
        assert AccessLogEntry.objects.filter(action="download", object_type="compensation.claimdocument").exists()
        bad = client.post(
            f"/compensation/claims/{claim.pk}/documents/new/",
            {"title": "Pilt", "file": SimpleUploadedFile("pilt.pdf", b"not a pdf")},
        )
        assert bad.status_code == 400 and ClaimDocument.objects.count() == 1


class TestPages:
    def test_the_claim_form_from_a_case_reports_everything_and_keeps_it(self, client, specialist, case):
        client.force_login(specialist)
        url = f"/compensation/cases/{case.pk}/new/"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {"claimant": case.client_id, "claimant_role": "victim", "received_on": "01.13.2026", "place": "Tartu mnt"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "Tartu mnt" in html
        for field in ("received_on", "victim", "occurred_on", "description", "health_damage"):
            assert f'id="id_{field}_error"' in html or f"id_{field}" in html
        assert html.count("This field is required for a new crime.") == 8  # at the fields and in the summary
        for field in ("victim", "occurred_on", "description", "health_damage"):
            assert f'href="#id_{field}' in html
        response = client.post(
            url,
            {
                "claimant": case.client_id,
                "claimant_role": "victim",
                "received_on": TODAY.strftime("%d.%m.%Y"),
                "victim": case.client_id,
                "occurred_on": (TODAY - timedelta(days=30)).strftime("%d.%m.%Y"),
                "in_estonia": "on",
                "description": "Peksmine",
                "reported_on": (TODAY - timedelta(days=29)).strftime("%d.%m.%Y"),
                "health_damage": "serious",
            },
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        claim = Claim.objects.get()
        assert response["Location"] == f"/compensation/claims/{claim.pk}/"
        assert f"/compensation/claims/{claim.pk}/" in client.get(f"/cases/{case.pk}/").content.decode()

    def test_the_list_filters_and_logs(self, client, specialist, manager, outsider, case):
        mine = open_claim(specialist, case)
        theirs = open_claim(outsider, make_case(outsider, region_code="louna"), proceedings_number="1")
        client.force_login(manager)
        html = client.get("/compensation/").content.decode()
        assert mine.reference in html and theirs.reference not in html
        assert mine.reference in client.get("/compensation/?q=24230000123").content.decode()
        assert mine.reference not in client.get("/compensation/?q=nobody").content.decode()
        assert mine.reference in client.get(f"/compensation/?q={mine.reference.lower()}").content.decode()
        assert mine.reference in client.get("/compensation/?q=maasikas&sort=crime&status=open").content.decode()
        assert client.get("/compensation/?status=nonsense&region=x&sort=zzz&page=-1").status_code == 200
        assert client.get("/compensation/?q=H-²").status_code == 200  # a digit that int() does not read
        assert AccessLogEntry.objects.filter(user=manager, action="list", object_type="compensation.claim").exists()

    def test_the_claim_page_is_logged_and_hidden_out_of_scope(self, client, specialist, outsider, case):
        claim = open_claim(specialist, case)
        client.force_login(outsider)
        assert client.get(f"/compensation/claims/{claim.pk}/").status_code == 404
        client.force_login(specialist)
        assert client.get(f"/compensation/claims/{claim.pk}/").status_code == 200
        entry = AccessLogEntry.objects.get(user=specialist, object_type="compensation.claim")
        assert entry.person_ids == [case.client_id]

    def test_a_claim_in_a_sealed_case_asks_for_a_reason(self, client, specialist, manager, case):
        claim = open_claim(specialist, case)
        case.__class__.objects.filter(pk=case.pk).update(sealed=True)
        client.force_login(manager)
        html = client.get(f"/compensation/claims/{claim.pk}/").content.decode()
        assert "Maasikas" not in html


def test_the_claim_page_in_estonian(client, specialist, case):
    claim = open_claim(specialist, case)
    add_item(specialist, claim, kind="funeral", claimed="1000.00")
    client.force_login(specialist)
    client.cookies["django_language"] = "et"
    html = client.get(f"/compensation/claims/{claim.pk}/").content.decode().replace("\xa0", " ")
    for text in (
        "Tingimused ja tähtajad",
        "Kahjud ja arvestus",
        "Matusekulud",
        "matusekulud hüvitatakse kuni 448,00 €",
    ):
        assert text in html, text


def test_a_withdrawn_claim_no_longer_shares_the_cap(client, specialist, case):
    claim = open_claim(specialist, case)
    add_item(specialist, claim, kind="lost_income", claimed="10000.00")
    child = make_person(specialist, first_name="Mia", birth=date(2012, 5, 1))
    case_add_party(actor=specialist, case=case, person=child, role="family_member")
    second = open_claim(specialist, case, crime=claim.crime, claimant=child, role="dependant")
    add_item(specialist, second, kind="maintenance", claimed="10000.00")
    client.force_login(specialist)
    assert client.post(f"/compensation/claims/{second.pk}/withdraw/", {"reason": ""}).status_code == 302
    second.refresh_from_db()
    assert second.is_open
    response = client.post(f"/compensation/claims/{second.pk}/withdraw/", {"reason": "Kiri 01.12.2026"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "withdrawn" and "Kiri 01.12.2026" in second.notes
    html = client.get(f"/compensation/claims/{claim.pk}/").content.decode().replace("\xa0", " ")
    assert "8 000,00 €" in html and second.reference not in html  # the whole cap left for the victim
    with pytest.raises(ValidationError):
        services.claim_withdraw(actor=specialist, claim=second, reason="again")


def test_a_claim_of_a_person_without_a_case(client, specialist, outsider):
    from cases.contact import may_contact
    from tests.factories import region
    from victimsupport.models import County

    client.force_login(specialist)
    assert client.get("/compensation/new/").status_code == 200
    rejected = client.post("/compensation/new/", {"first_name": "Нина", "last_name": "Иванова", "place": "Narva"})
    assert rejected.status_code == 400
    html = rejected.content.decode()
    assert "Иванова" in html and "Narva" in html
    assert not Claim.objects.exists() and not Person.objects.filter(last_name="Иванова").exists()
    data = {
        "first_name": "Нина",
        "last_name": "Иванова",
        "personal_code": "49403136515",
        "language": "ru",
        "county": County.objects.get(code="harju").pk,
        "settlement": "Tallinn",
        "street": "Narva mnt",
        "house": "5",
        "postal_code": "10117",
        "letter_allowed": "on",
        "region": region("pohja").pk,
        "received_on": TODAY.strftime("%d.%m.%Y"),
        "iban": "EE382200221020145685",
        "occurred_on": (TODAY - timedelta(days=60)).strftime("%d.%m.%Y"),
        "in_estonia": "on",
        "description": "Rünnak",
        "reported_on": (TODAY - timedelta(days=59)).strftime("%d.%m.%Y"),
        "health_damage": "death",
    }
    response = client.post("/compensation/new/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.case is None and claim.crime.case is None and claim.crime.victim == claim.claimant
    person = claim.claimant
    assert may_contact(person, "letter") and not may_contact(person, "email")
    # The region's casework staff hold the person's record through the claim; others see nothing.
    assert client.get(f"/persons/{person.pk}/").status_code == 200
    assert f"/persons/{person.pk}/" in client.get(f"/compensation/claims/{claim.pk}/").content.decode()
    client.force_login(outsider)
    assert client.get(f"/persons/{person.pk}/").status_code == 404
    assert client.get(f"/compensation/claims/{claim.pk}/").status_code == 404
    # The same person again: told to use the record that exists.
    client.force_login(specialist)
    again = client.post("/compensation/new/", data)
    assert again.status_code == 400 and "is on record" in again.content.decode()
    assert Claim.objects.count() == 1
