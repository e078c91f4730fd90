"""MARAC letters, rendered in a worker and registered (never changed afterwards):
- the referral letter to the network, carrying the assessment's answers, level and reasons;
- the victim notification sheet (OAS § 10(1)), addressed only as the safe-contact rules allow;
- a meeting's agenda (sent to members as a link, never as an attachment) and its minutes."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases.contact import address_changed, letter_address
from cases.sealing import PLACEHOLDER
from marac.models import MaracCase, Meeting
from marac.selectors import assessment_answers, meeting_items, network_members
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run
from victimsupport.letters import render_pdf
from victimsupport.models import RegisterMatter, User
from victimsupport.notify import notify
from victimsupport.register import open_matter, private_person_party, register_document, series_for

TASK_LIMITS = {"base": ActorTask, "ignore_result": True, "time_limit": 180, "soft_time_limit": 150, **STORAGE_RETRY}


def victim_name(referral: MaracCase) -> str:
    """The name a MARAC document prints: a sealed case's client only by the MARAC reference (the
    documents go to every member; the name is shared at the meeting by the case's specialist)."""
    if referral.case.sealed:
        return f"{PLACEHOLDER} ({referral.reference})"
    return referral.person.full_name


def notification_is_stale(referral: MaracCase) -> bool:
    """Whether the notification sheet's address is no longer one the person's safe-contact rules allow."""
    sheet = referral.notification_sheet
    return sheet is not None and address_changed(sheet, referral.person)


def _next_number(matter: RegisterMatter) -> str:
    matter = RegisterMatter.objects.select_for_update().select_related("series").get(pk=matter.pk)
    return f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"


def _common(actor: User, number: str) -> dict:
    return {
        "number": number,
        "date": timezone.localdate(),
        "author": {"name": actor.get_full_name() or actor.username, "position": actor.position},
        "restricted": True,
        "restriction_basis": "AvTS § 35 lg 1 p 12",
    }


# --- the referral letter and the victim notification sheet ---


@shared_task(name="marac.render_referral_letters", **TASK_LIMITS)
def render_referral_letters(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, make_referral_letters)


