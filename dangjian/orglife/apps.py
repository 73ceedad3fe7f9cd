from django.apps import AppConfig


class OrgLifeConfig(AppConfig):
    name = "dangjian.orglife"
    label = "orglife"
    verbose_name = "组织生活"

    def ready(self) -> None:
        from dangjian.base import panels
        from dangjian.development import due
        from dangjian.meetings import hooks, roster
        from dangjian.orglife import panels as life_panels
        from dangjian.orglife import reminders, selectors

        due.register_source(reminders.SOURCE, reminders.KINDS, reminders.compute)
        roster.register_committee_source(selectors.committee_member_ids)
        hooks.register_meetings_changed(selectors.refresh_reminders)
        panels.register("org", life_panels.ORG_COMMITTEE)
        panels.register("org", life_panels.ORG_LINK)
        panels.register("stats", life_panels.STATS_CARD)
        from dangjian.documents.sections import Section, register_section
        from dangjian.orglife.briefing import section

        register_section(Section("orglife", section, order=10))
