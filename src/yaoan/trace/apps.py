from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceConfig(AppConfig):
    name = "yaoan.trace"
    label = "trace"
    verbose_name = _("药品追溯")
