# Imports inside functions here: models and what uses them load only once the app registry is ready.
from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.utils.translation import gettext_lazy as _


class PlatformConfig(AppConfig):
    name = "victimsupport"
    label = "victimsupport"
    verbose_name = _("Users, regions and registers")

    def ready(self) -> None:
        from celery.signals import task_prerun, task_success
        from django.db.models.signals import post_migrate

        from victimsupport import (
            signals,  # noqa: F401
            usercache,
        )
        from victimsupport.scheduled import run_done, run_started
        from victimsupport.sql import install_col_identity

        install_col_identity()
        usercache.connect()
        post_migrate.connect(_reference_data_after_migrate, sender=self)
        task_prerun.connect(run_started, weak=False)
        task_success.connect(run_done, weak=False)


def _reference_data_after_migrate(sender, apps=None, **kwargs) -> None:
    """After migrate or flush (tests): the reference data is there again."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    from victimsupport.reference import ensure_reference_data

    apps = apps or global_apps
    try:
        apps.get_model("victimsupport", "Region")
    except LookupError:
        return
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    ensure_reference_data(apps)


class AdminConfig(DjangoAdminConfig):
    default_site = "victimsupport.admin_site.VictimSupportAdminSite"
