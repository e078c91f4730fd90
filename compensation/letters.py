"""The compensation decision letter: every element of an administrative act, the calculation as it stood
at issue, in the claimant's language; rendered in a worker, registered, e-mailed only when allowed."""

from __future__ import annotations

from decimal import Decimal

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop, override

from cases.aidletters import current_letter, letter_is_stale
from cases.contact import letter_address
from cases.delivery import email_letter
from compensation.calculation import Calculation
from compensation.models import Claim, CompensationDecision, InformationRequest, LossKind
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run
from victimsupport.letters import render_pdf
from victimsupport.models import RegisterMatter, User
from victimsupport.register import open_matter, private_person_party, register_document, series_for

LETTER_LANGUAGES = ("et", "en")
CHALLENGE_DAYS = 30
LEGAL_BASIS = "ohvriabi seaduse §-d 8–14 ja § 17"
LEGAL_BASIS_EN = "Victim Support Act (ohvriabi seadus), §§ 8–14 and § 17"


def calculation_snapshot(calculation: Calculation | None, *, paid_before: Decimal = Decimal("0")) -> dict:
    """The calculation as plain data, kept with the issued decision (later changes to items or rules never
    change what the decision said). `paid_before`: what the claim's earlier decisions paid (an amendment
    grants the rest)."""
    if calculation is None:
        return {"paid_before": str(paid_before)}
    return {
        "rate_percent": str(calculation.rate_percent),
        "lines": [
            {
                "kind": line.item.kind,
                "description": line.item.key.description if line.item.key is not None else "",
                "counted": str(line.counted),
                "after_other_sources": str(line.after_other_sources),
                "after_cap": str(line.after_cap),
                "compensated": str(line.compensated),
            }
            for line in calculation.lines
        ],
        "loss": str(calculation.loss),
        "other_sources": str(calculation.other_sources),
        "at_rate": str(calculation.at_rate),
        "crime_cap": str(calculation.crime_cap),
        "granted_to_others": str(calculation.granted_to_others),
        "proposed": str(calculation.proposed),
        "paid_before": str(paid_before),
    }


def letter_language(decision: CompensationDecision) -> str:
    """The language of the first letter (a re-issued letter keeps it), else the claimant's."""
    if decision.letter_language:
        return decision.letter_language
    language = decision.claim.claimant.language
    return language if language in LETTER_LANGUAGES else settings.LANGUAGE_CODE


def letter_context(decision: CompensationDecision, language: str, number: str) -> dict:
    claim = decision.claim
    with override(language):
        lines = [{**line, "label": str(LossKind(line["kind"]).label)} for line in decision.calculation.get("lines", [])]
    return {
        "decision": decision,
        "claim": claim,
        "crime": claim.crime,
        "person": claim.claimant,
        "number": number,
        "date": decision.decision_date,
        "addressee": letter_address(claim.claimant),
        "calc": decision.calculation,
        "lines": lines,
        "instalments": list(decision.instalments.order_by("due_on", "id")),
        "amended": decision.amends,
        "amended_letter": decision.amends.letter if decision.amends_id else None,
        "paid_before": Decimal(decision.calculation.get("paid_before", "0")),
        "legal_basis": LEGAL_BASIS_EN if language == "en" else decision.legal_basis,
        "challenge_days": CHALLENGE_DAYS,
        "signer": {"name": decision.signer_name, "position": decision.signer_position},
        "restricted": True,
        "restriction_basis": "AvTS § 35 lg 1 p 1 ja p 12",
    }


@shared_task(
    name="compensation.render_letter",
    base=ActorTask,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
    **STORAGE_RETRY,
)
def render_compensation_letter(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, make_letter)


