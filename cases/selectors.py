"""Reads of the cases app, always from restrict(): lists, the timeline, search, start page figures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import DateTimeField, Exists, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from cases.choices import CaseStatus, Channel
from cases.contact import contact_facts, may_contact
from cases.models import (
    AidApplication,
    AidCap,
    AidDecision,
    AidEntitlement,
    AidPolicy,
    AnonymousContact,
    Attachment,
    Case,
    CaseEvent,
    CaseParty,
    Contact,
    Note,
    Person,
    PlanItem,
    SafeContact,
    Task,
)
from cases.models.aid import ApplicationStatus, ChargeKind, DecisionStatus
from cases.models.persons import normalize_name
from cases.sealing import sealed_client_exists
from victimsupport.dates import add_working_days
from victimsupport.models import Region, User
from victimsupport.models.users import CASEWORK_ROLES
from victimsupport.permissions import is_permitted, visible_through
from victimsupport.rowcache import CachedRows
from victimsupport.sql import ProbeExists, count_of

CASE_SORTS = {
    "opened": ("opened_on", "id"),
    "-opened": ("-opened_on", "-id"),
    # Sealed cases sort apart, so that their place in a list by name says nothing of the name.
    "client": ("sealed", "client__last_name", "client__first_name", "id"),
    "-client": ("sealed", "-client__last_name", "-client__first_name", "-id"),
    "status": ("status", "-opened_on", "-id"),
    "-status": ("-status", "-opened_on", "-id"),
    "responsible": ("responsible__last_name", "responsible__first_name", "-opened_on", "-id"),
    "-responsible": ("-responsible__last_name", "-responsible__first_name", "-opened_on", "-id"),
    "county": ("county__name", "-opened_on", "-id"),
    "-county": ("-county__name", "-opened_on", "-id"),
}
DEFAULT_CASE_SORT = "-opened"


@dataclass
class CaseFilters:
    scope: str = "all"  # mine | region | all (everything the user may see)
    status: str = ""
    responsible_id: int | None = None
    incident_type: str = ""
    county_id: int | None = None
    opened_from: date | None = None
    opened_to: date | None = None
    overdue: bool = False
    query: str = ""  # a case number (J-12), the client's personal code or words of the client's name
    sort: str = DEFAULT_CASE_SORT


CASE_NUMBER = re.compile(r"^[Jj]?-?\s*(\d{1,10})$")


def case_search(user, cases: QuerySet[Case], query: str) -> QuerySet[Case]:
    """The cases a search box's text finds: by number (J-12, 12), by the client's personal code, or by every
    word of the client's name. A name or a code never finds the client of a sealed case the user is not
    responsible for (as in the person search); the number, which the user already knows, still does."""
    query = query.strip()
    digits = query.replace(" ", "")
    if digits.isdigit() and len(digits) == 11:
        found = cases.filter(client__personal_code=digits)
    elif number := CASE_NUMBER.match(query):
        return cases.filter(pk=int(number.group(1)))
    else:
        words = normalize_name(query).split()
        if not words:
            return cases.none()
        found = cases.filter(*[Q(client__search_name__contains=word) for word in words])
    return found.filter(~sealed_client_exists(user, outer="client_id"))


def overdue_tasks_exist(outer: str = "pk") -> Exists:
    # Probed per listed case (task_case_due_idx), never hashed over every overdue task in the land.
    return ProbeExists(
        Task.objects.filter(
            case=OuterRef(outer), done_at__isnull=True, due_on__lt=timezone.localdate(), case__status=CaseStatus.OPEN
        )
    )


# What a row of the case list shows and its sealing check reads (cases/jinja2/cases/case_list.html): a page
# reads these columns (and the keys) instead of about 70, and builds its 100 model instances from them.
CASE_LIST_COLUMNS = (
    *("opened_on", "status", "risk_level", "incident_type", "sealed", "client", "responsible", "county"),
    *("client__first_name", "client__last_name"),
    *("responsible__first_name", "responsible__last_name", "responsible__username"),
    "county__name",
)


def case_list(user, filters: CaseFilters) -> QuerySet[Case]:
    cases = (
        Case.objects.restrict(user, "view").select_related("client", "responsible", "county").only(*CASE_LIST_COLUMNS)
    )
    if filters.scope == "mine":
        cases = cases.filter(responsible=user)
    elif filters.scope == "region":
        cases = cases.filter(region__in=user.region_ids)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.responsible_id is not None:
        cases = cases.filter(responsible_id=filters.responsible_id)
    if filters.incident_type:
        cases = cases.filter(incident_type=filters.incident_type)
    if filters.county_id:
        cases = cases.filter(county_id=filters.county_id)
    if filters.opened_from:
        cases = cases.filter(opened_on__gte=filters.opened_from)
    if filters.opened_to:
        cases = cases.filter(opened_on__lte=filters.opened_to)
    if filters.query:
        cases = case_search(user, cases, filters.query)
    cases = cases.annotate(has_overdue=overdue_tasks_exist())
    if filters.overdue:
        cases = cases.filter(has_overdue=True)
    return cases.order_by(*CASE_SORTS.get(filters.sort, CASE_SORTS[DEFAULT_CASE_SORT]))


def can_read_restricted_notes(user, case: Case) -> bool:
    return case.responsible_id == user.pk or is_permitted(user, case, "assign")


def visible_notes(user, case: Case, *, privileged: bool | None = None) -> QuerySet[Note]:
    notes = Note.objects.filter(case=case)
    if privileged is None:
        privileged = can_read_restricted_notes(user, case)
    if not privileged:
        notes = notes.filter(Q(restricted=False) | Q(written_by=user))
    return notes


# The timeline's UNION is built and compiled once per process for each shape (privileged or not, page)
# with these ids in its parameters, then run with the case's and the user's: building and compiling
# its six parts was a tenth of the case page's CPU. Only ids vary: visible_notes() asks nothing else
# of the user when `privileged` is given (tests/cases/test_casework.py holds both).
_CASE, _USER = -918273645, -918273646
_timeline_unions: dict[tuple[bool, int, int], tuple[str, tuple]] = {}


def _timeline_union(privileged: bool, offset: int, enough: int) -> tuple[str, tuple]:
    key = (privileged, offset, enough)
    found = _timeline_unions.get(key)
    if found is None:
        found = _compile_timeline_union(privileged, offset, enough)
        if offset <= 10 * TIMELINE_PAGE:  # the first eleven pages are kept; a page past them is compiled each time
            _timeline_unions[key] = found
    return found


def _compile_timeline_union(privileged: bool, offset: int, enough: int) -> tuple[str, tuple]:
    at = DateTimeField()
    case, user = Case(pk=_CASE), User(pk=_USER)

    def part(queryset, kind: str, field: str):
        # Each kind cut to what the page can need, along its (case, time) index: a case with
        # thousands of entries is not sorted whole for every page.
        return (
            queryset.annotate(entry_kind=Value(kind), entry_at=Cast(F(field), at), entry_ref=F("id"))
            .values("entry_kind", "entry_at", "entry_ref")
            .order_by(f"-{field}", "-id")[:enough]
        )

    union = part(Contact.objects.filter(case=case), "contact", "happened_at").union(
        part(visible_notes(user, case, privileged=privileged), "note", "written_at"),
        part(PlanItem.objects.filter(case=case), "plan", "created_at"),
        part(Task.objects.filter(case=case), "task", "created_at"),
        part(Attachment.objects.filter(case=case), "document", "uploaded_at"),
        part(CaseEvent.objects.filter(case=case), "event", "at"),
        all=True,
    )
    sql, params = union.order_by("-entry_at", "-entry_ref")[offset:enough].query.sql_with_params()
    if str(_CASE) in sql or str(_USER) in sql or _CASE not in params:  # the ids must be parameters
        raise RuntimeError("the timeline's ids are not parameters of its query")
    return sql, tuple(params)


@dataclass
class TimelineEntry:
    kind: str
    at: object
    item: object


TIMELINE_PAGE = 50


def case_timeline(user, case: Case, *, page: int = 1, privileged: bool | None = None) -> tuple[list, bool]:
    """One page of everything that happened in the case, newest first: (entries, has_more). At most seven
    queries whatever the case holds: one UNION for the page, then one per kind on the page."""
    offset = (max(page, 1) - 1) * TIMELINE_PAGE
    enough = offset + TIMELINE_PAGE + 1
    if privileged is None:
        privileged = can_read_restricted_notes(user, case)
    sql, params = _timeline_union(privileged, offset, enough)
    params = [case.pk if value == _CASE else user.pk if value == _USER else value for value in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    has_more = len(rows) > TIMELINE_PAGE
    rows = rows[:TIMELINE_PAGE]
    models = {
        "contact": Contact.objects.select_related("recorded_by"),
        "note": Note.objects.select_related("written_by"),
        "plan": PlanItem.objects.select_related("created_by"),
        "task": Task.objects.select_related("assigned_to"),
        "document": Attachment.objects.select_related("uploaded_by"),
        "event": CaseEvent.objects.select_related("by"),
    }
    wanted: dict[str, list[int]] = {kind: [] for kind in models}
    for row in rows:
        wanted[row["entry_kind"]].append(row["entry_ref"])
    # One query per kind on the page (a page of recent entries is mostly notes and contacts), at most six.
    loaded = {kind: {obj.pk: obj for obj in models[kind].filter(pk__in=ids)} for kind, ids in wanted.items() if ids}
    entries = [
        TimelineEntry(row["entry_kind"], row["entry_at"], loaded[row["entry_kind"]][row["entry_ref"]])
        for row in rows
        if row["entry_ref"] in loaded[row["entry_kind"]]
    ]
    return entries, has_more


def person_search(user, *, name: str = "", personal_code: str = "", limit: int = 50) -> list[Person]:
    """Persons found, each with `sealed` set when they are the client of a sealed case the user is not
    responsible for (the result then shows no name)."""
    if personal_code:
        persons = _searchable_persons(user).filter(personal_code=personal_code)
        return list(persons.order_by("last_name", "first_name", "id")[:limit])
    return person_search_by_name(user, name, limit=limit)[0]


def _searchable_persons(user) -> QuerySet[Person]:
    return Person.objects.restrict(user, "view").select_related("county").annotate(sealed=sealed_client_exists(user))


def person_search_by_name(user, name: str, *, similar: bool = False, limit: int = 50) -> tuple[list[Person], bool]:
    """(persons, whether names spelled alike were included), the closest first. In two steps: the persons
    whose name holds every word typed (the trigram index finds them in a few milliseconds); only where
    there are none, or with `similar`, also the names spelled alike (trigram word similarity: typos and
    missing letters, tens of milliseconds on a national register)."""
    query = normalize_name(name)
    if len(query) < 2:
        return [], False
    every_word = Q(*[Q(search_name__contains=word) for word in query.split()])
    ranked = (
        _searchable_persons(user)
        .annotate(similarity=TrigramWordSimilarity(query, "search_name"))
        .order_by("-similarity", "last_name", "first_name", "id")
    )
    if not similar:
        found = list(ranked.filter(every_word)[:limit])
        if found:
            return found, False
    return list(ranked.filter(every_word | Q(search_name__trigram_word_similar=query))[:limit]), True


def possible_duplicates(
    user,
    *,
    personal_code: str = "",
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    exclude_pk: int | None = None,
) -> list[Person]:
    """Persons the user may see with the same code, or the same name and birth date. Persons out of
    the user's scope are never revealed."""
    condition = Q()
    if personal_code:
        condition |= Q(personal_code=personal_code)
    if first_name and last_name and birth_date:
        # Diacritics and case do not matter: "Julia Janes" is "Julia Jänes".
        condition |= Q(search_name=normalize_name(f"{first_name} {last_name}"), birth_date=birth_date)
    if not condition:
        return []
    found = Person.objects.restrict(user, "view").filter(condition)
    if exclude_pk:
        found = found.exclude(pk=exclude_pk)
    return list(found.order_by("last_name", "first_name")[:10])


