from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrisisConfig(AppConfig):
    name = "crisis"
    verbose_name = _("Psychosocial crisis response")

    def ready(self):
        from cases.intake_sources import register_intake_source
        from crisis.intake import SOURCE
        from victimsupport.audit import register_object_type

        register_intake_source(SOURCE)
        register_object_type("crisis.registration", _("crisis registration"))
