from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dangjian.dues"
    label = "dues"
    verbose_name = "党费"

    def ready(self) -> None:
        from dangjian.base import panels
        from dangjian.documents.sections import Section, register_section
        from dangjian.dues import panels as dues_panels
        from dangjian.dues.briefing import section

        panels.register("org", dues_panels.ORG_LINK)
        panels.register("org", dues_panels.ORG_CARD)
        panels.register("person", dues_panels.PERSON_DUES)
        panels.register("stats", dues_panels.STATS_CARD)
        if "campaign" in panels.PAGES:
            panels.register("campaign", dues_panels.CAMPAIGN_CARD)
        register_section(Section("dues", section, order=40))
