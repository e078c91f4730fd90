"""Gathering evidence for a claim: requests for information to the police, the prosecutor or the health
insurance fund (registered letters with a reply deadline and a reminder), and the expert doctor's opinion
on the link between the crime and the health damage."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from compensation import letters
from compensation.models import Claim, ExpertOpinion, InformationRequest
from victimsupport.concurrency import assign_fields, versioned_edit
from victimsupport.jobs import job_start
from victimsupport.models import Role, User
from victimsupport.notify import notify
from victimsupport.permissions import ensure_permitted, is_permitted
from victimsupport.rules import check_field_rules, date_order, field_errors, not_future, not_past

REQUEST_FIELDS = ["recipient_kind", "recipient_name", "recipient_address", "question"]
REPLY_FIELDS = ["reply_received_on", "reply_summary"]
OPINION_FIELDS = ["crime_link", "health_damage", "disorder_months", "statement"]
# `sent_on`: the request's, which the reply form knows from the request it answers.
REPLY_RULES = (
    not_future("reply_received_on"),
    date_order("sent_on", "reply_received_on", gettext_lazy("The reply cannot come before the request was sent.")),
)
OPINION_ASK_RULES = (not_past("due_on"),)


def _disorder_months(health_damage, disorder_months) -> dict:
    if health_damage == "disorder" and disorder_months is None:
        return {"disorder_months": gettext_lazy("Enter how long the health disorder lasts.")}
    return {}


OPINION_RULES = (_disorder_months,)


def reply_due(sent_on: date) -> date:
    return sent_on + timedelta(days=settings.COMPENSATION_REPLY_DAYS)


@transaction.atomic
def request_send(*, actor: User, claim: Claim, **fields) -> InformationRequest:
    """Record the request and have a worker render and register its letter (after commit)."""
    ensure_permitted(actor, claim, "change")
    request = InformationRequest(claim=claim, created_by=actor)
    assign_fields(request, fields, REQUEST_FIELDS)
    request.sent_on = timezone.localdate()
    request.reply_due_on = reply_due(request.sent_on)
    request.full_clean()
    request.save()
    request_letter(actor=actor, request=request)
    return request


def request_letter(*, actor: User, request: InformationRequest):
    return job_start(
        letters.render_request_letter,
        kind="compensation_request_letter",
        created_by=actor,
        target=request,
        message=gettext_noop("Waiting for a worker"),
    )


@transaction.atomic
def request_answer(*, actor: User, request: InformationRequest, expected_version: int, **fields) -> InformationRequest:
    versioned_edit(request, expected_version, fields, REPLY_FIELDS)
    if request.reply_received_on is None:
        raise ValidationError({"reply_received_on": _("Enter the date the reply came.")})
    check_field_rules(*REPLY_RULES, reply_received_on=request.reply_received_on, sent_on=request.sent_on)
    request.status = "answered"
    request.full_clean()
    request.save()
    ensure_permitted(actor, request.claim, "change")
    return request


def send_request_reminders(today: date | None = None) -> int:
    """Requests whose reply is overdue: the claim's handler (or the region's managers) is told once."""
    today = today or timezone.localdate()
    sent = 0
    overdue = InformationRequest.objects.filter(status="sent", reminded_on__isnull=True, reply_due_on__lt=today)
    for request_id in overdue.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            # Claimed by a conditional update: a second run sends nothing twice.
            if not InformationRequest.objects.filter(pk=request_id, reminded_on__isnull=True).update(reminded_on=today):
                continue
            request = InformationRequest.objects.select_related("claim__handler", "claim__crime__region").get(
                pk=request_id
            )
            claim = request.claim
            recipients = (
                [claim.handler]
                if claim.handler is not None and claim.handler.is_active
                else list(User.objects.filter(groups=claim.crime.region.managers_group, is_active=True))
            )
            notify(
                recipients,
                gettext_noop("The reply to request %(request)s of claim %(claim)s was due on %(due)s."),
                params={
                    "request": request.reference,
                    "claim": claim.reference,
                    "due": request.reply_due_on.strftime("%d.%m.%Y"),
                },
                link=reverse("compensation:claim", args=[claim.pk]),
                email=True,
            )
            sent += 1
    return sent


# --- the expert doctor ---


def doctors():
    return User.objects.filter(groups__name=Role.EXPERT_DOCTOR, is_active=True).order_by("last_name", "first_name")


@transaction.atomic
def opinion_ask(*, actor: User, claim: Claim, doctor: User, question: str, documents, due_on: date) -> ExpertOpinion:
    ensure_permitted(actor, claim, "change")
    errors = field_errors(*OPINION_ASK_RULES, due_on=due_on)
    if not doctors().filter(pk=doctor.pk).exists():
        errors["doctor"] = _("Choose an expert doctor.")
    if not question.strip():
        errors["question"] = _("Say what the doctor is asked.")
    documents = list(documents)
    if any(document.claim_id != claim.pk for document in documents):
        errors["documents"] = _("Share documents of this claim only.")
    if errors:
        raise ValidationError(errors)
    opinion = ExpertOpinion.objects.create(
        claim=claim, doctor=doctor, question=question.strip(), due_on=due_on, asked_by=actor
    )
    opinion.documents.set(documents)
    notify(
        [doctor],
        gettext_noop("An expert opinion is asked of you, due on %(due)s."),
        params={"due": due_on.strftime("%d.%m.%Y")},
        link=reverse("compensation:opinion", args=[opinion.pk]),
        email=True,
    )
    return opinion


@transaction.atomic
def opinion_give(*, actor: User, opinion: ExpertOpinion, expected_version: int, **fields) -> ExpertOpinion:
    """The doctor asked records the opinion; it then stands (a new question is a new request)."""
    if not is_permitted(actor, opinion, "give"):
        raise PermissionDenied
    stored = versioned_edit(opinion, expected_version, fields, OPINION_FIELDS)
    if stored.status == "given":
        raise ValidationError(_("The opinion has been given."))
    errors = field_errors(*OPINION_RULES, health_damage=opinion.health_damage, disorder_months=opinion.disorder_months)
    if not opinion.crime_link:
        errors["crime_link"] = _("Say whether the crime caused the health damage.")
    if not opinion.statement.strip():
        errors["statement"] = _("Write the opinion and what it rests on.")
    if opinion.health_damage != "disorder":
        opinion.disorder_months = None
    if errors:
        raise ValidationError(errors)
    opinion.status, opinion.given_at = "given", timezone.now()
    opinion.full_clean()
    opinion.save()
    claim = opinion.claim
    notify(
        [opinion.asked_by],
        gettext_noop("The expert opinion on claim %(claim)s was given."),
        params={"claim": claim.reference},
        link=reverse("compensation:claim", args=[claim.pk]),
        email=True,
    )
    return opinion
