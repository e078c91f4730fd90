from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = _("Mediation in criminal cases")

    def ready(self):
        from cases.services.grants import register_person_record_holder
        from mediation.grants import mediation_record_holders
        from victimsupport.audit import register_object_type

        register_person_record_holder(mediation_record_holders)
        register_object_type("mediation.mediation", _("mediation"))