def same_code_person(user, personal_code: str) -> Person | None:
    """The person the user may see who has this personal code: the same person, never recorded twice."""
    if not personal_code:
        return None
    return Person.objects.restrict(user, "view").filter(personal_code=personal_code).order_by("pk").first()


def person_cases(user, person: Person) -> QuerySet[Case]:
    """The cases of a person (as client or party) that the user may see."""
    return (
        Case.objects.restrict(user, "view")
        .filter(Q(client=person) | Q(parties__person=person))
        .distinct()
        .select_related("region", "county", "responsible")
        .order_by("-opened_on", "-id")
    )


def person_open_cases(user, person: Person) -> list[Case]:
    """The open cases of a client that the user may see: the intake warns of them before another opens."""
    return list(
        Case.objects.restrict(user, "view")
        .filter(client=person, status=CaseStatus.OPEN)
        .select_related("responsible")
        .order_by("-opened_on", "-id")
    )


# --- start page ---


# The start page's own reads carry what its panel shows (cases/jinja2/cases/panels/specialist.html), the
# case's sealing (names_hidden) and the client for the access log: not every column of three tables.
_CASE_SEALING = ("case__client_id", "case__sealed", "case__responsible_id")


def _user_name(path: str) -> tuple[str, ...]:  # what str(user) shows
    return (f"{path}__first_name", f"{path}__last_name", f"{path}__username")


