from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrawsConfig(AppConfig):
    name = "yaoan.draws"
    label = "draws"
    verbose_name = _("双随机抽取")
