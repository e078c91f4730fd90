"""The monthly figures, checked exactly on a known data set: new and returning clients across a year
boundary, a case transferred between regions, and this year's aid, referrals, invoices, volunteers' work
and MARAC referrals."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from cases.models import Case
from cases.services import cases as case_services
from cases.services import work as work_services
from cases.services.anonymous import anonymous_contact_add
from reporting.figures import compute_year
from reporting.models import MonthlyFigure
from reporting.periods import Period
from reporting.selectors import Scope, figure_sums
from tests.factories import make_aid, make_case, make_person, make_user, region
from victimsupport.models import County

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def figures(year: int) -> dict:
    """{(month number, region code, county code, measure, category): value} of the year."""
    rows = MonthlyFigure.objects.filter(month__year=year).select_related("region", "county")
    return {
        (row.month.month, row.region.code, row.county.code if row.county else None, row.measure, row.category): (
            row.value
        )
        for row in rows
    }


def of(found: dict, measure: str) -> dict:
    return {key[:3] + key[4:]: value for key, value in found.items() if key[3] == measure}


def contact(actor, case, day, *, channel="phone", kind="counselling"):
    return work_services.contact_add(
        actor=actor, case=case, happened_at=at(day), duration_minutes=45, channel=channel, kind=kind
    )


@pytest.fixture
def known(specialist):
    """Two years ago (Y0) and last year (Y1):
    - A (woman, 1990, Estonian): case opened 02.03.Y0 in Harju, two contacts in Y0, one on 15.01.Y1; a second
      case opened 01.06.Y1;
    - B (man, 2010, Russian): case opened 20.12.Y0 in Harju, contact 05.01.Y1, transferred to Tartu on
      10.01.Y1, contact 20.01.Y1 there;
    - C (woman, 1950): case opened 03.02.Y1 in Tartu by a Lõuna specialist."""
    y0 = timezone.localdate().year - 2
    y1 = y0 + 1
    south = make_user("specialist", "louna")
    a = make_person(specialist, first_name="Anna", birth=date(1990, 5, 1), language="et")
    b = make_person(specialist, first_name="Boris", birth=date(2010, 7, 1), female=False, language="ru")
    c = make_person(south, first_name="Cecilia", birth=date(1950, 1, 2))
    a1 = make_case(specialist, client=a, county_code="harju", opened_on=date(y0, 3, 2))
    contact(specialist, a1, date(y0, 3, 10))
    contact(specialist, a1, date(y0, 4, 2), channel="in_person", kind="information")
    contact(specialist, a1, date(y1, 1, 15))
    make_case(specialist, client=a, county_code="harju", opened_on=date(y1, 6, 1), incident_type="sexual_violence")
    b1 = make_case(specialist, client=b, county_code="harju", opened_on=date(y0, 12, 20), incident_type="property")
    contact(specialist, b1, date(y1, 1, 5))
    case_services.case_transfer(
        actor=specialist, case=b1, region=region("louna"), county=County.objects.get(code="tartu"), responsible=south
    )
    # The case was opened on 20.12.Y0 and transferred on 10.01.Y1 (the history records when a region changed).
    Case.history.filter(id=b1.pk, region=region("pohja")).update(history_date=at(date(y0, 12, 20)))
    Case.history.filter(id=b1.pk, region=region("louna")).update(history_date=at(date(y1, 1, 10), 12))
    contact(south, b1, date(y1, 1, 20), channel="in_person")
    make_case(south, client=c, region_code="louna", county_code="tartu", opened_on=date(y1, 2, 3))
    anonymous_contact_add(
        actor=specialist,
        region=region("pohja"),
        happened_at=at(date(y1, 3, 3)),
        incident_type="domestic_violence",
        channel="phone",
        duration_minutes=10,
    )
    return y0, y1


def test_clients_count_once_a_year_new_or_returning_where_the_case_was_then(known):
    y0, y1 = known
    compute_year(y0)
    compute_year(y1)
    first, second = figures(y0), figures(y1)
    # Y0: A new in March, B new in December, both in Harju.
    assert of(first, "clients") == {(3, "pohja", "harju", "new"): 1, (12, "pohja", "harju", "new"): 1}
    # Y1: A returning (first service the contact of 15.01), B returning where his case was on 05.01 (Harju),
    # C new in Tartu. A's second case does not count her again.
    assert of(second, "clients") == {
        (1, "pohja", "harju", "returning"): 2,
        (2, "louna", "tartu", "new"): 1,
    }
    assert of(second, "clients_by_sex") == {
        (1, "pohja", "harju", "F"): 1,
        (1, "pohja", "harju", "M"): 1,
        (2, "louna", "tartu", "F"): 1,
    }
    assert of(first, "clients_by_age") == {(3, "pohja", "harju", "27-64"): 1, (12, "pohja", "harju", "0-17"): 1}
    assert of(second, "clients_by_age") == {
        (1, "pohja", "harju", "27-64"): 1,
        (1, "pohja", "harju", "0-17"): 1,
        (2, "louna", "tartu", "65+"): 1,
    }
    assert of(second, "clients_by_language") == {
        (1, "pohja", "harju", "et"): 1,
        (1, "pohja", "harju", "ru"): 1,
        (2, "louna", "tartu", "et"): 1,
    }
    assert of(second, "clients_by_crime") == {
        (1, "pohja", "harju", "domestic_violence"): 1,
        (1, "pohja", "harju", "property"): 1,
        (2, "louna", "tartu", "domestic_violence"): 1,
    }


def test_cases_count_where_they_were_opened_and_work_where_the_case_was_then(known):
    y0, y1 = known
    compute_year(y0)
    compute_year(y1)
    first, second = figures(y0), figures(y1)
    # B's case counts as opened in Harju although it is in Tartu now.
    assert of(first, "cases_new") == {
        (3, "pohja", "harju", "domestic_violence"): 1,
        (12, "pohja", "harju", "property"): 1,
    }
    assert of(second, "cases_new") == {
        (6, "pohja", "harju", "sexual_violence"): 1,
        (2, "louna", "tartu", "domestic_violence"): 1,
    }
    assert of(first, "contacts") == {(3, "pohja", "harju", "phone"): 1, (4, "pohja", "harju", "in_person"): 1}
    # 05.01 in Harju (before the transfer), 20.01 in Tartu (after it).
    assert of(second, "contacts") == {(1, "pohja", "harju", "phone"): 2, (1, "louna", "tartu", "in_person"): 1}
    assert of(second, "sessions") == {(1, "pohja", "harju", "phone"): 2, (1, "louna", "tartu", "in_person"): 1}
    assert of(first, "contacts_by_kind") == {
        (3, "pohja", "harju", "counselling"): 1,
        (4, "pohja", "harju", "information"): 1,
    }
    assert of(second, "contact_minutes") == {(1, "pohja", "harju", "phone"): 90, (1, "louna", "tartu", "in_person"): 45}
    assert of(second, "anonymous") == {(3, "pohja", None, "phone"): 1}
    assert of(second, "anonymous_by_crime") == {(3, "pohja", None, "domestic_violence"): 1}


def test_a_period_sums_months_and_compares_with_a_year_earlier(known):
    y0, y1 = known
    compute_year(y0)
    compute_year(y1)
    q1 = Period.of("quarter", y1, 1)
    sums = figure_sums(q1, Scope())
    assert sums.now[("contacts", "phone")] == 2
    assert sums.now[("contacts", "in_person")] == 1
    assert sums.before[("contacts", "phone")] == 1  # March Y0
    assert sums.before[("contacts", "in_person")] == 0  # April Y0 is not in the first quarter
    south = figure_sums(
        Period.of("range", y1, first=date(y1, 1, 1), last=date(y1, 6, 1)), Scope(region=region("louna"))
    )
    assert sums.by_area[(region("louna").pk, "contacts")] == 1  # 20.01 in Tartu
    assert sums.by_area[(region("pohja").pk, "contacts")] == 2
    assert south.now[("cases_new", "domestic_violence")] == 1 and south.now[("cases_new", "sexual_violence")] == 0
    assert south.by_area[(County.objects.get(code="tartu").pk, "clients")] == 1


def test_computing_again_replaces_the_years_figures(known):
    y0, _y1 = known
    compute_year(y0)
    before = figures(y0)
    result = compute_year(y0)
    assert figures(y0) == before
    assert result["figures"] == len(before)


def test_this_years_aid_referrals_invoices_volunteers_and_marac(specialist):
    from tests.factories import make_invoice, make_provider, make_referral

    today = timezone.localdate()
    received = today - timedelta(days=2)  # the factories' application date
    case = make_case(specialist, county_code="harju")
    _application, _draft, issued = make_aid(specialist, case)
    referral = make_referral(specialist, issued, make_provider(), amount="362.50")
    make_invoice(make_user("service_organiser", "pohja"), referral, sessions=2, rate="72.50")
    found = {}
    for year in sorted({received.year, today.year}):
        compute_year(year)
        found |= {(year, *key): value for key, value in figures(year).items()}

    def measure(name):
        return {key[:4] + key[5:]: value for key, value in found.items() if key[4] == name}

    here = (today.year, today.month, "pohja", "harju")
    assert measure("aid_applications") == {(received.year, received.month, "pohja", "harju", "counselling"): 2}
    assert measure("aid_decisions") == {(*here, "grant"): 1}
    assert measure("aid_decided") == {(*here, "in_time"): 1}
    assert measure("aid_days") == {(*here, "in_time"): Decimal(2)}  # received two days ago, decided today
    assert measure("referrals") == {(*here, "counselling"): 1}
    assert measure("referral_amount") == {(*here, "counselling"): Decimal("362.50")}
    assert measure("invoices") == {(*here, "counselling"): 1}
    assert measure("invoiced_amount") == {(*here, "counselling"): Decimal("145.00")}


def test_compensation_claims_decisions_and_payments(specialist, manager):
    from compensation.models import Claim
    from compensation.services import decisions as compensation_decisions
    from compensation.services import payments as compensation_payments
    from tests.compensation.test_claims import add_item, open_claim
    from tests.compensation.test_decisions import issue

    today = timezone.localdate()
    case = make_case(specialist, county_code="harju")
    claim = open_claim(specialist, case)
    Claim.objects.filter(pk=claim.pk).update(received_on=today - timedelta(days=3))
    claim.refresh_from_db()
    add_item(specialist, claim, claimed="1000.00")
    decision = issue(specialist, manager, claim, one_off_amount=Decimal("800.00"))
    compensation_payments.instalments_approve(actor=manager, decision=decision)
    compensation_payments.payment_file_make(actor=specialist, region=case.region)
    # An amendment (a new loss) is not a second decision on the claim; what it pays counts when paid.
    compensation_decisions.claim_reopen(actor=specialist, claim=claim, reason="Uus arve")
    add_item(specialist, claim, claimed="500.00")
    issue(specialist, manager, claim, one_off_amount=Decimal("400.00"))
    found = {}
    for year in sorted({(today - timedelta(days=3)).year, today.year}):
        compute_year(year)
        found |= {(year, *key): value for key, value in figures(year).items()}

    def measure(name):
        return {key[:4] + key[5:]: value for key, value in found.items() if key[4] == name}

    received = today - timedelta(days=3)
    here = (today.year, today.month, "pohja", "harju")
    assert measure("compensation_claims") == {(received.year, received.month, "pohja", "harju", "victim"): 1}
    assert measure("compensation_decided") == {(*here, "grant"): 1}
    assert measure("compensation_granted") == {(*here, "grant"): Decimal("800.00")}
    assert measure("compensation_days") == {(*here, "grant"): Decimal(3)}
    assert measure("compensation_paid") == {(*here, "one_off"): 1}
    assert measure("compensation_paid_amount") == {(*here, "one_off"): Decimal("800.00")}


def test_people_registered_at_crisis_events_count_in_the_events_region(specialist, manager):
    from tests.crisis.test_crisis import open_event, register

    event = open_event(manager, specialist)
    register(specialist, event, who="A")
    register(specialist, event, who="B")
    register(specialist, event, who="C", category="witness")
    now = timezone.localtime()  # registered now: counted in this month, per region (an event has no county)
    compute_year(now.year)
    assert of(figures(now.year), "crisis_registrations") == {
        (now.month, "pohja", None, "affected"): 2,
        (now.month, "pohja", None, "witness"): 1,
    }


def test_mediations_received_and_closed_count_in_their_region(specialist):
    from mediation.services import mediations as mediation_services
    from tests.mediation.test_mediations import party, receive

    receive(specialist)
    withdrawn = receive(specialist, victim=party("Liis", "Lepp"), offender=party("Peeter", "Paju"), referred_by="court")
    mediation_services.mediation_close(actor=specialist, mediation=withdrawn, outcome="withdrawn")
    now = timezone.localtime()
    compute_year(now.year)
    found = figures(now.year)
    assert of(found, "mediations_received") == {
        (now.month, "pohja", None, "prosecutor"): 1,
        (now.month, "pohja", None, "court"): 1,
    }
    assert of(found, "mediations_closed") == {(now.month, "pohja", None, "withdrawn"): 1}