def my_open_cases(user, limit: int = 10) -> list[Case]:
    return list(
        Case.objects.restrict(user, "view")
        .filter(responsible=user, status=CaseStatus.OPEN)
        .select_related("client")
        .only("opened_on", "sealed", "responsible_id", "client__first_name", "client__last_name")
        .annotate(has_overdue=overdue_tasks_exist())
        .order_by("-opened_on", "-id")[:limit]
    )


def my_overdue_tasks(user, limit: int = 20) -> list[Task]:
    return list(
        Task.objects.filter(
            visible_through(Case, user, "view", "case"),
            assigned_to=user,
            done_at__isnull=True,
            due_on__lt=timezone.localdate(),
            case__status=CaseStatus.OPEN,
        )
        .select_related("case")
        .only("title", "due_on", "case_id", *_CASE_SEALING)
        .order_by("due_on", "id")[:limit]
    )


def my_recent_contacts(user, limit: int = 10) -> list[Contact]:
    return list(
        Contact.objects.filter(visible_through(Case, user, "view", "case"), recorded_by=user)
        .select_related("case")
        .only("happened_at", "kind", "case_id", *_CASE_SEALING)
        .order_by("-happened_at", "-id")[:limit]
    )


TEAM_WORKLOAD_SECONDS = 60


