# Imports inside functions here: models and what uses them load only once the app registry is ready.
from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from victimsupport.audit import register_object_type

        register_object_type("reporting.statisticsrun", _("statistics"))
        register_object_type("reporting.statistics", _("statistics"))
        register_object_type("reporting.feedbackresponse", _("client feedback"))
        post_migrate.connect(_reference_after_migrate, sender=self)


def _reference_after_migrate(sender, apps=None, **kwargs) -> None:
    """After migrate or flush (tests): the first feedback surveys are there."""
    from django.apps import apps as global_apps
    from django.core.exceptions import FieldDoesNotExist

    from reporting.reference import ensure_survey

    apps = apps or global_apps
    try:
        apps.get_model("reporting", "SurveyQuestion")._meta.get_field("correct_answer")
    except (LookupError, FieldDoesNotExist):  # migrating backwards past the surveys' purposes
        return
    ensure_survey(apps)
