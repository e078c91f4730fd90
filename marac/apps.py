from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaracConfig(AppConfig):
    name = "marac"
    verbose_name = _("MARAC networks")