def team_workload(manager) -> list[dict]:
    """Open cases and overdue tasks per specialist of the manager's regions (counts only): user_id,
    name, open_cases, overdue_tasks. Kept a minute in the cache: counting every specialist's overdue
    tasks reads thousands of rows, and a manager's start page is opened many times an hour."""
    today = timezone.localdate()
    regions = ",".join(str(pk) for pk in sorted(manager.region_ids))
    key = f"start-team-workload:{manager.pk}:{regions}:{today.isoformat()}"
    rows = cache.get(key)
    if rows is not None:
        return rows
    team = (
        User.objects.filter(is_active=True, regions__in=manager.region_ids, groups__name="specialist")
        .distinct()
        .annotate(
            open_cases=count_of(Case.objects.filter(status=CaseStatus.OPEN), "responsible"),
            overdue_tasks=count_of(
                Task.objects.filter(done_at__isnull=True, due_on__lt=today, case__status=CaseStatus.OPEN), "assigned_to"
            ),
        )
        .order_by("last_name", "first_name", "pk")
        .values("pk", "first_name", "last_name", "username", "open_cases", "overdue_tasks")
    )
    rows = [
        {
            "user_id": member["pk"],
            "name": f"{member['first_name']} {member['last_name']}".strip() or member["username"],
            "open_cases": member["open_cases"],
            "overdue_tasks": member["overdue_tasks"],
        }
        for member in team
    ]
    cache.set(key, rows, TEAM_WORKLOAD_SECONDS)
    return rows


