from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CompensationConfig(AppConfig):
    name = "compensation"
    verbose_name = _("Compensation for victims of crime")

    def ready(self):
        from cases.services.grants import register_person_record_holder
        from compensation.grants import claim_record_holders

        register_person_record_holder(claim_record_holders)
        post_migrate.connect(_rules_after_migrate, sender=self)


def _rules_after_migrate(sender, apps=None, **kwargs) -> None:
    """After migrate or flush (tests): the known compensation rules are there again."""
    from django.apps import apps as global_apps

    from compensation.reference import ensure_rules  # the app registry is ready only now

    apps = apps or global_apps
    try:
        apps.get_model("compensation", "CompensationRules")
    except LookupError:
        return
    ensure_rules(apps)
