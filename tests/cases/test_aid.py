"""Mental-health aid: eligibility by rules, the decision workflow, immutability, the ledger and deadlines."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import override

from cases import selectors
from cases.aid_rules import check_eligibility
from cases.models import AidApplication, AidDecision, AidEntitlement, DecisionKindSetting
from cases.services import aid as aid_services
from cases.services import cases as case_services
from cases.services import persons as person_services
from tests.factories import make_application, make_case, make_decision, make_person, make_user
from victimsupport.dates import add_working_days
from victimsupport.templatetags.money import format_eur

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_manager(db):
    return make_user("regional_manager", "pohja", first_name="Teine", last_name="Juht")


def family_member(actor, case, relation: str):
    person = make_person(actor, first_name="Laps", birth=date(2012, 5, 5))
    case_services.case_add_party(actor=actor, case=case, person=person, role="family_member")
    person_services.relation_add(actor=actor, person=person, related_person=case.client, kind=relation)
    return person


class TestEligibility:
    @pytest.mark.parametrize(
        ("incident", "proceedings", "basis", "eligible", "rule"),
        [
            ("domestic_violence", False, "domestic_violence", True, "domestic_violence"),
            ("sexual_violence", False, "sexual_violence", True, "sexual_violence"),
            ("other_violence", True, "criminal_proceedings", True, "crime_with_proceedings"),
            ("other_violence", False, "criminal_proceedings", False, "crime_without_proceedings"),
            ("property", False, "domestic_violence", False, "incident_does_not_match"),
        ],
    )
    def test_victims(self, specialist, incident, proceedings, basis, eligible, rule):
        extra = {"proceedings_kind": "criminal", "proceedings_number": "22230012345"} if proceedings else {}
        case = make_case(specialist, incident_type=incident, **extra)
        result = check_eligibility(make_application(specialist, case, basis=basis))
        assert (result.eligible, result.rule) == (eligible, rule)

    @pytest.mark.parametrize(("proceedings", "eligible"), [(True, True), (False, False)])
    def test_a_witness_needs_proceedings(self, specialist, proceedings, eligible):
        extra = {"proceedings_kind": "criminal", "proceedings_number": "22230012345"} if proceedings else {}
        case = make_case(specialist, incident_type="other_violence", **extra)
        witness = make_person(specialist, first_name="Tunnistaja")
        case_services.case_add_party(actor=specialist, case=case, person=witness, role="witness")
        result = check_eligibility(
            make_application(specialist, case, applicant=witness, applicant_role="witness", basis="witness")
        )
        assert result.eligible is eligible

    @pytest.mark.parametrize(
        ("relation", "eligible", "rule"),
        [
            ("child_of", True, "family_member"),
            ("former_spouse_of", True, "family_member"),
            ("grandparent_of", True, "family_member"),
            ("partner_of", False, "family_relation_not_allowed"),
            ("family_member_of", False, "family_relation_not_allowed"),
        ],
    )
    def test_a_family_member_needs_an_allowed_relation(self, specialist, case, relation, eligible, rule):
        child = family_member(specialist, case, relation)
        result = check_eligibility(
            make_application(specialist, case, applicant=child, applicant_role="family_member", basis="family_member")
        )
        assert (result.eligible, result.rule) == (eligible, rule)

    def test_a_family_member_without_a_recorded_relation(self, specialist, case):
        relative = make_person(specialist, first_name="Sugulane")
        case_services.case_add_party(actor=specialist, case=case, person=relative, role="family_member")
        result = check_eligibility(
            make_application(
                specialist, case, applicant=relative, applicant_role="family_member", basis="family_member"
            )
        )
        assert (result.eligible, result.rule) == (False, "family_relation_missing")

    def test_the_applicant_must_be_linked_to_the_case(self, specialist, case):
        stranger = make_case(specialist).client
        with pytest.raises(ValidationError) as error:
            make_application(specialist, case, applicant=stranger)
        assert "applicant" in error.value.message_dict
        assert not AidApplication.objects.exists()


class TestDecisionRules:
    def test_a_cap_above_the_cap_in_force_on_the_decision_date_is_refused(self, specialist, case):
        # Received in 2024 (cap 820 €), decided now: the cap in force on the decision date applies.
        application = make_application(specialist, case, received_on=date(2024, 6, 1))
        cap = selectors.cap_on(timezone.localdate())
        with pytest.raises(ValidationError) as error:
            make_decision(specialist, application, amount_cap=cap + Decimal("0.01"))
        assert "amount_cap" in error.value.message_dict and format_eur(cap) in error.value.message_dict["amount_cap"][0]
        assert make_decision(specialist, application, amount_cap=cap).amount_cap == cap > Decimal("820.00")

    def test_a_period_that_ends_before_it_starts_is_refused(self, specialist, case):
        application = make_application(specialist, case)
        with pytest.raises(ValidationError) as error:
            make_decision(specialist, application, valid_from=date(2026, 6, 1), valid_until=date(2026, 5, 1))
        assert "valid_until" in error.value.message_dict
        assert not AidDecision.objects.exists()

    def test_an_ineligible_applicant_can_only_be_refused(self, specialist):
        case = make_case(specialist, incident_type="property")
        application = make_application(specialist, case, basis="criminal_proceedings")
        with pytest.raises(ValidationError) as error:
            make_decision(specialist, application, kind="grant")
        assert "kind" in error.value.message_dict
        refusal = make_decision(specialist, application, kind="refusal", reasoning="Menetlust ei ole alustatud.")
        assert refusal.eligibility_rule == "crime_without_proceedings"

    def test_nobody_approves_their_own_draft(self, manager, case):
        application = make_application(manager, case)
        partial = make_decision(manager, application, kind="partial")
        aid_services.decision_submit(actor=manager, decision=partial)
        with override("en"), pytest.raises(ValidationError, match="changed the content"):
            aid_services.decision_approve(actor=manager, decision=partial)
        assert AidDecision.objects.get(pk=partial.pk).status == "submitted"

    def test_a_specialist_cannot_approve(self, specialist, manager, case):
        application = make_application(specialist, case)
        partial = make_decision(specialist, application, kind="partial")
        aid_services.decision_submit(actor=specialist, decision=partial)
        with pytest.raises(PermissionDenied):
            aid_services.decision_approve(actor=specialist, decision=partial)


class TestWorkflow:
    def test_a_grant_is_issued_by_its_author_and_opens_the_entitlement(
        self, specialist, case, django_capture_on_commit_callbacks
    ):
        application = make_application(specialist, case)
        grant = make_decision(specialist, application)
        assert not grant.approval_required
        with django_capture_on_commit_callbacks():
            grant = aid_services.decision_issue(actor=specialist, decision=grant)
        assert grant.status == "issued" and grant.signer == specialist and grant.decision_date == timezone.localdate()
        entitlement = AidEntitlement.objects.get()
        assert entitlement.cap == Decimal("500.00") and entitlement.person == case.client
        assert aid_services.remaining(entitlement) == Decimal("500.00")
        assert AidApplication.objects.get(pk=application.pk).status == "decided"

    def test_a_partial_grant_is_approved_by_a_manager(self, client, specialist, manager, case):
        application = make_application(specialist, case)
        partial = make_decision(specialist, application, kind="partial", amount_cap=Decimal("300.00"))
        client.force_login(specialist)
        assert client.post(f"/aid/decisions/{partial.pk}/issue/").status_code == 302
        assert AidDecision.objects.get(pk=partial.pk).status == "draft"  # needs approval: not issued
        client.post(f"/aid/decisions/{partial.pk}/submit/")
        assert AidDecision.objects.get(pk=partial.pk).status == "submitted"
        client.force_login(manager)
        client.post(f"/aid/decisions/{partial.pk}/approve/")
        partial.refresh_from_db()
        assert partial.status == "issued" and partial.approved_by == manager and partial.signer == manager

    def test_a_returned_draft_goes_back_with_the_comment(self, client, specialist, manager, case):
        application = make_application(specialist, case)
        refusal = make_decision(specialist, application, kind="refusal")
        aid_services.decision_submit(actor=specialist, decision=refusal)
        client.force_login(manager)
        client.post(f"/aid/decisions/{refusal.pk}/return/", {"comment": "Põhjendus on liiga lühike."})
        refusal.refresh_from_db()
        assert refusal.status == "returned" and refusal.return_comment == "Põhjendus on liiga lühike."
        assert specialist.notifications.exists()
        client.force_login(specialist)
        page = client.get(f"/aid/decisions/{refusal.pk}/edit/").content.decode()
        assert "Põhjendus on liiga lühike." in page

    def test_settings_decide_what_needs_approval(self, specialist, case):
        DecisionKindSetting.objects.filter(kind="grant").update(approval_required=True)
        grant = make_decision(specialist, make_application(specialist, case))
        assert grant.approval_required
        with pytest.raises(ValidationError):
            aid_services.decision_issue(actor=specialist, decision=grant)

    def test_an_issued_decision_never_changes(self, specialist, case):
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, make_application(specialist, case))
        )
        with pytest.raises(ValidationError):
            aid_services.decision_update(
                actor=specialist, decision=grant, expected_version=grant.version, reasoning="muudetud"
            )
        with pytest.raises(DatabaseError, match="never changes"), transaction.atomic():
            AidDecision.objects.filter(pk=grant.pk).update(amount_cap=Decimal("1.00"))
        with pytest.raises(DatabaseError, match="never deleted"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_aiddecision WHERE id = %s", [grant.pk])
        with pytest.raises(ValidationError):  # a second decision on the same application
            make_decision(specialist, grant.application)

    def test_amendment_and_revocation_are_new_decisions(self, specialist, manager, case):
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, make_application(specialist, case))
        )
        amendment = make_decision(
            specialist, grant.application, kind="amendment", amends=grant, amount_cap=Decimal("700.00")
        )
        aid_services.decision_submit(actor=specialist, decision=amendment)
        aid_services.decision_approve(actor=manager, decision=amendment)
        entitlement = AidEntitlement.objects.get()
        assert entitlement.cap == Decimal("700.00") and entitlement.amended_by == amendment
        assert AidDecision.objects.get(pk=grant.pk).amount_cap == Decimal("500.00")  # the original stands
        revocation = make_decision(
            specialist,
            grant.application,
            kind="revocation",
            amends=grant,
            valid_from=timezone.localdate(),
            reasoning="Abi vajadus on lõppenud.",
        )
        aid_services.decision_submit(actor=specialist, decision=revocation)
        aid_services.decision_approve(actor=manager, decision=revocation)
        entitlement.refresh_from_db()
        assert not entitlement.is_active and aid_services.remaining(entitlement) == 0


class TestLedger:
    def test_charges_draw_down_and_cannot_exceed_the_cap(self, specialist, case):
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, make_application(specialist, case))
        )
        entitlement = AidEntitlement.objects.get()
        aid_services.entitlement_charge(
            actor=specialist, entitlement=entitlement, kind="commitment", amount=Decimal("362.50"), source=grant
        )
        assert aid_services.remaining(entitlement) == Decimal("137.50")
        with pytest.raises(ValidationError, match="137"):
            aid_services.entitlement_charge(
                actor=specialist, entitlement=entitlement, kind="commitment", amount=Decimal("137.51"), source=grant
            )
        aid_services.entitlement_charge(
            actor=specialist, entitlement=entitlement, kind="release", amount=Decimal("62.50"), source=grant
        )
        assert aid_services.remaining(entitlement) == Decimal("200.00")

    def test_an_amendment_cannot_go_below_what_is_held(self, specialist, case):
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, make_application(specialist, case))
        )
        aid_services.entitlement_charge(
            actor=specialist,
            entitlement=AidEntitlement.objects.get(),
            kind="invoice",
            amount=Decimal("400.00"),
            source=grant,
        )
        with pytest.raises(ValidationError) as error:
            make_decision(specialist, grant.application, kind="amendment", amends=grant, amount_cap=Decimal("300.00"))
        assert "amount_cap" in error.value.message_dict


@pytest.mark.django_db(transaction=True)
def test_concurrent_charges_never_exceed_the_cap():
    import threading

    from django.db import connection

    specialist = make_user("specialist", "pohja")
    case = make_case(specialist)
    grant = aid_services.decision_issue(
        actor=specialist, decision=make_decision(specialist, make_application(specialist, case))
    )
    entitlement = AidEntitlement.objects.get()
    barrier = threading.Barrier(2)
    results = []

    def charge():
        try:
            barrier.wait()
            aid_services.entitlement_charge(
                actor=specialist, entitlement=entitlement, kind="invoice", amount=Decimal("300.00"), source=grant
            )
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=charge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert aid_services.remaining(entitlement) == Decimal("200.00")


class TestDeadlines:
    def test_the_due_date_counts_working_days_and_holidays(self):
        assert add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 6)  # Christmas and New Year
        assert add_working_days(date(2026, 2, 20), 1) == date(2026, 2, 23)
        assert add_working_days(date(2026, 2, 23), 1) == date(2026, 2, 25)  # 24.02 Independence Day

    def test_the_application_gets_its_due_date_from_the_policy(self, specialist, case):
        application = make_application(specialist, case, received_on=date(2025, 12, 19))
        assert application.decision_due_on == date(2026, 1, 8)

    def test_due_and_overdue_decisions_show_on_start_pages_and_are_reminded(
        self,
        client,
        specialist,
        manager,
        case,
        mailoutbox,
        eager_celery,
        django_capture_on_commit_callbacks,
    ):
        from cases.reminders import send_aid_deadline_reminders

        overdue = make_application(specialist, case, received_on=timezone.localdate() - timedelta(days=30))
        client.force_login(specialist)
        assert overdue.reference in client.get("/").content.decode()
        client.force_login(manager)
        assert overdue.reference in client.get("/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_aid_deadline_reminders() == 1
            assert send_aid_deadline_reminders() == 0  # once a day
        recipients = {message.to[0] for message in mailoutbox}
        assert {specialist.email, manager.email} <= recipients


class TestFourEyes:
    """Whoever changed the content of a draft may not approve it (finding 6)."""

    def test_a_manager_who_edited_the_draft_cannot_approve_it(self, specialist, manager, other_manager, case):
        application = make_application(specialist, case)
        partial = make_decision(specialist, application, kind="partial", amount_cap=Decimal("300.00"))
        edited = aid_services.decision_update(
            actor=manager, decision=partial, expected_version=partial.version, amount_cap=Decimal("800.00")
        )
        aid_services.decision_submit(actor=manager, decision=edited)
        with override("en"), pytest.raises(ValidationError, match="changed the content"):
            aid_services.decision_approve(actor=manager, decision=edited)
        stored = AidDecision.objects.get(pk=partial.pk)
        assert stored.status == "submitted" and stored.approved_by is None
        assert set(stored.contributors.all()) == {specialist, manager}
        approved = aid_services.decision_approve(actor=other_manager, decision=edited)
        assert approved.status == "issued" and approved.approved_by == other_manager

    def test_saving_a_draft_without_changes_does_not_make_a_contributor(self, specialist, manager, case):
        partial = make_decision(specialist, make_application(specialist, case), kind="partial")
        unchanged = aid_services.decision_update(
            actor=manager, decision=partial, expected_version=partial.version, reasoning=partial.reasoning
        )
        assert list(unchanged.contributors.all()) == [specialist]
        aid_services.decision_submit(actor=specialist, decision=unchanged)
        assert aid_services.decision_approve(actor=manager, decision=unchanged).status == "issued"

    def test_the_specialist_who_drafted_cannot_approve(self, specialist, case):
        from tests.factories import region
        from victimsupport.services import user_set_roles_and_regions

        application = make_application(specialist, case)
        partial = make_decision(specialist, application, kind="partial")
        aid_services.decision_submit(actor=specialist, decision=partial)
        with pytest.raises(PermissionDenied):
            aid_services.decision_approve(actor=specialist, decision=partial)
        # Even after becoming a regional manager too, the author never approves the draft.
        user_set_roles_and_regions(specialist, roles=["specialist", "regional_manager"], regions=[region("pohja")])
        specialist = type(specialist).objects.get(pk=specialist.pk)
        with override("en"), pytest.raises(ValidationError, match="changed the content"):
            aid_services.decision_approve(actor=specialist, decision=partial)
        assert AidDecision.objects.get(pk=partial.pk).status == "submitted"

    def test_an_editor_is_neither_asked_nor_shown_the_decision_as_waiting_for_them(
        self, client, specialist, manager, other_manager, case
    ):
        from cases.selectors import decisions_waiting_for

        partial = make_decision(specialist, make_application(specialist, case), kind="partial")
        aid_services.decision_update(
            actor=manager, decision=partial, expected_version=partial.version, amount_cap=Decimal("600.00")
        )
        aid_services.decision_submit(actor=specialist, decision=AidDecision.objects.get(pk=partial.pk))
        assert not manager.notifications.exists() and other_manager.notifications.exists()
        assert decisions_waiting_for(manager) == [] and decisions_waiting_for(other_manager) == [partial]
        client.force_login(manager)
        client.cookies["django_language"] = "en"
        assert "you changed it" in client.get("/aid/approvals/").content.decode()

    def test_the_page_disables_approval_for_an_editor_and_says_why(
        self, client, specialist, manager, other_manager, case
    ):
        partial = make_decision(specialist, make_application(specialist, case), kind="partial")
        aid_services.decision_update(
            actor=manager, decision=partial, expected_version=partial.version, amount_cap=Decimal("600.00")
        )
        aid_services.decision_submit(actor=specialist, decision=AidDecision.objects.get(pk=partial.pk))
        client.force_login(manager)
        client.cookies["django_language"] = "en"
        page = client.get(f"/aid/decisions/{partial.pk}/").content.decode()
        assert "You changed the content of this draft" in page
        assert f'action="/aid/decisions/{partial.pk}/approve/"' not in page
        response = client.post(f"/aid/decisions/{partial.pk}/approve/", follow=True)
        assert AidDecision.objects.get(pk=partial.pk).status == "submitted"
        assert any("changed the content" in str(m) for m in response.context["messages"])
        client.force_login(other_manager)
        page = client.get(f"/aid/decisions/{partial.pk}/").content.decode()
        assert f'action="/aid/decisions/{partial.pk}/approve/"' in page
        client.post(f"/aid/decisions/{partial.pk}/approve/")
        assert AidDecision.objects.get(pk=partial.pk).approved_by == other_manager


@pytest.fixture
def caps_2026(db):
    """The 2026 minimum wage change (demo values, to be confirmed against the regulation)."""
    from cases.models import AidCap

    AidCap.objects.create(valid_from=date(2026, 1, 1), amount=Decimal("886.00"), note="to be confirmed")
    AidCap.objects.create(valid_from=date(2026, 4, 1), amount=Decimal("946.00"), note="to be confirmed")


def on_day(monkeypatch, day: date) -> None:
    """Make `day` today for the services (the decision date is the day of issue)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


