"""The monthly expense report: built from the entries, each trip at the rate of its day, capped at the
limit, submitted, returned or approved by the supervisor, paid once in a pain.001 file."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_case, make_user
from tests.volunteers.test_assignments import make_volunteer
from victimsupport.models import Notification
from volunteers.models import ActivityEntry, ExpensePayment, ExpenseReport, ExpenseRule, ReportStatus
from volunteers.services import assignments as assignment_services
from volunteers.services import expenses

pytestmark = pytest.mark.django_db

IBAN = "EE382200221020145685"


def last_month() -> date:
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


@pytest.fixture
def coordinator(db):
    return make_user("coordinator", "pohja")


@pytest.fixture
def organiser(db):
    return make_user("service_organiser", "pohja")


@pytest.fixture
def world(specialist, manager, coordinator):
    case = make_case(specialist)
    volunteer = make_volunteer(coordinator, iban=IBAN, supervisor=specialist)
    month = last_month()
    assignment = assignment_services.assignment_create(
        actor=manager,
        case=case,
        volunteer=volunteer,
        starts_on=month,
        ends_on=timezone.localdate() + timedelta(days=60),
        tasks="Tugi",
    )
    return {"volunteer": volunteer, "assignment": assignment, "month": month, "case": case}


def trip(world, day: date, km: str, *, call_minutes: int = 0) -> ActivityEntry:
    return assignment_services.activity_add(
        actor=world["volunteer"].user,
        assignment=world["assignment"],
        happened_on=day,
        duration_minutes=60,
        kind="meeting",
        trip_from="Tallinn" if km != "0" else "",
        trip_to="Keila" if km != "0" else "",
        km=Decimal(km),
        call_minutes=call_minutes,
        note="",
    )


def submit(world) -> ExpenseReport:
    return expenses.expense_report_submit(actor=world["volunteer"].user, month=world["month"], confirmed=True)


def test_each_trip_at_the_rate_of_its_day_when_the_rate_changes_mid_month(world):
    month = world["month"]
    ExpenseRule.objects.create(
        effective_from=month.replace(day=15), km_rate=Decimal("0.300"), monthly_limit=Decimal("335.00")
    )
    trip(world, month.replace(day=10), "20")  # 20 km at 0.20
    trip(world, month.replace(day=20), "10")  # 10 km at 0.30
    report = submit(world)
    assert (report.km, report.travel_amount, report.amount) == (Decimal("30.0"), Decimal("7.00"), Decimal("7.00"))
    assert report.status == ReportStatus.SUBMITTED and report.iban == IBAN


def test_the_amount_is_capped_at_the_limit_with_a_clear_message(client, world):
    month = world["month"]
    ExpenseRule.objects.create(effective_from=month, km_rate=Decimal("0.200"), monthly_limit=Decimal("5.00"))
    trip(world, month.replace(day=3), "40")  # 8.00 computed
    client.force_login(world["volunteer"].user)
    page = client.get("/volunteers/my/month/", {"month": f"{month:%Y-%m}"})
    assert page.context["figures"].capped
    assert "5,00" in page.content.decode() and "8,00" in page.content.decode()
    report = submit(world)
    assert (report.computed_amount, report.limit, report.amount) == (Decimal("8.00"), Decimal("5.00"), Decimal("5.00"))
    assert report.capped


def test_a_month_with_no_activity_has_nothing_to_submit(world):
    with pytest.raises(ValidationError) as refused:
        submit(world)
    assert "Nothing was logged" in str(refused.value) or "midagi" in str(refused.value)
    assert not ExpenseReport.objects.exists()


def test_a_month_is_submitted_only_once_it_has_ended_and_only_confirmed(world):
    trip(world, timezone.localdate(), "5")
    with pytest.raises(ValidationError):
        expenses.expense_report_submit(
            actor=world["volunteer"].user, month=timezone.localdate().replace(day=1), confirmed=True
        )
    trip(world, world["month"].replace(day=2), "5")
    with pytest.raises(ValidationError) as unconfirmed:
        expenses.expense_report_submit(actor=world["volunteer"].user, month=world["month"], confirmed=False)
    assert "confirmed" in unconfirmed.value.message_dict


def test_entries_are_locked_once_submitted_and_open_again_when_returned(world, specialist):
    entry = trip(world, world["month"].replace(day=5), "12")
    report = submit(world)
    with pytest.raises(ValidationError):
        assignment_services.activity_update(
            actor=world["volunteer"].user, entry=entry, expected_version=entry.version, km=Decimal("99")
        )
    with pytest.raises(ValidationError):
        trip(world, world["month"].replace(day=6), "3")
    expenses.expense_report_return(
        actor=specialist, report=report, expected_version=report.version, comment="Sõidu sihtkoht puudub"
    )
    assert Notification.objects.filter(user=world["volunteer"].user).exists()
    entry.refresh_from_db()
    assignment_services.activity_update(
        actor=world["volunteer"].user, entry=entry, expected_version=entry.version, km=Decimal("14")
    )
    report = submit(world)
    assert report.km == Decimal("14.0") and report.status == ReportStatus.SUBMITTED
    expenses.expense_report_approve(actor=specialist, report=report, expected_version=report.version)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED and report.decided_by == specialist


def test_only_the_supervisor_or_a_manager_decides_and_never_the_volunteer(world, colleague, coordinator):
    trip(world, world["month"].replace(day=5), "12")
    report = submit(world)
    for outsider in (colleague, world["volunteer"].user):
        with pytest.raises(PermissionDenied):
            expenses.expense_report_approve(actor=outsider, report=report, expected_version=report.version)
    expenses.expense_report_approve(actor=coordinator, report=report, expected_version=report.version)


def test_who_sees_a_report(client, world, specialist, colleague, coordinator, organiser):
    trip(world, world["month"].replace(day=5), "12")
    report = submit(world)
    for user, status in ((specialist, 200), (coordinator, 200), (organiser, 200), (colleague, 404)):
        client.force_login(user)
        assert client.get(f"/volunteers/reports/{report.pk}/").status_code == status, user
    other = make_volunteer(coordinator, email="teine@example.invalid", last_name="Teine")
    client.force_login(other.user)
    assert client.get(f"/volunteers/reports/{report.pk}/").status_code == 404
    client.force_login(world["volunteer"].user)
    own = client.get(f"/volunteers/reports/{report.pk}/")
    assert own.status_code == 200 and not own.context["can_decide"]
    client.force_login(specialist)
    assert world["volunteer"].full_name in client.get("/").content.decode()  # waiting for approval
    client.force_login(other.user)
    assert "12" not in client.get("/volunteers/my/month/", {"month": f"{world['month']:%Y-%m}"}).context["totals"]


def test_approved_reports_are_paid_once_in_a_valid_pain001_file(client, world, specialist, organiser):
    trip(world, world["month"].replace(day=5), "50")
    report = submit(world)
    expenses.expense_report_approve(actor=specialist, report=report, expected_version=report.version)
    client.force_login(organiser)
    page = client.get("/volunteers/payments/")
    assert page.status_code == 200 and world["volunteer"].full_name in page.content.decode()
    response = client.post("/volunteers/payments/", {"execution_date": timezone.localdate().strftime("%d.%m.%Y")})
    assert response.status_code == 302
    payment = ExpensePayment.objects.get()
    xml = payment.xml_file.open("rb").read().decode()
    assert IBAN in xml and '<InstdAmt Ccy="EUR">10.00</InstdAmt>' in xml
    report.refresh_from_db()
    assert report.status == ReportStatus.SENT_FOR_PAYMENT and report.export == payment
    with pytest.raises(ValidationError):
        expenses.expense_payments_export(actor=organiser)
    assert client.get(f"/volunteers/payments/{payment.pk}/xml/").status_code == 200
    assert client.get(f"/volunteers/payments/{payment.pk}/csv/").status_code == 200


def test_reminders_before_the_deadline_and_overdue_after_it(world, specialist):
    trip(world, world["month"].replace(day=5), "12")
    due = expenses.month_end(world["month"]) + timedelta(days=10)  # the 10th of the next month
    assert expenses.expense_reminders(today=due - timedelta(days=3)) == 1
    assert Notification.objects.filter(user=world["volunteer"].user).count() == 1
    assert expenses.expense_reminders(today=due) == 0
    assert expenses.expense_reminders(today=due + timedelta(days=1)) == 1
    assert Notification.objects.filter(user=specialist, message__contains="has not submitted").count() == 1
    submit(world)
    assert expenses.expense_reminders(today=due + timedelta(days=1)) == 0


def test_the_volunteer_submits_from_my_month(client, world):
    trip(world, world["month"].replace(day=5), "12")
    client.force_login(world["volunteer"].user)
    page = client.get("/volunteers/my/month/", {"month": f"{world['month']:%Y-%m}"})
    assert page.context["can_submit"]
    refused = client.post("/volunteers/my/month/submit/", {"month": world["month"].isoformat()}, follow=True)
    assert not ExpenseReport.objects.exists()
    assert [m.level_tag for m in refused.context["messages"]][-1] == "error"
    response = client.post("/volunteers/my/month/submit/", {"month": world["month"].isoformat(), "confirmed": "on"})
    assert response.status_code == 302
    assert ExpenseReport.objects.get().status == ReportStatus.SUBMITTED


def test_the_overview_counts_approved_costs_by_volunteer_region_and_month(world, specialist, coordinator):
    from volunteers.selectors import activity_overview

    trip(world, world["month"].replace(day=5), "50")
    report = submit(world)
    expenses.expense_report_approve(actor=specialist, report=report, expected_version=report.version)
    figures = activity_overview(coordinator, year=world["month"].year)
    assert figures["per_volunteer"][0]["costs"] == Decimal("10.00")
    assert [row["costs"] for row in figures["per_region"]] == [Decimal("10.00")]
    month_row = next(row for row in figures["per_month"] if row["month"] == world["month"])
    assert month_row["costs"] == Decimal("10.00")
