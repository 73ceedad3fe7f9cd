from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangjian.orgs"
    verbose_name = "党组织"

    def ready(self) -> None:
        from dangjian.audit import ledger
        from dangjian.orgs.models import Org

        # The tree (path), the kind and authority the rules check, what the statistics count by.
        ledger.register(
            Org,
            fields=[
                "path", "code", "name", "kind", "unit_type", "has_approval_authority", "is_local_committee",
                "founded_on", "dissolved_on",
            ],
            label="name",
        )  # fmt: skip
