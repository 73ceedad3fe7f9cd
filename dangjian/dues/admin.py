"""Read-only admin of the dues records: every write goes through the services (checked, logged,
the aggregates kept). The base (income) is not shown here either."""

from django.contrib import admin

from dangjian.dues.models import (
    Allocation,
    AllocationLine,
    DuesMonth,
    DuesNorm,
    DuesPayment,
    DuesRelief,
    FundOpening,
    FundRequest,
    HandUp,
    LapseDecision,
    OrgMonth,
    Spending,
)


class _ReadOnly(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DuesNorm)
class DuesNormAdmin(_ReadOnly):
    list_display = ["person", "from_month", "category", "amount_fen", "rule", "ruleset"]
    list_filter = ["category", "rule"]
    search_fields = ["person__name"]
    list_select_related = ["person"]
    exclude = ["income_fen"]  # personal data


@admin.register(DuesPayment)
class DuesPaymentAdmin(_ReadOnly):
    list_display = [
        "person",
        "org",
        "kind",
        "month",
        "paid_on",
        "amount_fen",
        "to_centre",
        "way",
        "reversed_on",
    ]
    list_filter = ["kind", "way", "to_centre"]
    search_fields = ["person__name", "receipt"]
    list_select_related = ["person", "org"]
    date_hierarchy = "paid_on"


@admin.register(DuesMonth)
class DuesMonthAdmin(_ReadOnly):
    list_display = ["person", "org", "month", "due_fen", "paid_fen", "relieved", "settled"]
    list_filter = ["settled", "relieved"]
    list_select_related = ["person", "org"]


@admin.register(OrgMonth)
class OrgMonthAdmin(_ReadOnly):
    list_display = [
        "org",
        "month",
        "members",
        "due_fen",
        "paid_fen",
        "opening_fen",
        "collected_fen",
        "closing_fen",
    ]
    list_select_related = ["org"]


class _LineInline(admin.TabularInline):
    model = AllocationLine
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Allocation)
class AllocationAdmin(_ReadOnly):
    list_display = ["title", "org", "purpose", "allocated_on", "amount_fen", "campaign"]
    list_filter = ["purpose"]
    search_fields = ["title", "org__name"]
    list_select_related = ["org", "campaign"]
    inlines = [_LineInline]


for model, fields in (
    (DuesRelief, ["person", "org", "kind", "from_month", "to_month", "status", "approver"]),
    (HandUp, ["org", "to_org", "to_name", "handed_on", "amount_fen", "centre_fen"]),
    (Spending, ["org", "purpose", "spent_on", "amount_fen", "allocation"]),
    (FundOpening, ["org", "month", "amount_fen"]),
    (FundRequest, ["org", "to_org", "purpose", "amount_fen", "status"]),
    (LapseDecision, ["person", "org", "first_month", "months", "outcome", "decided_on"]),
):
    admin.site.register(model, type(f"{model.__name__}Admin", (_ReadOnly,), {"list_display": fields}))
