"""The Celery application. Tasks are thin: ids in, a service called, nothing personal in arguments."""

import os

from celery import Celery
from celery.contrib.django.task import DjangoTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimsupport.settings")

app = Celery("victimsupport", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class ActorTask(DjangoTask):
    """A task called with actor_id=<user id> runs as that user: change history records them."""

    def __call__(self, *args, **kwargs):
        actor_id = kwargs.get("actor_id")
        if actor_id is None:
            return super().__call__(*args, **kwargs)
        # Inside: this module is imported before Django is set up (the worker starts from it).
        from victimsupport.history import acting_as
        from victimsupport.models import User

        with acting_as(User.objects.get(pk=actor_id)):
            return super().__call__(*args, **kwargs)
