from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "dangjian.meetings"
    verbose_name = "会议记录"

    def ready(self) -> None:
        from dangjian.audit import ledger
        from dangjian.base import panels
        from dangjian.meetings.panels import ORG_LINK

        panels.register("org", ORG_LINK)
        from dangjian.meetings.models import Meeting, Resolution

        # Quorum and pass are computed from these counts, so they are sealed (audit/ledger.py).
        ledger.register(
            Meeting,
            fields=[
                "org",
                "kind",
                "held_on",
                "title",
                "expected_voters",
                "present_voters",
                "written_opinions",
                "online",
            ],
            label="title",
        )
        ledger.register(
            Resolution,
            fields=[
                "meeting", "person", "motion", "yes", "no", "abstain", "written_yes", "written_no",
                "written_abstain", "secret_ballot",
            ],
            label="person__name",
        )  # fmt: skip
