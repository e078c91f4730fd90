"""Reference data (see victimsupport.reference)."""

from django.db import migrations


def forward(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from victimsupport.reference import ensure_reference_data

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_reference_data(apps)


def backward(apps, schema_editor):
    """Reference data stays: later data may point at it."""


class Migration(migrations.Migration):
    dependencies = [("victimsupport", "0002_append_only_triggers"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forward, backward)]
