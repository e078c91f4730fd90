from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MaracConfig(AppConfig):
    name = "marac"
    verbose_name = _("MARAC networks")

    def ready(self):
        from marac import startpage  # noqa: F401  (start page panels)
        from victimsupport.audit import register_object_type

        register_object_type("marac.maraccase", _("MARAC case"))
        register_object_type("marac.riskassessment", _("risk assessment"))

        post_migrate.connect(_reference_after_migrate, sender=self)


def _reference_after_migrate(sender, apps=None, **kwargs) -> None:
    """After migrate or flush (tests): the default risk questionnaire is there again."""
    from django.apps import apps as global_apps

    from marac.reference import ensure_dash  # the app registry is ready only now

    apps = apps or global_apps
    try:
        apps.get_model("marac", "Questionnaire")
    except LookupError:
        return
    ensure_dash(apps)
