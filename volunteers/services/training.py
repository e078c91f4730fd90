"""Trainings: the coordinator records an event with its attendees, approves the hours, and a certificate
of attendance is made as a PDF by the letter machinery (in a worker)."""

from __future__ import annotations

from decimal import Decimal

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victimsupport.celery import ActorTask
from victimsupport.concurrency import assign_fields
from victimsupport.jobs import STORAGE_RETRY, JobResult, job_progress, job_run, job_start
from victimsupport.letters import render_pdf
from victimsupport.models import Job, Role, User
from victimsupport.rules import check_field_rules, not_future
from volunteers.models import Training, TrainingAttendance, Volunteer

TRAINING_FIELDS = ["kind", "topic", "held_on", "hours", "trainer", "region"]
TRAINING_RULES = (not_future("held_on"),)


def _coordinator(actor: User) -> None:
    if not actor.has_role(Role.COORDINATOR):
        raise PermissionDenied


@transaction.atomic
def training_add(*, actor: User, attendees, **fields) -> Training:
    """A training held, with the volunteers (or candidates) who attended; their hours start unapproved."""
    _coordinator(actor)
    training = Training(created_by=actor)
    assign_fields(training, fields, TRAINING_FIELDS)
    check_field_rules(*TRAINING_RULES, held_on=training.held_on)
    training.full_clean()
    training.save()
    attendees = list(attendees)
    if not attendees:
        raise ValidationError({"attendees": _("Choose who attended.")})
    if Volunteer.objects.restrict(actor).filter(pk__in=[v.pk for v in attendees]).count() != len(attendees):
        raise ValidationError({"attendees": _("Choose who attended.")})
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, volunteer=volunteer, hours=training.hours) for volunteer in attendees]
    )
    return training


@transaction.atomic
def training_hours_approve(*, actor: User, training: Training) -> int:
    """The coordinator approves the hours of everyone who attended and is not approved yet."""
    _coordinator(actor)
    pending = TrainingAttendance.objects.select_for_update().filter(
        training=training, attended=True, approved_at__isnull=True
    )
    count = 0
    now = timezone.now()
    for attendance in pending:
        attendance.approved_by, attendance.approved_at = actor, now
        attendance.save(update_fields=["approved_by", "approved_at"])
        count += 1
    if not count:
        raise ValidationError(_("Every attendee's hours are approved already."))
    return count


def approved_hours(volunteer: Volunteer) -> Decimal:
    return sum((a.hours for a in volunteer.trainings.filter(attended=True, approved_at__isnull=False)), Decimal("0"))


def certificate_pdf(attendance: TrainingAttendance, *, language: str = "et") -> bytes:
    training = attendance.training
    context = {
        "date": timezone.localdate(),
        "addressee": {"name": attendance.volunteer.full_name, "lines": []},
        "volunteer": attendance.volunteer,
        "training": training,
        "hours": attendance.hours,
        "signer": {
            "name": attendance.approved_by.get_full_name() if attendance.approved_by else "",
            "position": _("coordinator"),
        },
    }
    return render_pdf("volunteers/letters/certificate.html", context, language=language)


def certificate_request(*, actor: User, attendance: TrainingAttendance) -> Job:
    """A job that makes the certificate of attendance (approved hours only)."""
    if not TrainingAttendance.objects.restrict(actor).filter(pk=attendance.pk).exists():
        raise PermissionDenied
    if not attendance.attended or attendance.approved_at is None:
        raise ValidationError(_("A certificate is made once the hours are approved."))
    job = job_start(
        render_certificate,
        kind="training_certificate",
        created_by=actor,
        params={"attendance": attendance.pk},
        message=gettext_noop("Waiting for a worker"),
    )
    return job


@shared_task(name="volunteers.render_certificate", base=ActorTask, time_limit=120, soft_time_limit=100, **STORAGE_RETRY)
def render_certificate(job_id: int, *, actor_id: int) -> None:
    job_run(job_id, _make_certificate)


def _make_certificate(job) -> JobResult:
    attendance = TrainingAttendance.objects.select_related("training", "volunteer", "approved_by").get(
        pk=job.params["attendance"]
    )
    job_progress(job, 30, gettext_noop("Rendering the certificate"))
    pdf = certificate_pdf(attendance)
    job.result_name = f"tunnistus-{attendance.training.held_on:%Y%m%d}-{attendance.pk}.pdf"
    job.result_file.save(job.result_name, ContentFile(pdf), save=False)
    return JobResult(gettext_noop("The certificate is ready."), reverse("job-download", args=[job.pk]))
