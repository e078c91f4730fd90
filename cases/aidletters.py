"""The decision letter: what an administrative act must say (HMS), rendered in a worker, registered in
the document register and stored with its checksum. Generating twice gives one document."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_noop, override

from cases.aid_rules import RULE_TEXT
from cases.choices import Channel
from cases.contact import contact_facts, may_contact
from cases.models import AidDecision, DecisionKindSetting
from victimsupport.jobs import job_claim, job_fail, job_finish, job_progress
from victimsupport.letters import render_pdf
from victimsupport.register import register_document, series_for

LETTER_LANGUAGES = ("et", "en")
CHALLENGE_DAYS = 30


def letter_language(decision: AidDecision) -> str:
    language = decision.application.applicant.language
    return language if language in LETTER_LANGUAGES else settings.LANGUAGE_CODE


def addressee_block(decision: AidDecision) -> dict:
    """Name and the address the safe-contact rules allow (post first, then e-mail); never the home
    address when the rules forbid it."""
    person = decision.application.applicant
    facts = contact_facts(person)
    for channel in (Channel.LETTER, Channel.EMAIL):
        decision_ok = may_contact(person, channel, facts=facts)
        if decision_ok:
            return {"name": person.full_name, "lines": decision_ok.destination}
    return {"name": person.full_name, "lines": []}


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


def render_decision_letter_job(job_id: int) -> None:
    job = job_claim(job_id)
    if job is None:
        return
    try:
        decision_id = job.target_id
        job_progress(job, 10, gettext_noop("Preparing the letter"))
        with transaction.atomic():
            decision = (
                AidDecision.objects.select_for_update(of=("self",))
                .select_related("application__applicant", "application__case", "application__register_matter")
                .get(pk=decision_id)
            )
            if decision.letter_id is None:
                job_progress(job, 30, gettext_noop("Rendering the letter"))
                document = _register_letter(decision, job.created_by)
            else:
                document = decision.letter
        job_finish(
            job,
            message=gettext_noop("The letter is ready."),
            result_url=reverse("cases:aid-decision", args=[decision_id]),
            document=document,
        )
    except Exception:
        job_fail(job, gettext_noop("The letter could not be made. Try again or tell the administrator."))
        raise


def _register_letter(decision: AidDecision, actor):
    from victimsupport.models import RegisterMatter

    application = decision.application
    language = letter_language(decision)
    matter = application.register_matter
    series = series_for("aid_decision")
    if matter is None:
        from victimsupport.register import open_matter

        matter = open_matter(series=series, title=f"TTTVT {application.reference}")
        type(application).objects.filter(pk=application.pk).update(register_matter=matter)
    # The number is known before rendering: the matter row is locked until this transaction ends.
    RegisterMatter.objects.select_for_update().get(pk=matter.pk)
    number = f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"
    pdf = render_pdf(
        f"cases/letters/aid_decision_{language}.html", letter_context(decision, language, number), language=language
    )
    with override("et"):
        title = f"{decision.get_kind_display()}: {application.reference}"
    document = register_document(
        matter=matter,
        title=title,
        doc_type="aid_decision",
        responsible=decision.signer or actor,
        content=pdf,
        filename=f"{decision.reference}.pdf",
        party=application.applicant.full_name,
        channel="",
        direction="outgoing",
    )
    assert document.number == number, (document.number, number)
    decision.letter = document
    decision.letter_language = language
    decision.save(update_fields=["letter", "letter_language"])
    return document
