"""'Who accessed this person's data': from the access log, for staff and for a data-subject request,
also in the shape of the state's Data Tracker (Andmejälgija) usage records.

Visibility: `P` (restricted) for every event about a person who is an alleged perpetrator in any case,
and for events from criminal proceedings; `A` otherwise. What the data subject is given leaves `P` out:
an abuser must never learn that victim support looked at their data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.contact import is_alleged_perpetrator
from cases.models import Person
from victimsupport.exports import csv_response
from victimsupport.letters import render_pdf
from victimsupport.models import AccessLogEntry
from victimsupport.models.access import AccessAction

MAX_EVENTS = 10_000


@dataclass
class AccessEvent:
    at: datetime
    user_name: str
    user_code: str
    action: str
    action_code: str
    visibility: str
    ip: str
    reason: str


def access_events(
    person: Person, *, date_from: date | None = None, date_to: date | None = None, for_subject: bool = False
) -> list[AccessEvent]:
    entries = AccessLogEntry.objects.filter(person_ids__contains=[person.pk]).select_related("user")
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tz))
    if date_to:
        entries = entries.filter(at__lt=datetime.combine(date_to + timedelta(days=1), time.min, tz))
    perpetrator = is_alleged_perpetrator(person)
    events = []
    for entry in entries.order_by("-at", "-id")[:MAX_EVENTS]:
        visibility = "P" if perpetrator or entry.restricted else "A"
        if for_subject and visibility == "P":
            continue
        action = AccessAction(entry.action).label if entry.action in AccessAction.values else entry.action
        label = f"{action}: {entry.object_label}"
        events.append(
            AccessEvent(
                at=entry.at,
                user_name=str(entry.user),
                user_code=entry.user.personal_code,
                action=label,
                action_code=f"{entry.object_type}.{entry.action}",
                visibility=visibility,
                ip=entry.ip or "",
                reason=entry.reason,
            )
        )
    return events


def _filename(person: Person, extension: str) -> str:
    return f"juurdepaasud-{person.pk}-{timezone.localdate():%Y%m%d}.{extension}"


def events_csv(person: Person, events: list[AccessEvent]) -> HttpResponse:
    """For the data subject: when, which agency, what was done (restricted events left out)."""
    agency = settings.AGENCY["name"]
    rows = ([timezone.localtime(event.at).strftime("%d.%m.%Y %H:%M:%S"), agency, event.action] for event in events)
    return csv_response(rows, header=[_("Time"), _("Agency"), _("Action")], filename=_filename(person, "csv"))


def events_pdf(person: Person, events: list[AccessEvent]) -> HttpResponse:
    pdf = render_pdf(
        "cases/letters/access_report.html",
        {
            "person": person,
            "events": events,
            "date": timezone.localdate(),
            "addressee": {"name": person.full_name, "lines": []},
            "number": "",
            "signer": {"name": "", "position": ""},
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "pdf")}"'
    return response


def datatracker_records(person: Person, events: list[AccessEvent]) -> list[dict]:
    """Usage records in the Data Tracker's fields (e-gov/AJ `ajlog`)."""
    agency = settings.AGENCY
    return [
        {
            "personcode": person.country_code or None,
            "logtime": timezone.localtime(event.at).isoformat(timespec="seconds"),
            "action": event.action,
            "actioncode": event.action_code,
            "sender": None,
            "sendercode": None,
            "receiver": agency["name"],
            "receivercode": agency["registry_code"],
            "restrictions": event.visibility,
            "usercode": f"EE{event.user_code}" if event.user_code else None,
        }
        for event in events
    ]


def events_datatracker(person: Person, events: list[AccessEvent]) -> HttpResponse:
    body = json.dumps(datatracker_records(person, events), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(person, "json")}"'
    return response
