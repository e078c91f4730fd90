"""The referral letter to the provider: only what the provider needs (the person's name, the contact the
person allows, the scope and the referral number). Rendered in a worker, registered, never changed: an
extension of the referral is a new letter in the same matter that refers to the earlier one."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases.choices import Channel
from cases.contact import contact_facts, may_contact
from referrals.models import Referral, ReferralExtension
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run
from victimsupport.letters import render_pdf
from victimsupport.models import RegisterMatter, User
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


@shared_task(
    name="referrals.render_referral_letter",
    base=ActorTask,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
    **STORAGE_RETRY,
)
def render_referral_letter(job_id: int, *, actor_id: int) -> None:
    render_referral_letter_job(job_id)


def render_referral_letter_job(job_id: int) -> None:
    job_run(job_id, _make_referral_letter)


def _make_referral_letter(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the letter"))
    with transaction.atomic():
        if job.target_type == ReferralExtension._meta.label_lower:
            extension = ReferralExtension.objects.select_for_update(of=("self",)).get(pk=job.target_id)
            referral = extension.referral
            document = extension.letter if extension.letter_id else _register_extension(extension, job.created_by)
        else:
            referral = (
                Referral.objects.select_for_update(of=("self",))
                .select_related("provider", "entitlement__person", "specialist", "decision")
                .get(pk=job.target_id)
            )
            document = referral.letter if referral.letter_id else _register(referral, job.created_by)
    return JobResult(gettext_noop("The letter is ready."), reverse("referrals:referral", args=[referral.pk]), document)


def _register(referral: Referral, actor: User):
    matter = open_matter(series=series_for("referral"), title=f"Suunamine {referral.reference}")
    return _register_in(matter, referral, actor)


def _register_extension(extension: ReferralExtension, actor: User):
    """The letter of an extension: in the referral's matter, referring to (superseding) the latest earlier
    letter, stating the scope after the extension."""
    referral = Referral.objects.select_related("provider", "entitlement__person", "specialist", "letter").get(
        pk=extension.referral_id
    )
    previous = (
        ReferralExtension.objects.filter(referral=referral, pk__lt=extension.pk, letter__isnull=False)
        .select_related("letter")
        .order_by("-pk")
        .first()
    )
    earlier = previous.letter if previous is not None else referral.letter
    if earlier is not None:
        matter = earlier.matter
    else:
        matter = open_matter(series=series_for("referral"), title=f"Suunamine {referral.reference}")
    document = _register_in(matter, referral, actor, extension=extension, earlier=earlier)
    extension.letter = document
    extension.save(update_fields=["letter"])
    return document


def _register_in(matter, referral: Referral, actor: User, *, extension: ReferralExtension | None = None, earlier=None):
    matter = RegisterMatter.objects.select_for_update().select_related("series").get(pk=matter.pk)
    number = f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"
    person = referral.entitlement.person
    context = {
        "extension": extension,
        "earlier": earlier,
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
        title=f"Suunamiskirja muudatus {referral.reference}" if extension else f"Suunamiskiri {referral.reference}",
        doc_type="referral",
        responsible=actor,
        content=pdf,
        filename=f"{referral.reference}.pdf",
        party=referral.provider.name,
        direction="outgoing",
        supersedes=earlier,
    )
    if extension is None:
        referral.letter = document
        referral.save(update_fields=["letter"])
    return document
