"""MARAC figures per network, county and nationally, for a year or a quarter: referrals, repeats, the
share referred by partner agencies, cases heard (also per 10,000 adult women, where the county's
population is entered; SafeLives expects about 40 a year), days from referral to the first meeting, and
actions completed by their deadline (of those whose deadline has passed). For users without access to the
cases (analysts), counts under five and the figures they could be worked out from are hidden
(reporting.disclosure), over the year and its quarters together (a year minus three quarters is the
fourth)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from statistics import median

from django.db.models import Count, F, Q
from django.utils import timezone

from marac.models import Action, CountyPopulation, MaracCase, Network
from reporting.disclosure import Relation, protect
from victimsupport.models import Role, User

EXPECTED_PER_10000 = 40  # SafeLives: cases a year per 10,000 adult women
COUNTS = ("referrals", "repeats", "from_partners", "heard", "actions_due", "actions_on_time")


def period_bounds(year: int, quarter: int | None) -> tuple[date, date]:
    if quarter:
        start = date(year, 3 * quarter - 2, 1)
        end = date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    else:
        start, end = date(year, 1, 1), date(year + 1, 1, 1)
    return start, end


@dataclass
class Row:
    label: str
    county: str = ""
    counts: dict = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    days: list = field(default_factory=list)
    adult_women: int | None = None
    hidden: set = field(default_factory=set)

    def _share(self, part: str, whole: str):
        if part in self.hidden or whole in self.hidden or not self.counts[whole]:
            return None
        return (Decimal(100) * self.counts[part] / self.counts[whole]).quantize(Decimal("1"), ROUND_HALF_UP)

    @property
    def repeat_rate(self):
        return self._share("repeats", "referrals")

    @property
    def partner_share(self):
        return self._share("from_partners", "referrals")

    @property
    def on_time_rate(self):
        return self._share("actions_on_time", "actions_due")

    @property
    def median_days(self):
        return None if not self.days or "heard" in self.hidden else median(self.days)

    @property
    def per_10000(self):
        if not self.adult_women or "heard" in self.hidden:
            return None
        return (Decimal(self.counts["heard"]) * 10000 / self.adult_women).quantize(Decimal("0.1"), ROUND_HALF_UP)


def figure_networks(user: User):
    """Analysts and administrators: every network (aggregates only); others: the networks they see."""
    if user.has_role(Role.ANALYST, Role.ADMINISTRATOR):
        return Network.objects.all()
    return Network.objects.restrict(user)


def marac_figures(user: User, year: int, quarter: int | None = None) -> dict:
    start, end = period_bounds(year, quarter)
    networks = list(figure_networks(user).select_related("county").order_by("county__name", "name"))
    rows, counties, total = _period_figures(networks, year, start, end)
    if user.has_role(Role.ANALYST, Role.ADMINISTRATOR) or not user.has_role(Role.COORDINATOR, Role.REGIONAL_MANAGER):
        # Aggregates for users who do not see the cases: the year and its quarters protected together,
        # so that the year minus three quarters cannot give back a fourth's hidden count.
        periods = {quarter or 0: (list(rows.values()), counties, total)}
        for other in (0, 1, 2, 3, 4):
            if other not in periods:
                found, found_counties, found_total = _period_figures(networks, year, *period_bounds(year, other))
                periods[other] = (list(found.values()), found_counties, found_total)
        _suppress(periods)
    return {
        "start": start,
        "end": end,
        "last_day": end - timedelta(days=1),
        "networks": list(rows.values()),
        "counties": list(counties.values()),
        "total": total,
        "expected": EXPECTED_PER_10000,
    }


def _period_figures(networks: list[Network], year: int, start: date, end: date):
    """Per network, per county and in all, the counts of a period."""
    ids = [network.pk for network in networks]
    rows = {network.pk: Row(network.name, network.county.name) for network in networks}
    referred = (
        MaracCase.objects.filter(network_id__in=ids, referred_on__gte=start, referred_on__lt=end)
        .values("network_id")
        .annotate(
            referrals=Count("pk"),
            repeats=Count("pk", filter=Q(is_repeat=True)),
            from_partners=Count("pk", filter=~Q(referred_by="victim_support")),
        )
    )
    for entry in referred:
        for name in ("referrals", "repeats", "from_partners"):
            rows[entry["network_id"]].counts[name] = entry[name]
    heard = MaracCase.objects.filter(network_id__in=ids, first_heard_on__gte=start, first_heard_on__lt=end)
    for network_id, referred_on, heard_on in heard.values_list("network_id", "referred_on", "first_heard_on"):
        rows[network_id].counts["heard"] += 1
        rows[network_id].days.append((heard_on - referred_on).days)
    # Actions whose deadline fell in the period and has passed (one not yet due is not late).
    actions = (
        Action.objects.filter(
            referral__network_id__in=ids, due_on__gte=start, due_on__lt=min(end, timezone.localdate())
        )
        .exclude(status="cancelled")
        .values("referral__network_id")
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=Q(status="done", completed_on__lte=F("due_on"))),
        )
    )
    for entry in actions:
        row = rows[entry["referral__network_id"]]
        row.counts["actions_due"], row.counts["actions_on_time"] = entry["due"], entry["on_time"]
    counties: dict[str, Row] = {}
    county_ids: dict[str, int] = {}
    for network in networks:
        county = counties.setdefault(network.county.name, Row(network.county.name))
        county_ids[network.county.name] = network.county_id
        row = rows[network.pk]
        for name in COUNTS:
            county.counts[name] += row.counts[name]
        county.days += row.days
    population = {}
    for entry in CountyPopulation.objects.filter(county_id__in=county_ids.values(), year__lte=year).order_by("year"):
        population[entry.county_id] = entry.adult_women  # the latest year up to the one asked
    for name, county in counties.items():
        county.adult_women = population.get(county_ids[name])
    total = Row("")
    for county in counties.values():
        for name in COUNTS:
            total.counts[name] += county.counts[name]
        total.days += county.days
    if all(pk in population for pk in county_ids.values()) and county_ids:
        total.adult_women = sum(population.values())
    return rows, counties, total


# A count and its parts: the parts' rest (referrals that are not repeats, ...) is not printed, but a
# reader can work it out, so it is a latent cell of the protection too.
PARTS = {"repeats": "referrals", "from_partners": "referrals", "actions_on_time": "actions_due"}


def _suppress(periods: dict[int, tuple[list[Row], dict[str, Row], Row]]) -> None:
    """Hide counts under five, and what they could be worked out from, over every figure of the year (0)
    and its quarters (1-4) at once: each period's networks add up to their counties and those to the
    total, and the year is the sum of its quarters."""
    values, published, relations = {}, set(), []
    names = [*COUNTS, *(f"rest:{part}" for part in PARTS)]
    rows = {}
    for period, (networks, counties, total) in periods.items():
        places = [("network", index, row) for index, row in enumerate(networks)]
        places += [("county", name, row) for name, row in counties.items()]
        places.append(("total", "", total))
        for kind, key, row in places:
            rows[(period, kind, key)] = row
            for name in COUNTS:
                values[(period, name, kind, key)] = row.counts[name]
                published.add((period, name, kind, key))
            for part, whole in PARTS.items():
                values[(period, f"rest:{part}", kind, key)] = row.counts[whole] - row.counts[part]
            for part, whole in PARTS.items():
                relations.append(
                    Relation(
                        (period, whole, kind, key), ((period, part, kind, key), (period, f"rest:{part}", kind, key))
                    )
                )
        for name in names:
            relations.append(
                Relation((period, name, "total", ""), tuple((period, name, "county", c) for c in counties))
            )
            by_county = defaultdict(list)
            for index, row in enumerate(networks):
                by_county[row.county].append((period, name, "network", index))
            relations += [Relation((period, name, "county", c), tuple(parts)) for c, parts in by_county.items()]
    for _period, name, kind, key in [cell for cell in values if cell[0] == 0]:
        relations.append(Relation((0, name, kind, key), tuple((quarter, name, kind, key) for quarter in (1, 2, 3, 4))))
    for period, name, kind, key in protect(values, relations, published=published):
        rows[(period, kind, key)].hidden.add(name)
