"""The decision letter: what an administrative act must say (HMS), rendered in a worker, registered in
the document register and stored with its checksum. Generating twice gives one document."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop, override

from cases.aid_rules import RULE_TEXT
from cases.contact import address_changed, letter_address
from cases.models import AidDecision, DecisionKindSetting
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run
from victimsupport.letters import render_pdf
from victimsupport.models import RegisterMatter, User
from victimsupport.register import open_matter, private_person_party, register_document, series_for

LETTER_LANGUAGES = ("et", "en")
CHALLENGE_DAYS = 30


def letter_language(decision: AidDecision) -> str:
    language = decision.application.applicant.language
    return language if language in LETTER_LANGUAGES else settings.LANGUAGE_CODE


def addressee_block(decision: AidDecision) -> dict:
    """Name and the address the safe-contact rules allow (cases.contact.letter_address)."""
    return letter_address(decision.application.applicant)


def letter_context(decision: AidDecision, language: str, number: str) -> dict:
    application = decision.application
    with override(language):
        setting = DecisionKindSetting.objects.filter(kind=decision.kind).first()
        legal_basis = decision.legal_basis
        if language == "en" and setting is not None and setting.legal_basis_en:
            legal_basis = setting.legal_basis_en
        rule_text = RULE_TEXT.get(decision.eligibility_rule)
        eligibility = decision.eligibility_explanation
        if rule_text is not None and "%(" not in str(rule_text):
            eligibility = str(rule_text)
        return {
            "decision": decision,
            "application": application,
            "person": application.applicant,
            "number": number,
            "date": decision.decision_date,
            "addressee": addressee_block(decision),
            "legal_basis": legal_basis,
            "eligibility": eligibility,
            "challenge_days": CHALLENGE_DAYS,
            "signer": {"name": decision.signer_name, "position": decision.signer_position},
            "restricted": True,
            "restriction_basis": "AvTS § 35 lg 1 p 12",
        }


def render_letter(context: dict, language: str, *, preview: bool = False) -> bytes:
    """The decision letter's PDF from its context (letter_context), as registered or as a preview."""
    return render_pdf(f"cases/letters/aid_decision_{language}.html", context, language=language, preview=preview)


def letter_preview(decision: AidDecision) -> bytes:
    """The letter a draft or a decision waiting for approval would become: not registered, not sealed,
    marked as a draft, dated today, without a signature (the decision is signed when it is issued)."""
    language = letter_language(decision)
    context = letter_context(decision, language, number="")
    context["date"] = decision.decision_date or timezone.localdate()
    return render_letter(context, language, preview=True)


def current_letter(decision: AidDecision):
    """The letter in force: the first one, or the newest document that replaced it."""
    letter = decision.letter
    while letter is not None:
        newer = letter.superseded_by.order_by("-id").first()
        if newer is None:
            return letter
        letter = newer
    return None


def letter_is_stale(decision, letter=None, *, person=None) -> bool:
    """Whether the address printed on the letter is no longer the one the safe-contact rules allow
    (the rules changed after it was rendered; a letter from before addresses were recorded counts as
    stale). Such a letter is not posted: it is re-issued to the allowed address."""
    letter = letter or current_letter(decision)
    return letter is not None and address_changed(letter, person or decision.application.applicant)


@shared_task(
    name="cases.render_decision_letter",
    base=ActorTask,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
    **STORAGE_RETRY,
)
def render_decision_letter(job_id: int, *, actor_id: int) -> None:
    render_decision_letter_job(job_id)


def render_decision_letter_job(job_id: int) -> None:
    job_run(job_id, _make_decision_letter)


def _make_decision_letter(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the letter"))
    with transaction.atomic():
        decision = (
            AidDecision.objects.select_for_update(of=("self",))
            .select_related("application__applicant", "application__case", "application__register_matter")
            .get(pk=job.target_id)
        )
        document = current_letter(decision)
        if document is None or letter_is_stale(decision, document):
            # Run twice, this finds the first run's letter and makes nothing more.
            job_progress(job, 30, gettext_noop("Rendering the letter"))
            document = _register_letter(decision, job.created_by, replaces=document)
    return JobResult(gettext_noop("The letter is ready."), reverse("cases:aid-decision", args=[decision.pk]), document)


def _register_letter(decision: AidDecision, actor: User, replaces=None):

    application = decision.application
    language = letter_language(decision)
    matter = application.register_matter
    series = series_for("aid_decision")
    if matter is None:
        matter = open_matter(series=series, title=f"TTTVT {application.reference}")
        type(application).objects.filter(pk=application.pk).update(register_matter=matter)
    # The number is known before rendering: the matter row is locked until this transaction ends.
    RegisterMatter.objects.select_for_update().get(pk=matter.pk)
    number = f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"
    context = letter_context(decision, language, number) | {"replaces": replaces}
    pdf = render_letter(context, language)
    with override("et"):
        title = f"{decision.get_kind_display()}: {application.reference}"
        if replaces is not None:
            title = f"{title} (asendab kirja {replaces.number})"
    document = register_document(
        matter=matter,
        title=title,
        doc_type="aid_decision",
        responsible=decision.signer or actor,
        content=pdf,
        filename=f"{decision.reference}.pdf",
        party=private_person_party(application.reference),
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
