from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "dangjian.talent"
    verbose_name = "人才与干部"

    def ready(self) -> None:
        from dangjian.base import panels
        from dangjian.talent.panels import ORG_LINK, PERSON_POOL

        panels.register("org", ORG_LINK)
        panels.register("person", PERSON_POOL)
