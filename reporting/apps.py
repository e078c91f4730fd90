# Imports inside functions here: models and what uses them load only once the app registry is ready.
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Statistics and reports")

    def ready(self) -> None:
        from victimsupport.audit import register_object_type

        register_object_type("reporting.statisticsrun", _("statistics"))
