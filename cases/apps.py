# Imports inside functions here: models and what uses them load only once the app registry is ready.
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from cases import signals, startpage  # noqa: F401  (signal receivers, start page panels)

        post_migrate.connect(_reference_data_after_migrate, sender=self)
        _register_object_types()
        from cases.contact import PERSON_EMAIL, person_email_check
        from victimsupport.mail import register_delivery_check

        register_delivery_check(PERSON_EMAIL, person_email_check)
        from cases.templatetags.sealing import JINJA_GLOBALS
        from victimsupport.jinja import GLOBALS

        GLOBALS.update(JINJA_GLOBALS)


def _register_object_types() -> None:
    from django.utils.translation import gettext_lazy as _

    from victimsupport.audit import register_object_type

    for label, name in (
        ("cases.case", _("victim support case")),
        ("cases.person", _("personal data")),
        ("cases.attachment", _("case document")),
        ("cases.task", _("case task")),
        ("cases.aidapplication", _("aid application")),
        ("cases.aiddecision", _("aid decision")),
        ("victimsupport.registereddocument", _("registered document")),
    ):
        register_object_type(label, name)


def _reference_data_after_migrate(sender, apps=None, **kwargs) -> None:
    from django.apps import apps as global_apps

    from cases.reference import ensure_aid_reference_data

    apps = apps or global_apps
    try:
        apps.get_model("cases", "AidPolicy")
    except LookupError:
        return
    ensure_aid_reference_data(apps)
