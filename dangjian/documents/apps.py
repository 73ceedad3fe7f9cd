from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "dangjian.documents"
    label = "documents"
    verbose_name = "文书报表"
