from django.apps import AppConfig


class MobilizationConfig(AppConfig):
    name = "dangjian.mobilization"
    verbose_name = "战时动员"

    def ready(self) -> None:
        from dangjian.base import panels
        from dangjian.mobilization.panels import PERSON_ROLES

        panels.register("person", PERSON_ROLES)
        from dangjian.meetings import roster as meeting_roster
        from dangjian.mobilization import roster

        meeting_roster.register_temporary_source(roster.seconded_to)
        meeting_roster.register_away_source(roster.seconded_away)
