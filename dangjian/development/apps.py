from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "dangjian.development"
    verbose_name = "发展党员"

    def ready(self) -> None:
        from dangjian.audit import ledger
        from dangjian.base import panels
        from dangjian.development.panels import ORG_LINKS, PERSON_CASE

        panels.register("person", PERSON_CASE)
        from dangjian.base import hooks
        from dangjian.development.standing import derived_standing

        hooks.register_standing_source(derived_standing)
        from dangjian.development.services.cases import case_follow_person

        hooks.register_move_listener(case_follow_person)
        panels.register("org", ORG_LINKS)
        from dangjian.development import chain
        from dangjian.development.models import Case, Evidence, RuleSet

        # Not created_by / uploaded_by: SET_NULL when a user is deleted, which is no tampering.
        ledger.register(
            Case,
            fields=[
                "person", "org", "status", "status_reason", "stage", "last_step", "last_step_on",
                "special_basis", "is_backfill", "blocking",
            ],
            label="person__name",
        )  # fmt: skip
        ledger.register(
            Evidence, fields=["record", "kind", "number", "file", "title"], label="record__case__person__name"
        )
        ledger.register(
            RuleSet,
            fields=["code", "parent", "org", "effective_from", "effective_to", "overrides", "is_active"],
            label="name",
        )
        ledger.register_chain(
            "step",
            ledger.ChainHook(
                title="全程纪实", verify=chain.verify_lines, state=chain.head_state, check=chain.anchor_check
            ),
        )
