# Imports inside functions here: models and what uses them load only once the app registry is ready.
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Providers, referrals and invoices")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from referrals import startpage  # noqa: F401  (start page panels)
        from victimsupport.audit import register_object_type

        post_migrate.connect(_settings_row_after_migrate, sender=self)
        register_object_type("referrals.referral", _("referral"))
        register_object_type("referrals.invoice", _("invoice"))
        register_object_type("referrals.paymentexport", _("payment export"))


def _settings_row_after_migrate(sender, apps=None, **kwargs) -> None:
    """The billing settings exist from the start (an administrator changes them in the admin)."""
    from django.apps import apps as global_apps

    apps = apps or global_apps
    try:
        BillingPolicy = apps.get_model("referrals", "BillingPolicy")
    except LookupError:
        return
    if not BillingPolicy.objects.exists():
        BillingPolicy.objects.create()
