from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    name = "dangjian.interchange"
    verbose_name = "台账导入导出"