def region_overdue_tasks(manager, limit: int = 20) -> list[Task]:
    return list(
        Task.objects.filter(
            visible_through(Case, manager, "view", "case"),
            done_at__isnull=True,
            due_on__lt=timezone.localdate(),
            case__region__in=manager.region_ids,
            case__status=CaseStatus.OPEN,
        )
        .select_related("case", "assigned_to")
        .only("title", "due_on", "case_id", "assigned_to_id", *_CASE_SEALING, *_user_name("assigned_to"))
        .order_by("due_on", "id")[:limit]
    )


def region_anonymous_contacts(user) -> QuerySet[AnonymousContact]:
    return AnonymousContact.objects.restrict(user).select_related("region", "county", "recorded_by")


# --- mental-health aid ---


def aid_applications_due(user, *, scope: str = "mine"):
    """Open applications by their decision due date (the earliest first)."""

    applications = AidApplication.objects.restrict(user).filter(status=ApplicationStatus.OPEN)
    if scope == "mine":
        applications = applications.filter(case__responsible=user)
    else:
        applications = applications.filter(case__region__in=user.region_ids)
    return applications.select_related("case", "applicant").order_by("decision_due_on", "id")


# What a row of the aid list shows and its sealing check reads (cases/jinja2/cases/aid/applications.html).
APPLICATION_LIST_COLUMNS = (
    *("received_on", "decision_due_on", "case", "applicant"),
    *("case__sealed", "case__responsible"),
    *("applicant__first_name", "applicant__last_name"),
)


def aid_application_list(user, *, scope: str = "mine"):
    """The aid list's rows: the open applications by due date, with the columns the list shows."""
    return aid_applications_due(user, scope=scope).only(*APPLICATION_LIST_COLUMNS)


# The settings row's "due soon" days, kept in the cache until the row changes (a start page asked every time).
_DUE_SOON_DAYS = CachedRows(
    "aid-due-soon-days",
    lambda: AidPolicy.objects.order_by("pk").values_list("due_soon_working_days", flat=True)[:1],
    depends_on=(AidPolicy,),
)


def aid_due_soon(user, *, scope: str, limit: int = 10) -> list:
    days = next(iter(_DUE_SOON_DAYS.get()), AidPolicy().due_soon_working_days)
    horizon = add_working_days(timezone.localdate(), days)
    due = aid_applications_due(user, scope=scope).filter(decision_due_on__lte=horizon)
    return list(due.only("decision_due_on", "applicant_id", "case__id")[:limit])  # what the panel shows and logs


def decisions_waiting_for(user, limit: int = 10) -> list:

    return list(
        AidDecision.objects.restrict(user, "assign")
        .filter(status=DecisionStatus.SUBMITTED)
        .exclude(drafted_by=user)
        .exclude(contributors=user)  # whoever changed the content does not approve it
        .select_related("application__case", "drafted_by")
        .only("kind", "application__case__id", *_user_name("drafted_by"))  # what the panel shows
        .order_by("submitted_at", "id")[:limit]
    )


