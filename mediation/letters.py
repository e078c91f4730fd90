"""The mediator's report to the prosecutor's office or the court: a registered outgoing letter in the
mediation's register matter, made in a worker. It names the parties but never their contact details or
addresses (the offender may read it in the criminal file)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from mediation.models import Mediation
from victimsupport.celery import ActorTask
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run
from victimsupport.letters import render_pdf
from victimsupport.models import RegisterMatter, User
from victimsupport.register import open_matter, register_document, series_for


@shared_task(
    name="mediation.render_report",
    base=ActorTask,
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
    **STORAGE_RETRY,
)
def render_report(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, make_report)


def make_report(job) -> JobResult:
    job_progress(job, 10, gettext_noop("Preparing the letter"))
    with transaction.atomic():
        mediation = (
            Mediation.objects.select_for_update(of=("self",))
            .select_related("victim", "offender", "mediator", "region")
            .get(pk=job.target_id)
        )
        done = job.params.get("report_id")
        document = mediation.report if done and mediation.report_id == done else None
        if document is None:  # run twice, this finds the first run's report
            job_progress(job, 30, gettext_noop("Rendering the letter"))
            document = register_report(mediation, job.created_by)
            job.params["report_id"] = document.pk
            type(job).objects.filter(pk=job.pk).update(params=job.params)
    return JobResult(
        gettext_noop("The letter is ready."), reverse("mediation:mediation", args=[mediation.pk]), document
    )


def mediation_matter(mediation: Mediation) -> tuple[RegisterMatter, str]:
    """The mediation's matter (opened with its first letter), locked, and the number of its next document."""
    matter = (
        RegisterMatter.objects.filter(pk=mediation.register_matter_id).first() if mediation.register_matter_id else None
    )
    if matter is None:
        matter = open_matter(series=series_for("mediation"), title=f"Lepitusmenetlus {mediation.reference}")
        Mediation.objects.filter(pk=mediation.pk).update(register_matter=matter)
        mediation.register_matter = matter
    matter = RegisterMatter.objects.select_for_update().select_related("series").get(pk=matter.pk)
    return matter, f"{matter.series.code}/{matter.running_number}-{matter.last_sequence + 1}"


# From criminal proceedings, and about the parties' private lives.
RESTRICTION_BASIS = "AvTS § 35 lg 1 p 1 ja p 12"


def report_context(mediation: Mediation, number: str, signer: User) -> dict:
    return {
        "mediation": mediation,
        "number": number,
        "date": timezone.localdate(),
        "addressee": {"name": mediation.referring_body, "lines": []},
        "meetings": list(mediation.meetings.order_by("held_on", "id")),
        "obligations": list(mediation.obligations.order_by("due_on", "id")),
        "signer": {
            "name": signer.get_full_name() or signer.username,
            "position": "lepitaja" if signer.pk == mediation.mediator_id else signer.position,
        },
        "mediator_name": mediation.mediator.get_full_name() if mediation.mediator else "",
        "restricted": True,
        "restriction_basis": RESTRICTION_BASIS,
    }


def register_report(mediation: Mediation, actor: User):
    """The report, signed by whoever made it (the mediator, or a member of staff), superseding the one
    before."""
    matter, number = mediation_matter(mediation)
    signer = actor
    pdf = render_pdf("mediation/letters/report_et.html", report_context(mediation, number, signer), language="et")
    document = register_document(
        matter=matter,
        title=f"Lepitaja aruanne: {mediation.reference} ({mediation.proceedings_number})"[:300],
        doc_type="mediation_report",
        responsible=signer,
        content=pdf,
        filename=f"{mediation.reference}-aruanne.pdf",
        party=mediation.referring_body,
        addressed_to=mediation.referring_body,
        channel="",
        direction="outgoing",
        restriction_basis=RESTRICTION_BASIS,
        supersedes=mediation.report,
    )
    assert document.number == number, (document.number, number)
    Mediation.objects.filter(pk=mediation.pk).update(report=document)
    mediation.report = document
    return document
