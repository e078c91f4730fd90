"""Invoices: every check with a line that passes and one that fails, the checker's decisions, approval by a
second person, concurrent approval against the cap, payment export, CSV import, the budget."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import xmlschema
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from cases.services import aid as aid_services
from referrals.models import Invoice, InvoiceLine, ProviderSpecialist, Tariff
from referrals.services import invoices as invoice_services
from referrals.services import payments as payment_services
from referrals.services import referrals as referral_services
from tests.factories import make_aid, make_case, make_provider, make_referral, make_user
from tests.factories import make_invoice_line as add_line
from tests.referrals.conftest import approve_concurrently

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(specialist, case):
    grant = make_aid(specialist, case)[2]  # cap 500.00
    return make_referral(specialist, grant, make_provider(), amount="362.50")


def new_invoice(organiser, referral, number="A-1"):
    return invoice_services.invoice_create(
        actor=organiser, referral=referral, number=number, invoice_date=timezone.localdate()
    )


class TestChecks:
    def test_a_clean_line_passes_every_check(self, organiser, referral):
        line = add_line(organiser, new_invoice(organiser, referral))
        assert line.findings == []

    def test_a_session_outside_the_referrals_validity(self, organiser, referral):
        line = add_line(
            organiser, new_invoice(organiser, referral), session_date=referral.valid_from - timedelta(days=1)
        )
        line.refresh_from_db()
        assert "outside_validity" in line.findings

    def test_a_session_after_the_invoice_date_had_not_taken_place_when_it_was_billed(self, organiser, referral):
        invoice = invoice_services.invoice_create(
            actor=organiser, referral=referral, number="F-1", invoice_date=referral.valid_from + timedelta(days=5)
        )
        on_the_day = add_line(organiser, invoice, session_date=invoice.invoice_date)
        later = add_line(organiser, invoice, session_date=invoice.invoice_date + timedelta(days=1))
        on_the_day.refresh_from_db(), later.refresh_from_db()
        assert on_the_day.findings == [] and later.findings == ["after_invoice_date"]

    def test_a_specialist_of_another_provider(self, organiser, referral):
        other = make_provider(name="Muu OÜ", registry_code="10000019").specialists.first()
        line = add_line(organiser, new_invoice(organiser, referral), specialist=other)
        line.refresh_from_db()
        assert "specialist_not_at_provider" in line.findings

    def test_a_specialist_not_qualified_for_the_service(self, organiser, referral):
        ProviderSpecialist.objects.filter(pk=referral.provider.specialists.first().pk).update(
            licence_valid_until=referral.valid_from - timedelta(days=1)
        )
        line = add_line(organiser, new_invoice(organiser, referral))
        line.refresh_from_db()
        assert "not_qualified" in line.findings

    def test_the_rate_against_the_tariff_valid_on_the_session_date(self, organiser, referral):
        contract = referral.provider.contracts.first()
        change = referral.valid_from + timedelta(days=10)
        Tariff.objects.create(
            contract=contract, service="counselling", hourly_rate=Decimal("80.00"), effective_from=change
        )
        invoice = new_invoice(organiser, referral)
        before = add_line(organiser, invoice, rate=Decimal("80.00"), amount=Decimal("80.00"))
        after = add_line(organiser, invoice, session_date=change, rate=Decimal("80.00"), amount=Decimal("80.00"))
        before.refresh_from_db()
        after.refresh_from_db()
        assert "rate_above_tariff" in before.findings and "rate_above_tariff" not in after.findings

    def test_the_amount_is_rate_times_duration(self, organiser, referral):
        line = add_line(organiser, new_invoice(organiser, referral), duration_minutes=45, amount=Decimal("60.00"))
        line.refresh_from_db()
        assert "amount_mismatch" in line.findings
        good = add_line(
            organiser,
            line.invoice,
            session_date=referral.valid_from + timedelta(days=1),
            duration_minutes=45,
            amount=Decimal("54.38"),
        )
        good.refresh_from_db()
        assert good.findings == []  # 72.50 * 45 / 60 = 54.375 -> 54.38

    def test_the_total_within_the_remaining_cap(self, organiser, referral):
        invoice = new_invoice(organiser, referral)
        lines = [
            add_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=day)) for day in range(7)
        ]  # 7 x 72.50 = 507.50 > 500.00 left in all
        for line in lines:
            line.refresh_from_db()
        assert [("over_cap" in line.findings) for line in lines] == [False] * 6 + [True]

    def test_an_invoice_number_is_used_once_per_provider(self, organiser, referral):
        new_invoice(organiser, referral, number="A-1")
        with pytest.raises(ValidationError) as error:
            new_invoice(organiser, referral, number="A-1")
        assert "number" in error.value.message_dict
        other = make_referral(
            referral.created_by,
            referral.decision,
            make_provider(name="Muu", registry_code="10000019"),
            amount="10.00",
            letter=False,
        )
        assert new_invoice(organiser, other, number="A-1").number == "A-1"  # another provider may use it

    def test_a_session_billed_twice(self, organiser, second_organiser, referral):
        first = add_line(organiser, new_invoice(organiser, referral, number="A-1"))
        second = add_line(organiser, new_invoice(organiser, referral, number="A-2"))
        second.refresh_from_db()
        assert "duplicate_session" in second.findings
        invoice_services.line_decide(actor=organiser, line=first, decision="accepted")
        with override("en"), pytest.raises(ValidationError, match="another invoice"):
            invoice_services.line_decide(actor=organiser, line=second, decision="accepted", reason="kindlasti")
        invoice_services.line_decide(actor=organiser, line=second, decision="rejected", reason="Topelt")


class TestWorkflow:
    def test_decisions_need_reasons(self, organiser, referral):
        line = add_line(organiser, new_invoice(organiser, referral), rate=Decimal("99.00"), amount=Decimal("99.00"))
        line.refresh_from_db()
        with pytest.raises(ValidationError):  # findings: accepting needs a reason
            invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
        with pytest.raises(ValidationError):  # a reduction must be less than claimed
            invoice_services.line_decide(
                actor=organiser, line=line, decision="reduced", accepted_amount=Decimal("99.00"), reason="x"
            )
        line = invoice_services.line_decide(
            actor=organiser, line=line, decision="reduced", accepted_amount=Decimal("72.50"), reason="Lepingu hind"
        )
        assert line.accepted_amount == Decimal("72.50")

    def test_check_then_a_second_person_approves_and_the_aid_is_drawn_to_the_cent(
        self,
        organiser,
        second_organiser,
        manager,
        referral,
    ):
        invoice = new_invoice(organiser, referral)
        lines = [add_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=d)) for d in range(3)]
        with pytest.raises(ValidationError):  # every line must be decided first
            invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
        invoice_services.line_decide(actor=organiser, line=lines[0], decision="accepted")
        invoice_services.line_decide(
            actor=organiser, line=lines[1], decision="reduced", accepted_amount=Decimal("50.25"), reason="Lühem seanss"
        )
        invoice_services.line_decide(actor=organiser, line=lines[2], decision="rejected", reason="Ei toimunud")
        invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
        with override("en"), pytest.raises(ValidationError, match="Nobody approves"):
            invoice_services.invoice_approve(actor=organiser, invoice=invoice)
        invoice = invoice_services.invoice_approve(actor=second_organiser, invoice=invoice)
        assert invoice.approved_total == Decimal("122.75")
        entitlement = referral.entitlement
        assert aid_services.charged(entitlement) == Decimal("362.50")  # 240.25 still held + 122.75 invoiced
        assert aid_services.remaining(entitlement) == Decimal("137.50")

    def test_a_manager_of_the_region_may_approve(self, organiser, manager, referral):
        invoice = new_invoice(organiser, referral)
        invoice_services.line_decide(actor=organiser, line=add_line(organiser, invoice), decision="accepted")
        invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
        assert invoice_services.invoice_approve(actor=manager, invoice=invoice).status == "approved"

    def test_a_specialist_cannot_approve_or_reject(self, organiser, specialist, referral):
        invoice = new_invoice(organiser, referral)
        with pytest.raises(PermissionDenied):
            invoice_services.invoice_reject(actor=specialist, invoice=invoice, reason="x")

    def test_the_person_is_named_only_to_those_who_may_see_the_case(self, client, organiser, manager, referral):
        invoice = new_invoice(organiser, referral)
        client.force_login(organiser)
        page = client.get(f"/referrals/invoices/{invoice.pk}/")
        assert page.status_code == 200 and not page.context["sees_person"]
        assert referral.entitlement.person.full_name not in page.content.decode()
        client.force_login(manager)
        assert (
            referral.entitlement.person.full_name in client.get(f"/referrals/invoices/{invoice.pk}/").content.decode()
        )

    def test_overdue_invoices_show_to_the_service_organiser(self, client, organiser, referral):
        invoice = invoice_services.invoice_create(
            actor=organiser,
            referral=referral,
            number="V-1",
            invoice_date=timezone.localdate() - timedelta(days=60),
            received_on=timezone.localdate() - timedelta(days=40),
        )
        assert invoice.due_on == invoice.received_on + timedelta(days=30) and invoice.is_overdue
        client.force_login(organiser)
        assert "V-1" in client.get("/").content.decode()
        assert [i.number for i in client.get("/referrals/invoices/", {"overdue": "on"}).context["page"].items] == [
            "V-1"
        ]


@pytest.mark.django_db(transaction=True)
def test_two_invoices_that_together_exceed_the_cap_cannot_both_be_approved():
    specialist = make_user("specialist", "pohja")
    organiser = make_user("service_organiser", "pohja")
    approvers = [make_user("service_organiser", "pohja"), make_user("service_organiser", "pohja")]
    case = make_case(specialist)
    grant = make_aid(specialist, case)[2]  # 500.00
    provider = make_provider()
    # Two referrals completed (what they held went back to the aid), then a third holds 250.00: invoices
    # that arrive late on the first two draw on the 250.00 left, each within its referral's scope.
    referrals = [
        make_referral(specialist, grant, provider, amount=amount, letter=False) for amount in ("290.00", "200.00")
    ]
    for referral in referrals:
        referral_services.referral_close(actor=specialist, referral=referral, status="completed")
    make_referral(specialist, grant, provider, amount="250.00", letter=False)
    invoices = []
    for index, (referral, day) in enumerate(zip(referrals, (0, 10), strict=True)):
        invoice = new_invoice(organiser, referral, number=f"C-{index}")
        for offset in range(2):  # 2 x 72.50 = 145.00 each; 290.00 together > 250.00
            line = add_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=day + offset))
            invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
        invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
        invoices.append(invoice)
    assert approve_concurrently(invoices, approvers) == ["approved", "refused"]
    assert aid_services.charged(grant.entitlement) <= Decimal("500.00")
    assert Invoice.objects.filter(status="approved").count() == 1


class TestPayments:
    def approved(self, organiser, second_organiser, referral, number="P-1", days=(0,)):
        invoice = new_invoice(organiser, referral, number=number)
        for day in days:
            line = add_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=day))
            invoice_services.line_decide(actor=organiser, line=line, decision="accepted")
        invoice_services.invoice_mark_checked(actor=organiser, invoice=invoice)
        return invoice_services.invoice_approve(actor=second_organiser, invoice=invoice)

    def test_export_csv_and_a_valid_pain001_each_invoice_once(self, organiser, second_organiser, referral):
        self.approved(organiser, second_organiser, referral, "P-1", days=(0, 1))
        self.approved(organiser, second_organiser, referral, "P-2", days=(2,))
        export = payment_services.payments_export(actor=organiser)
        assert export.total == Decimal("217.50")
        with export.xml_file.open("rb") as handle:
            xml = handle.read()
        import sepaxml

        schema = xmlschema.XMLSchema(f"{sepaxml.__path__[0]}/schemas/pain.001.001.03.xsd")
        schema.validate(xml)
        assert b"<CtrlSum>217.50</CtrlSum>" in xml and b"EE382200221020145685" in xml
        with export.csv_file.open("rb") as handle:
            rows = handle.read().decode("utf-8-sig").strip().splitlines()
        assert len(rows) == 3 and rows[1].endswith(";145.00") and rows[2].endswith(";72.50")
        assert set(Invoice.objects.values_list("status", flat=True)) == {"sent"}
        with pytest.raises(ValidationError):  # nothing left to export: each invoice goes once
            payment_services.payments_export(actor=organiser)
        invoice = Invoice.objects.get(number="P-1")
        invoice_services.invoice_mark_paid(actor=organiser, invoice=invoice, paid_on=timezone.localdate())
        assert Invoice.objects.get(number="P-1").status == "paid"

    def test_the_budget_view(self, client, organiser, second_organiser, referral):
        from referrals.models import YearlyBudget

        YearlyBudget.objects.create(year=timezone.localdate().year, amount=Decimal("10000.00"))
        self.approved(organiser, second_organiser, referral, "B-1", days=(0,))
        client.force_login(organiser)
        context = client.get("/referrals/budget/").context
        assert context["totals"]["invoiced"] == Decimal("72.50")
        assert context["totals"]["committed"] == Decimal("290.00")  # 362.50 held less 72.50 moved to the invoice
        assert context["left"] == Decimal("9637.50")
        page = client.get("/referrals/budget/").content.decode()
        assert "9637,50" in page.replace("\xa0", "").replace(" ", "")

    def test_the_budget_view_without_a_budget_says_so_instead_of_a_negative_remainder(
        self, client, organiser, second_organiser, referral
    ):
        self.approved(organiser, second_organiser, referral, "B-1", days=(0,))
        client.force_login(organiser)
        page = client.get("/referrals/budget/").content.decode()
        assert "<dd>sisestamata</dd>" in page and "Selle aasta eelarvet ei ole sisestatud" in page
        assert "362,50" not in page and "<dt>Jääk</dt>" not in page  # no remainder of a budget never entered

    def test_a_referral_counts_in_the_local_month_it_was_made(self, organiser, referral):
        from referrals.models import Referral
        from referrals.selectors import budget

        # 00:30 on 1 December in Tallinn is still 30 November in UTC.
        Referral.objects.filter(pk=referral.pk).update(created_at=datetime(2026, 11, 30, 22, 30, tzinfo=UTC))
        assert [(line["month"], line["committed"]) for line in budget(organiser, 2026)["lines"]] == [
            (date(2026, 12, 1), Decimal("362.50"))
        ]


class TestImport:
    HEADER = (
        "invoice_number;invoice_date;referral_number;session_date;start_time;duration_minutes;"
        "specialist_licence;service;rate;amount\n"
    )

    def rows(self, referral, *extra):
        licence = referral.provider.specialists.first().licence_number
        start = referral.valid_from
        lines = [
            f"I-7;{timezone.localdate():%d.%m.%Y};{referral.number};{start + timedelta(days=d):%d.%m.%Y};"
            f"10:00;60;{licence};counselling;72,50;72,50"
            for d in range(2)
        ]
        return (self.HEADER + "\n".join([*lines, *extra]) + "\n").encode()

    def test_a_good_file_becomes_checked_invoices(self, client, organiser, referral):
        client.force_login(organiser)
        response = client.post(
            "/referrals/invoices/import/", {"provider": referral.provider_id, "file": _upload(self.rows(referral))}
        )
        assert response.status_code == 302
        invoice = Invoice.objects.get(number="I-7")
        assert invoice.lines.count() == 2 and all(line.findings == [] for line in invoice.lines.all())

    def test_a_bad_row_stops_the_import_with_its_row_number(self, client, organiser, referral):
        client.force_login(organiser)
        bad = f"I-7;xx.11.2026;{referral.number};01.01.2026;10:00;60;nobody;counselling;72,50;72,50"
        response = client.post(
            "/referrals/invoices/import/", {"provider": referral.provider_id, "file": _upload(self.rows(referral, bad))}
        )
        assert response.status_code == 400
        assert [row for row, _ in response.context["result"].errors] == [4]
        assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


def _upload(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("arved.csv", content, content_type="text/csv")


class TestAcceptPassed:
    def test_one_button_accepts_the_sessions_that_passed_and_leaves_the_rest(self, client, organiser, referral):
        invoice = new_invoice(organiser, referral)
        clean = [add_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=d)) for d in (0, 7)]
        doubtful = add_line(organiser, invoice, session_date=referral.valid_from - timedelta(days=1))
        doubtful.refresh_from_db()
        assert doubtful.findings
        client.force_login(organiser)
        page = client.get(f"/referrals/invoices/{invoice.pk}/").content.decode()
        assert "Aktsepteeri 2 kõiki kontrolle läbinud seanssi" in page
        # A session with a finding does not start at "accept": the checker chooses.
        assert f'<select name="decision" id="decision-{doubtful.pk}"><option value="" selected>' in page
        assert f'<select name="decision" id="decision-{clean[0].pk}"><option value="accepted">' in page

        response = client.post(f"/referrals/invoices/{invoice.pk}/lines/accept-passed/", follow=True)
        assert "2 seanssi aktsepteeriti." in response.content.decode()
        statuses = dict(invoice.lines.values_list("pk", "status"))
        assert statuses == {clean[0].pk: "accepted", clean[1].pk: "accepted", doubtful.pk: "pending"}
        assert all(line.decided_by == organiser for line in invoice.lines.filter(status="accepted"))
        # Choosing nothing for the doubtful one is refused with a message, and changes nothing.
        response = client.post(
            f"/referrals/invoices/{invoice.pk}/lines/{doubtful.pk}/decision/", {"decision": ""}, follow=True
        )
        assert response.status_code == 200
        doubtful.refresh_from_db()
        assert doubtful.status == "pending"
        page = client.get(f"/referrals/invoices/{invoice.pk}/").content.decode()
        assert "läbinud seans" not in page  # nothing left that passed

    def test_a_session_the_referral_no_longer_covers_stays_for_the_checker(self, organiser, referral):
        invoice = new_invoice(organiser, referral)
        lines = [add_line(organiser, invoice, session_date=referral.valid_from + timedelta(days=d)) for d in range(6)]
        passed = [line.pk for line in lines if not InvoiceLine.objects.get(pk=line.pk).findings]
        accepted, left = invoice_services.lines_accept_passed(actor=organiser, invoice=invoice)
        assert accepted == 5 and accepted + left == len(passed)  # 5 x 72.50 is the referral's 362.50
        assert invoice.lines.filter(status="accepted").count() == 5


def test_an_invoice_of_a_provider_without_specialists_says_what_to_do_first(client, organiser, referral):
    invoice = new_invoice(organiser, referral)
    client.force_login(organiser)
    page = client.get(f"/referrals/invoices/{invoice.pk}/").content.decode()
    notice = "Teenuseosutajal Hingerahu OÜ pole veel ühtegi spetsialisti kirjas"
    assert notice not in page
    ProviderSpecialist.objects.filter(provider=referral.provider).delete()
    page = client.get(f"/referrals/invoices/{invoice.pk}/").content.decode()
    assert notice in page and f'href="/referrals/providers/{referral.provider_id}/"' in page
