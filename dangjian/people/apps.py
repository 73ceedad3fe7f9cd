from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dangjian.people"
    verbose_name = "人员档案"

    def ready(self) -> None:
        from dangjian.audit import ledger
        from dangjian.people.models import Person

        # What the counts, the statistics and the rule checks read (not the ID number or phone: a
        # seal must not become a copy of personal identifiers). See audit/ledger.py.
        ledger.register(
            Person,
            fields=[
                "name", "gender", "birth_date", "org", "standing", "category", "education",
                "on_probation_watch", "applied_on", "activist_on", "candidate_on", "admitted_on",
                "converted_on", "reduction", "reduced_on",
            ],
            label="name",
        )  # fmt: skip
