from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "dangjian.transfers"
    label = "transfers"
    verbose_name = "组织关系转接"

    def ready(self) -> None:
        from dangjian.base import panels
        from dangjian.transfers import panels as transfer_panels

        panels.register("person", transfer_panels.PERSON_TRANSFER)
        panels.register("org", transfer_panels.ORG_LINK)
        from dangjian.development import due
        from dangjian.transfers import reminders

        due.register_source(reminders.SOURCE, reminders.KINDS, reminders.compute)
