from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "volunteers"
    verbose_name = _("Volunteers")

    def ready(self):
        from volunteers import startpage  # noqa: F401  (start page panels)

        post_migrate.connect(_expense_rules_after_migrate, sender=self)


def _expense_rules_after_migrate(sender, apps=None, **kwargs) -> None:
    """After migrate or flush (tests): the known expense rules are there again."""
    from django.apps import apps as global_apps

    from volunteers.reference import ensure_expense_rules  # the app registry is ready only now

    apps = apps or global_apps
    try:
        apps.get_model("volunteers", "ExpenseRule")
    except LookupError:
        return
    ensure_expense_rules(apps)