def drafts_returned_to(user, limit: int = 10) -> list:

    return list(
        AidDecision.objects.restrict(user, "change")
        .filter(status=DecisionStatus.RETURNED, drafted_by=user)
        .select_related("application__case")
        .only("application__case__id")  # what the panel shows
        .order_by("-id")[:limit]
    )


def case_entitlements(user, case: Case) -> list:
    """The aid granted in the case with what is left of it (one query)."""
    from decimal import Decimal

    from django.db.models import DecimalField, Sum

    money = DecimalField(max_digits=12, decimal_places=2)
    zero = Value(Decimal("0.00"), output_field=money)
    rows = []
    entitlements = (
        AidEntitlement.objects.restrict(user)
        .filter(decision__application__case=case)
        .select_related("person")  # what the case page shows of it
        .annotate(
            held=Coalesce(
                Sum("charges__amount", filter=Q(charges__kind__in=[ChargeKind.COMMITMENT, ChargeKind.INVOICE])),
                zero,
                output_field=money,
            ),
            released=Coalesce(
                Sum("charges__amount", filter=Q(charges__kind=ChargeKind.RELEASE)), zero, output_field=money
            ),
        )
        .order_by("valid_from", "id")
    )
    for entitlement in entitlements:
        used = entitlement.held - entitlement.released
        rows.append(
            {
                "entitlement": entitlement,
                "charged": used,
                "remaining": (entitlement.cap - used) if entitlement.is_active else Decimal("0.00"),
            }
        )
    return rows


# --- the entitlement ledger ---


def charged(entitlement: AidEntitlement) -> Decimal:
    """What referrals and invoices hold of the entitlement now."""
    total = Decimal("0.00")
    sums = dict(entitlement.charges.values_list("kind").annotate(total=Sum("amount")).values_list("kind", "total"))
    total += sums.get(ChargeKind.COMMITMENT, Decimal("0")) + sums.get(ChargeKind.INVOICE, Decimal("0"))
    total -= sums.get(ChargeKind.RELEASE, Decimal("0"))
    return total.quantize(Decimal("0.01"))


def remaining(entitlement: AidEntitlement) -> Decimal:
    if not entitlement.is_active:
        return Decimal("0.00")
    return (entitlement.cap - charged(entitlement)).quantize(Decimal("0.01"))


# --- persons, responsibles, caps and delivery ---


def eligible_responsibles(region: Region):
    """Active specialists and regional managers who work in the region."""
    return (
        User.objects.filter(is_active=True, regions=region, groups__name__in=CASEWORK_ROLES)
        .distinct()
        .order_by("last_name", "first_name")
    )


def with_caseloads(users: QuerySet[User]) -> QuerySet[User]:
    """Each user's open cases and, of them, the high-risk ones (`open_cases`, `high_risk_cases`)."""
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    return users.annotate(
        open_cases=count_of(open_cases, "responsible"),
        high_risk_cases=count_of(open_cases.filter(risk_level="high"), "responsible"),
    )


def person_on_record(person: Person) -> bool:
    """Whether the person is already linked to a case (and so has grants that someone else decided)."""
    return Case.objects.filter(client=person).exists() or CaseParty.objects.filter(person=person).exists()


def safe_contact_version(person: Person) -> int:
    """The version of the person's stored rules, 0 when none are recorded."""
    return SafeContact.objects.filter(person=person).values_list("version", flat=True).first() or 0


def cap_on(day: date) -> Decimal | None:
    """The cap per person in force on `day` (amounts with effective dates); None where none is entered."""
    return AidCap.amount_on(day)


DELIVERY_CHANNELS = [Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON]


def delivery_options(decision: AidDecision) -> list:
    return person_delivery_options(decision.application.applicant)


def person_delivery_options(person) -> list:
    """How a letter may be delivered to `person` now (a may_contact answer per channel)."""
    facts = contact_facts(person)
    return [may_contact(person, channel, facts=facts) for channel in DELIVERY_CHANNELS]
