"""Reads of mediation: the list, the mediators a region may appoint, a mediation's deadlines."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.choices import Channel
from cases.contact import ContactFacts, may_contact
from cases.models import Person, SafeContact
from cases.models.persons import normalize_name
from cases.sealing import sealed_client_exists
from mediation import deadlines
from mediation.deadlines import Deadline
from mediation.models import Mediation
from victimsupport.models import Region, User
from volunteers.models import VolunteerKind
from volunteers.selectors import staff_or_volunteers

SORTS = {
    "received": ("received_on", "id"),
    "-received": ("-received_on", "-id"),
}


def mediation_list(
    user: User, *, q: str = "", status: str = "", region=None, mine: bool = False, sort: str = "-received"
) -> QuerySet[Mediation]:
    mediations = Mediation.objects.restrict(user).select_related("region", "victim", "offender", "mediator")
    if q:
        q = q.strip()
        condition = Q(proceedings_number__iexact=q)
        name = normalize_name(q)
        if name:
            # A client of a sealed case is not found by name (the list would tell that they are a party).
            condition |= (Q(victim__search_name__contains=name) & ~Q(sealed_client_exists(user, "victim"))) | (
                Q(offender__search_name__contains=name) & ~Q(sealed_client_exists(user, "offender"))
            )
        reference = q.upper().removeprefix("L-")
        if reference.isascii() and reference.isdigit() and len(reference) < 18:
            condition |= Q(pk=int(reference))
        mediations = mediations.filter(condition)
    if status:
        mediations = mediations.filter(status=status)
    if region is not None:
        mediations = mediations.filter(region=region)
    if mine:
        mediations = mediations.filter(mediator=user)
    return mediations.order_by(*SORTS.get(sort, SORTS["-received"]))


def mediators_for(region: Region) -> QuerySet[User]:
    """Who may mediate in the region: its casework staff, and its active mediator volunteers."""
    return staff_or_volunteers(VolunteerKind.MEDIATOR, region)


def mediation_deadlines(mediation: Mediation) -> list[Deadline]:
    """The deadlines shown on the page: the appointment, the first meeting, the agreement's obligations and
    the watch for a new offence after the last one."""
    rows = [Deadline(_("Mediator appointed"), deadlines.appointment_due(mediation.received_on), mediation.appointed_on)]
    if mediation.appointed_on:
        first = min((meeting.held_on for meeting in mediation.meetings.all()), default=None)
        rows.append(Deadline(_("First meeting"), deadlines.first_meeting_due(mediation.appointed_on), first))
    last_due = last_obligation_due(mediation)
    if last_due is not None:
        rows.append(Deadline(_("New offences watched until"), deadlines.watched_until(last_due), None, watch=True))
    return rows


def last_obligation_due(mediation: Mediation) -> date | None:
    return max((obligation.due_on for obligation in mediation.obligations.all()), default=None)


# The mediation's channels: by phone, text, e-mail or in person; letters (and so addresses) never.
MEDIATION_CHANNELS = (Channel.PHONE, Channel.SMS, Channel.EMAIL, Channel.IN_PERSON)


def allowed_contact(person: Person) -> dict:
    """How the mediator may reach a party, by the party's own safe-contact rules. The offender consented
    to the mediation, so being an alleged perpetrator elsewhere does not bar its mediator (the
    victim-support rule that never contacts one is about victim-support work); the rules still decide.
    No address is shown."""
    rules = SafeContact.objects.filter(person=person).first()
    facts = ContactFacts(perpetrator=False, rules=rules)
    return {
        "channels": [
            decision for channel in MEDIATION_CHANNELS if (decision := may_contact(person, channel, facts=facts))
        ],
        "safe_times": rules.safe_times if rules else "",
        "code_word": rules.code_word if rules else "",
        "notes": rules.channel_notes if rules else "",
    }
