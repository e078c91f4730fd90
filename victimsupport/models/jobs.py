"""Long work a person waits for: a row with status and progress that a page polls."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victimsupport.permissions.policies import OwnerOnly
from victimsupport.permissions.querysets import guarded
from victimsupport.status import status_properties


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("in progress")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


@status_properties
class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.CharField(_("message"), max_length=300, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Ids only, never personal data: the work is keyed by its target so that a rerun finds it.
    target_type = models.CharField(max_length=60, blank=True, default="")
    target_id = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # The Celery task that does the work (called with the job's id and actor_id): the sweeper sends it
    # again when the broker lost it (victimsupport.jobs.jobs_requeue_lost).
    task_name = models.CharField(max_length=200, blank=True, default="")
    # The id of the task (message) that claimed the job: only the same task, delivered again or retried,
    # may take over a job still "running" (another copy sent by the sweeper may not).
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    result_document = models.ForeignKey(
        "victimsupport.RegisteredDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    result_file = models.FileField(upload_to="jobs/%Y/%m/", max_length=300, blank=True)
    result_name = models.CharField(max_length=200, blank=True, default="")
    # Where the page sends the user when the job is done (a path inside the application).
    result_url = models.CharField(max_length=300, blank=True, default="")

    # A job and its result belong to the person who started it.
    objects = guarded(OwnerOnly("created_by"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_max_100"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="job_target_idx")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} {self.status}"

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}


class ScheduledRun(models.Model):
    """The last run of a task the beat schedule runs at set times (victimsupport.scheduled): the sweeper
    sends again a run whose time passed without one (the broker lost it, or beat was down then)."""

    name = models.CharField(max_length=200, unique=True)  # the Celery task's name
    started_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)  # last sent again by the sweeper
    claimed_on = models.DateField(null=True, blank=True)  # the local day a run claimed (claim_today)

    def __str__(self) -> str:
        return self.name
