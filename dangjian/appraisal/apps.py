from django.apps import AppConfig


class AppraisalConfig(AppConfig):
    name = "dangjian.appraisal"
    verbose_name = "民主评议党员"

    def ready(self) -> None:
        from dangjian.appraisal.panels import ORG_LINK, PERSON_GRADES
        from dangjian.base import panels

        panels.register("org", ORG_LINK)
        panels.register("person", PERSON_GRADES)
        from dangjian.appraisal.briefing import section
        from dangjian.documents.sections import Section, register_section

        register_section(Section("appraisal", section, order=20))
