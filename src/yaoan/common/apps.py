from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "yaoan.common"
    label = "common"
