from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dangjian.training"
    verbose_name = "培训与学时"

    def ready(self) -> None:
        from dangjian.base import panels
        from dangjian.training.panels import ORG_LINK, PERSON_TRAININGS

        panels.register("org", ORG_LINK)
        panels.register("person", PERSON_TRAININGS)
        from dangjian.documents.sections import Section, register_section
        from dangjian.training.briefing import section

        register_section(Section("training", section, order=30))
