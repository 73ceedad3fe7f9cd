from django.apps import AppConfig


class MobilizationConfig(AppConfig):
    name = "dangjian.mobilization"
    verbose_name = "战时动员"
