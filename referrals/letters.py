"""The referral letter to the provider: only what the provider needs (the person's name, the contact the
person allows, the scope and the referral number). Rendered in a worker, registered, never changed."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases.choices import Channel
from cases.contact import contact_facts, may_contact
from referrals.models import Referral
from victimsupport.jobs import job_claim, job_fail, job_finish, job_progress
from victimsupport.letters import render_pdf
from victimsupport.models import RegisterMatter
from victimsupport.register import open_matter, register_document, series_for


def allowed_contacts(referral: Referral) -> list[str]:
    """The person's phone or e-mail, only where the safe-contact rules allow them."""
    person = referral.entitlement.person
    facts = contact_facts(person)
    lines = []
    for channel in (Channel.PHONE, Channel.EMAIL):
        decision = may_contact(person, channel, facts=facts)
        if decision:
            lines.append(f"{decision.label}: {', '.join(decision.destination)}")
    return lines


def render_referral_letter_job(job_id: int) -> None:
    job = job_claim(job_id)
    if job is None:
        return
    try:
        job_progress(job, 10, gettext_noop("Preparing the letter"))
        with transaction.atomic():
            referral = (
                Referral.objects.select_for_update(of=("self",))
                .select_related("provider", "entitlement__person", "specialist", "decision")
                .get(pk=job.target_id)
            )
            document = referral.letter if referral.letter_id else _register(referral, job.created_by)
        job_finish(
            job,
            message=gettext_noop("The letter is ready."),
            result_url=reverse("referrals:referral", args=[referral.pk]),
            document=document,
        )
    except Exception:
        job_fail(job, gettext_noop("The letter could not be made. Try again or tell the administrator."))
        raise


def _register(referral: Referral, actor):
    matter = open_matter(series=series_for("referral"), title=f"Suunamine {referral.reference}")
    matter = RegisterMatter.objects.select_for_update().select_related("series").get(pk=matter.pk)
    number = f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"
    person = referral.entitlement.person
    context = {
        "referral": referral,
        "person": person,
        "contacts": allowed_contacts(referral),
        "number": number,
        "date": timezone.localdate(),
        "addressee": {
            "name": referral.provider.name,
            "lines": [line for line in [referral.provider.address, referral.provider.email] if line],
        },
        "signer": {"name": actor.get_full_name() or actor.username, "position": actor.position},
        "restricted": True,
        "restriction_basis": "AvTS § 35 lg 1 p 12",
    }
    pdf = render_pdf("referrals/letters/referral_et.html", context, language="et")
    document = register_document(
        matter=matter,
        title=f"Suunamiskiri {referral.reference}",
        doc_type="referral",
        responsible=actor,
        content=pdf,
        filename=f"{referral.reference}.pdf",
        party=referral.provider.name,
        direction="outgoing",
    )
    referral.letter = document
    referral.save(update_fields=["letter"])
    return document