def make_letter(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the letter"))
    with transaction.atomic():
        decision = (
            CompensationDecision.objects.select_for_update(of=("self",))
            .select_related("claim__claimant", "claim__crime")
            .get(pk=job.target_id)
        )
        claimant = decision.claim.claimant
        document = current_letter(decision)
        if document is None or letter_is_stale(decision, document, person=claimant):
            # Run twice, this finds the first run's letter and makes nothing more.
            job_progress(job, 30, gettext_noop("Rendering the letter"))
            document = _register_letter(decision, job.created_by, replaces=document)
    return JobResult(
        gettext_noop("The letter is ready."), reverse("compensation:decision", args=[decision.pk]), document
    )


def claim_matter(claim: Claim) -> tuple[RegisterMatter, str]:
    """The claim's matter in the register (opened with its first letter), locked until the transaction
    ends, and the number its next document gets: every letter of a claim is a document of one matter."""
    # The claim's row is locked first: two letters of one claim made at once open one matter, not two.
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    matter = RegisterMatter.objects.filter(pk=claim.register_matter_id).first() if claim.register_matter_id else None
    if matter is None:
        matter = open_matter(series=series_for("compensation"), title=f"Kuriteoohvri hüvitis {claim.reference}")
        Claim.objects.filter(pk=claim.pk).update(register_matter=matter)
        claim.register_matter = matter
    matter = RegisterMatter.objects.select_for_update().select_related("series").get(pk=matter.pk)
    return matter, f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"


def _register_letter(decision: CompensationDecision, actor: User, replaces=None):
    claim = decision.claim
    language = letter_language(decision)
    matter, number = claim_matter(claim)
    context = letter_context(decision, language, number) | {"replaces": replaces}
    pdf = render_pdf(f"compensation/letters/decision_{language}.html", context, language=language)
    with override("et"):
        what = f"Hüvitise otsuse {decision.amends.reference} muutmine" if decision.amends_id else "Hüvitise otsus"
        title = f"{what} ({decision.get_kind_display()}): {claim.reference}"
        if replaces is not None:
            title = f"{title} (asendab kirja {replaces.number})"
    document = register_document(
        matter=matter,
        title=title,
        doc_type="compensation_decision",
        responsible=decision.approved_by or actor,
        content=pdf,
        filename=f"{decision.reference}.pdf",
        party=private_person_party(claim.reference),
        addressed_to="\n".join(context["addressee"]["lines"]),
        channel="",
        direction="outgoing",
        supersedes=replaces,
    )
    assert document.number == number, (document.number, number)
    if replaces is None:
        decision.letter = document
        decision.letter_language = language
        decision.save(update_fields=["letter", "letter_language"])
    return document


@shared_task(
    name="compensation.send_letter_email",
    base=ActorTask,
    ignore_result=True,
    **STORAGE_RETRY,  # the letter is read from storage; the database may be restarting
)
def send_compensation_email(decision_id: int, *, actor_id: int) -> None:
    decision = CompensationDecision.objects.select_related("claim__claimant", "letter").get(pk=decision_id)
    email_letter(
        decision.claim.claimant,
        current_letter(decision),
        language=decision.letter_language,
        body=gettext_noop(
            "Dear %(name)s,\n\nattached is the decision on your claim for compensation as a victim of crime.\n\n"
            "Social Insurance Board, victim support"
        ),
        event="compensation_decision_emailed",
        decision=decision.pk,
    )


# --- requests for information ---


@shared_task(
    name="compensation.render_request_letter",
    base=ActorTask,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
    **STORAGE_RETRY,
)
def render_request_letter(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, make_request_letter)


def make_request_letter(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the letter"))
    with transaction.atomic():
        request = (
            InformationRequest.objects.select_for_update(of=("self",))
            .select_related("claim__claimant", "claim__crime__victim", "created_by")
            .get(pk=job.target_id)
        )
        document = request.letter
        if document is None:  # run twice, this finds the first run's letter
            job_progress(job, 30, gettext_noop("Rendering the letter"))
            document = _register_request(request, job.created_by)
    return JobResult(
        gettext_noop("The letter is ready."), reverse("compensation:claim", args=[request.claim_id]), document
    )


def _register_request(request: InformationRequest, actor: User):
    claim = request.claim
    matter, number = claim_matter(claim)
    signer = request.created_by
    context = {
        "request": request,
        "claim": claim,
        "crime": claim.crime,
        "number": number,
        "date": request.sent_on,
        "addressee": {"name": request.recipient_name, "lines": request.recipient_address.splitlines()},
        "signer": {"name": signer.get_full_name() or signer.username, "position": signer.position},
        "restricted": True,
        "restriction_basis": "AvTS § 35 lg 1 p 1 ja p 12",
    }
    pdf = render_pdf("compensation/letters/request_et.html", context, language="et")
    document = register_document(
        matter=matter,
        title=f"Päring: {request.recipient_name} ({claim.reference})"[:300],
        doc_type="information_request",
        responsible=signer,
        content=pdf,
        filename=f"{request.reference}.pdf",
        party=request.recipient_name,
        addressed_to="\n".join([request.recipient_name, *context["addressee"]["lines"]]),
        channel="",
        direction="outgoing",
        reply_due=request.reply_due_on,
    )
    assert document.number == number, (document.number, number)
    InformationRequest.objects.filter(pk=request.pk).update(letter=document)
    return document