def make_referral_letters(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the letters"))
    with transaction.atomic():
        referral = (
            MaracCase.objects.select_for_update(of=("self",))
            .select_related("network__county", "person", "case", "assessment__questionnaire", "assessment__assessed_by")
            .get(pk=job.target_id)
        )
        if referral.referral_letter_id is None:
            _register_referral_letter(referral, job.created_by)
        job_progress(job, 60, gettext_noop("Preparing the letters"))
        if referral.notification_sheet_id is None or notification_is_stale(referral):
            _register_notification_sheet(referral, job.created_by)
    return JobResult(
        gettext_noop("The letters are ready."), reverse("marac:case", args=[referral.pk]), referral.referral_letter
    )


def _register_referral_letter(referral: MaracCase, actor: User) -> None:
    matter = open_matter(series=series_for("marac"), title=f"MARAC {referral.reference}")
    number = _next_number(matter)
    assessment = referral.assessment
    context = _common(actor, number) | {
        "referral": referral,
        "person": referral.person,
        "victim_name": victim_name(referral),
        "assessment": assessment,
        "answers": assessment_answers(assessment),
        "reasons": assessment.reasons(),
        "addressee": {"name": f"MARAC: {referral.network.name}", "lines": [referral.network.county.name]},
    }
    pdf = render_pdf("marac/letters/referral_et.html", context, language="et")
    referral.referral_letter = register_document(
        matter=matter,
        title=f"MARAC-i suunamine {referral.reference}",
        doc_type="marac_referral",
        responsible=actor,
        content=pdf,
        filename=f"{referral.reference}.pdf",
        party=f"MARAC {referral.network.name}",
        direction="outgoing",
    )
    referral.save(update_fields=["referral_letter"])


def _register_notification_sheet(referral: MaracCase, actor: User) -> None:
    matter = referral.referral_letter.matter
    number = _next_number(matter)
    addressee = letter_address(referral.person)
    earlier = referral.notification_sheet
    context = _common(actor, number) | {
        "referral": referral,
        "person": referral.person,
        "addressee": addressee,
        "agencies": list(referral.network.agencies.order_by("kind", "name")),
    }
    pdf = render_pdf("marac/letters/notification_et.html", context, language="et")
    referral.notification_sheet = register_document(
        matter=matter,
        title=f"Teavitusleht ohvrile {referral.reference}",
        doc_type="marac_notification",
        responsible=actor,
        content=pdf,
        filename=f"{referral.reference}-teavitus.pdf",
        party=private_person_party(referral.reference),
        addressed_to="\n".join(addressee["lines"]),
        channel=addressee["channel"],
        direction="outgoing",
        supersedes=earlier,
    )
    referral.save(update_fields=["notification_sheet"])


# --- the agenda and the minutes of a meeting ---


def _named(items: list) -> list:
    for item in items:
        item.victim_name = victim_name(item.referral)
    return items


def _meeting_matter(meeting: Meeting) -> RegisterMatter:
    """A meeting's documents share a matter: the agenda's, or a new one."""
    if meeting.agenda_document_id:
        return meeting.agenda_document.matter
    return open_matter(series=series_for("marac"), title=f"MARAC {meeting}")


@shared_task(name="marac.render_agenda", **TASK_LIMITS)
def render_agenda(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, make_agenda)


def make_agenda(job) -> JobResult:
    """The agenda as a registered PDF (a new version supersedes the earlier one); members are told by a
    notice and an e-mail with a link, never with the document attached."""
    job_progress(job, 10, gettext_noop("Preparing the agenda"))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related("network").get(pk=job.target_id)
        earlier = meeting.agenda_document
        if earlier is not None and meeting.agenda_sent_at and meeting.agenda_sent_at >= job.created_at:
            return JobResult(gettext_noop("The agenda was sent."), reverse("marac:meeting", args=[meeting.pk]), earlier)
        matter = _meeting_matter(meeting)
        number = _next_number(matter)
        items = _named(meeting_items(job.created_by, meeting))
        context = _common(job.created_by, number) | {
            "meeting": meeting,
            "items": items,
            "addressee": {"name": f"MARAC: {meeting.network.name}", "lines": []},
        }
        pdf = render_pdf("marac/letters/agenda_et.html", context, language="et")
        document = register_document(
            matter=matter,
            title=f"MARAC-i koosoleku päevakord {meeting.held_on:%d.%m.%Y}",
            doc_type="marac_agenda",
            responsible=job.created_by,
            content=pdf,
            filename="paevakord.pdf",
            party=f"MARAC {meeting.network.name}",
            direction="outgoing",
            supersedes=earlier,
        )
        meeting.agenda_document = document
        meeting.agenda_sent_at = timezone.now()
        meeting.save(update_fields=["agenda_document", "agenda_sent_at"])
        members = [membership.user for membership in network_members(meeting.network, meeting.held_on)]
        notify(
            {user.pk: user for user in members}.values(),
            gettext_noop("The agenda of the MARAC meeting on %(date)s is ready."),
            params={"date": f"{meeting.held_on:%d.%m.%Y}"},
            link=reverse("marac:meeting", args=[meeting.pk]),
            email=True,
        )
    return JobResult(gettext_noop("The agenda was sent."), reverse("marac:meeting", args=[meeting.pk]), document)


@shared_task(name="marac.render_minutes", **TASK_LIMITS)
def render_minutes(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, make_minutes)


def make_minutes(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the minutes"))
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update(of=("self",)).select_related("network").get(pk=job.target_id)
        if meeting.minutes_document_id is None:
            matter = _meeting_matter(meeting)
            number = _next_number(matter)
            context = _common(job.created_by, number) | {
                "meeting": meeting,
                "items": _named(meeting_items(job.created_by, meeting)),
                "present": list(meeting.attendees.select_related("user", "agency").order_by("agency__kind")),
                "addressee": {"name": f"MARAC: {meeting.network.name}", "lines": []},
            }
            pdf = render_pdf("marac/letters/minutes_et.html", context, language="et")
            meeting.minutes_document = register_document(
                matter=matter,
                title=f"MARAC-i koosoleku protokoll {meeting.held_on:%d.%m.%Y}",
                doc_type="marac_minutes",
                responsible=job.created_by,
                content=pdf,
                filename="protokoll.pdf",
                party=f"MARAC {meeting.network.name}",
                direction="internal",
            )
            meeting.save(update_fields=["minutes_document"])
    return JobResult(
        gettext_noop("The minutes are ready."), reverse("marac:meeting", args=[meeting.pk]), meeting.minutes_document
    )