class TestCapByDecisionDate:
    def test_the_cap_in_force_changes_on_its_effective_date(self, caps_2026):
        assert selectors.cap_on(date(2025, 12, 31)) == Decimal("886.00")
        assert selectors.cap_on(date(2026, 3, 31)) == Decimal("886.00")
        assert selectors.cap_on(date(2026, 4, 1)) == Decimal("946.00")
        assert selectors.cap_on(date(2024, 12, 31)) == Decimal("820.00")
        assert selectors.cap_on(date(2022, 12, 31)) is None

    def test_a_decision_dated_31_march_2026_gets_886(self, monkeypatch, caps_2026, specialist, case):
        on_day(monkeypatch, date(2026, 3, 31))
        application = make_application(specialist, case, received_on=date(2026, 3, 20))
        with pytest.raises(ValidationError) as error:
            make_decision(specialist, application, amount_cap=Decimal("946.00"))
        assert "886" in error.value.message_dict["amount_cap"][0]
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, application, amount_cap=Decimal("886.00"))
        )
        assert grant.decision_date == date(2026, 3, 31) and grant.cap_in_force == Decimal("886.00")

    def test_a_decision_dated_1_april_2026_gets_946(self, monkeypatch, caps_2026, specialist, case):
        # Received in March: the application date does not decide the cap, the decision date does.
        on_day(monkeypatch, date(2026, 4, 1))
        application = make_application(specialist, case, received_on=date(2026, 3, 20))
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, application, amount_cap=Decimal("946.00"))
        )
        assert grant.decision_date == date(2026, 4, 1) and grant.cap_in_force == Decimal("946.00")
        assert AidEntitlement.objects.get(decision=grant).cap == Decimal("946.00")

    def test_a_draft_is_checked_again_against_the_cap_of_the_day_it_is_issued(
        self, monkeypatch, caps_2026, specialist, manager, case
    ):
        on_day(monkeypatch, date(2026, 3, 31))
        application = make_application(specialist, case, received_on=date(2026, 3, 20))
        partial = make_decision(specialist, application, kind="partial", amount_cap=Decimal("886.00"))
        assert partial.cap_in_force == Decimal("886.00")
        aid_services.decision_submit(actor=specialist, decision=partial)
        on_day(monkeypatch, date(2026, 4, 1))
        approved = aid_services.decision_approve(actor=manager, decision=partial)
        assert approved.decision_date == date(2026, 4, 1) and approved.cap_in_force == Decimal("946.00")

    def test_a_missing_cap_gives_a_clear_message(self, client, monkeypatch, specialist, case):
        from cases.models import AidCap

        application = make_application(specialist, case)
        draft = make_decision(specialist, application)
        other = make_application(specialist, case)
        AidCap.objects.all().delete()
        with override("en"), pytest.raises(ValidationError) as error:
            make_decision(specialist, other)
        message = error.value.message_dict["amount_cap"][0]
        assert "no aid cap" in message and timezone.localdate().strftime("%d.%m.%Y") in message
        client.force_login(specialist)
        assert client.get(f"/aid/applications/{application.pk}/decisions/new/").status_code == 200
        response = client.post(f"/aid/decisions/{draft.pk}/issue/", follow=True)
        assert response.status_code == 200
        assert AidDecision.objects.get(pk=draft.pk).status == "draft"
        assert not AidEntitlement.objects.exists()

    def test_an_issued_decision_keeps_its_cap_when_a_new_amount_is_entered_later(
        self, monkeypatch, caps_2026, specialist, case
    ):
        from cases.models import AidCap

        on_day(monkeypatch, date(2026, 3, 31))
        application = make_application(specialist, case, received_on=date(2026, 3, 20))
        grant = aid_services.decision_issue(
            actor=specialist, decision=make_decision(specialist, application, amount_cap=Decimal("886.00"))
        )
        # Later an administrator enters a (retroactive) amount for March.
        AidCap.objects.create(valid_from=date(2026, 3, 1), amount=Decimal("900.00"), note="correction")
        assert selectors.cap_on(date(2026, 3, 31)) == Decimal("900.00")
        grant = AidDecision.objects.get(pk=grant.pk)
        assert grant.cap_in_force == Decimal("886.00") and grant.amount_cap == Decimal("886.00")
        assert AidEntitlement.objects.get(decision=grant).cap == Decimal("886.00")
