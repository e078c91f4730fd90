"""The Celery application. Tasks are thin: ids in, a service called, nothing personal in arguments."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimsupport.settings")

app = Celery("victimsupport", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class ActorTask(DjangoTask):
    """A task called with actor_id=<user id> runs as that user: change history records them. A job's task:
    tried again with growing pauses while the database is out of reach (a restart, a failover), the
    job's own state being in the database too."""

    def __call__(self, *args, **kwargs):
        actor_id = kwargs.get("actor_id")
        if actor_id is None:
            return super().__call__(*args, **kwargs)
        # Inside: this module is imported before Django is set up (the worker starts from it).
        from django.db import InterfaceError, OperationalError

        from victimsupport.history import acting_as
        from victimsupport.models import User

        try:
            actor = User.objects.get(pk=actor_id)
        except (OperationalError, InterfaceError) as exc:
            raise self.retry(exc=exc, countdown=min(600, 2 ** (self.request.retries or 0)), max_retries=8) from exc
        with acting_as(actor):
            return super().__call__(*args, **kwargs)
