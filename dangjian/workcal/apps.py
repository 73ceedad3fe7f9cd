from django.apps import AppConfig


class WorkcalConfig(AppConfig):
    name = "dangjian.workcal"
    verbose_name = "工作日历"
