"""The statistics pages' tables: which measure each shows, by which categories, adding up to which
population's total, and the populations the areas are compared by. Shared by the pages
(reporting.dashboard) and the protection of a year's figures as a whole (reporting.protection)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.choices import (
    AgeGroup,
    ClosureReason,
    ContactChannel,
    ContactKind,
    IncidentType,
    Language,
    ReferralSource,
    Sex,
)
from cases.models.aid import DecisionKind, ServiceType
from compensation.models import ClaimantRole, CompensationDecisionKind
from crisis.models import Category as CrisisCategory
from mediation.models import MediationOutcome, ReferredBy
from volunteers.models import ActivityKind

SUPPRESS_BELOW = 5  # counts under five are hidden from users who may not see the cases behind them


@dataclass(frozen=True)
class Spec:
    """A table: one measure by its categories (labels: a choices class or a dict), adding up to the
    population's total. `amount`: a sum shown beside the count (euros), hidden with it."""

    key: str
    title: Promise
    measure: str
    labels: object = None
    population: str = ""
    unit: str = "count"  # count, hours, eur
    amount: str = ""
    protected: bool = True  # counts of people: the small-cell rule applies
    by_month: bool = False  # categories are the period's months
    county_level: bool = True  # kept per county (False: per region only)

    @property
    def total_key(self) -> str:
        return self.population or self.measure

    def __reduce__(self):
        # Pickled by its key (a cached statistics page holds its tables' specs): unpickling the lazy title
        # and labels built a class per lazy text, a third of a cached page's CPU.
        return (spec_named, (self.key,))

    def label(self, category: str) -> str:
        labels = self.labels
        if isinstance(labels, dict):
            return str(labels.get(category, category))
        if labels is not None:
            try:
                return str(labels(category).label)
            except ValueError:
                pass
        return category.replace("_", " ")

    def categories(self) -> list[str]:
        if isinstance(self.labels, dict):
            return list(self.labels)
        if self.labels is not None:
            return [choice.value for choice in self.labels]
        return [""]


CLIENT_STATUS = {"new": _("new clients"), "returning": _("returning clients")}
ON_TIME = {"in_time": _("by the deadline"), "late": _("after the deadline")}
MARAC_KIND = {"first": _("first referral"), "repeat": _("repeat referral")}
PAYMENT_KIND = {"one_off": _("paid at once"), "monthly": _("monthly payments")}

SECTIONS: list[tuple[Promise, list[Spec]]] = [
    (
        _("Clients"),
        [
            Spec("clients", _("Clients, new and returning"), "clients", CLIENT_STATUS),
            Spec("clients_by_sex", _("Clients by sex"), "clients_by_sex", Sex, "clients"),
            Spec("clients_by_age", _("Clients by age"), "clients_by_age", AgeGroup, "clients"),
            Spec("clients_by_language", _("Clients by language"), "clients_by_language", Language, "clients"),
            Spec("clients_by_crime", _("Clients by crime type"), "clients_by_crime", IncidentType, "clients"),
        ],
    ),
    (
        _("Cases"),
        [
            Spec("cases_new", _("New cases by crime type"), "cases_new", IncidentType),
            Spec("cases_by_month", _("New cases by month"), "cases_new", population="cases_new", by_month=True),
            Spec("cases_by_source", _("New cases by referral source"), "cases_by_source", ReferralSource, "cases_new"),
            Spec("cases_closed", _("Closed cases by reason"), "cases_closed", ClosureReason),
        ],
    ),
    (
        _("Contacts and counselling"),
        [
            Spec("contacts", _("Contacts by channel"), "contacts", ContactChannel),
            Spec("contacts_by_kind", _("Contacts by kind"), "contacts_by_kind", ContactKind, "contacts"),
            Spec("sessions", _("Counselling sessions by channel"), "sessions", ContactChannel),
            Spec("anonymous", _("Anonymous contacts by channel"), "anonymous", ContactChannel),
            Spec(
                "anonymous_by_crime",
                _("Anonymous contacts by crime type"),
                "anonymous_by_crime",
                IncidentType,
                "anonymous",
            ),
        ],
    ),
    (
        _("Mental-health aid"),
        [
            Spec("aid_applications", _("Applications by the service wished"), "aid_applications", ServiceType),
            Spec("aid_decisions", _("Decisions issued"), "aid_decisions", DecisionKind),
            Spec("aid_decided", _("First decisions by the deadline"), "aid_decided", ON_TIME),
        ],
    ),
    (
        _("Referrals and invoices"),
        [
            Spec(
                "referrals",
                _("Referrals by service (amount committed)"),
                "referrals",
                ServiceType,
                amount="referral_amount",
            ),
            Spec(
                "invoices",
                _("Invoices received by service (amount invoiced)"),
                "invoices",
                ServiceType,
                amount="invoiced_amount",
            ),
            Spec(
                "invoices_paid",
                _("Invoices paid by service (amount paid)"),
                "invoices_paid",
                ServiceType,
                amount="paid_amount",
            ),
        ],
    ),
    (
        _("Compensation for victims of crime"),
        [
            Spec("compensation_claims", _("Claims received by claimant"), "compensation_claims", ClaimantRole),
            Spec(
                "compensation_decided",
                _("Decisions by kind (amount granted)"),
                "compensation_decided",
                CompensationDecisionKind,
                amount="compensation_granted",
            ),
            Spec(
                "compensation_paid",
                _("Payments made (amount paid)"),
                "compensation_paid",
                PAYMENT_KIND,
                amount="compensation_paid_amount",
            ),
        ],
    ),
    (
        _("Volunteers"),
        [
            Spec(
                "volunteer_hours",
                _("Volunteer hours by activity"),
                "volunteer_hours",
                ActivityKind,
                unit="hours",
                protected=False,
                county_level=False,
            ),
        ],
    ),
    (
        _("MARAC"),
        [Spec("marac_referrals", _("Referrals to MARAC"), "marac_referrals", MARAC_KIND)],
    ),
    (
        _("Mediation in criminal cases"),
        [
            Spec(
                "mediations_received",
                _("Mediations received, by who sent them"),
                "mediations_received",
                ReferredBy,
                county_level=False,
            ),
            Spec(
                "mediations_closed",
                _("Mediations closed, by outcome"),
                "mediations_closed",
                MediationOutcome,
                county_level=False,
            ),
        ],
    ),
    (
        _("Crisis response"),
        [
            Spec(
                "crisis_registrations",
                _("People registered at crisis events, by how affected"),
                "crisis_registrations",
                CrisisCategory,
                county_level=False,
            )
        ],
    ),
]
SPECS = {spec.key: spec for _title, specs in SECTIONS for spec in specs}


def spec_named(key: str) -> Spec:
    return SPECS[key]  # a KeyError: a page cached before a table was removed (reporting.dashboard.page)


MONTHLY_MEASURES = tuple(sorted({spec.measure for spec in SPECS.values() if spec.by_month}))

# (population, table, category): the table's row of that category counts the population's people again.
EQUAL_TO_TOTAL = [("sessions", "contacts_by_kind", ContactKind.COUNSELLING)]

# The comparison of areas: the populations side by side.
COMPARED = [
    ("clients", _("Clients")),
    ("cases_new", _("New cases")),
    ("contacts", pgettext_lazy("statistics", "Contacts")),
    ("sessions", _("Counselling sessions")),
    ("anonymous", _("Anonymous contacts")),
    ("aid_decisions", _("Aid decisions")),
    ("compensation_claims", _("Compensation claims")),
    ("referrals", _("Referrals")),
    ("marac_referrals", _("MARAC referrals")),
]
