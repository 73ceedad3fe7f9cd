from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dangjian.meetings.models import Meeting, Resolution


class _ReadOnly(admin.ModelAdmin):
    """Read-only: meetings are recorded through the services so every change is checked and logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(_ReadOnly):
    list_display = [
        "held_on",
        "org",
        "kind",
        "title",
        "expected_voters",
        "present_voters",
        "written_opinions",
    ]
    list_filter = ["kind", "online"]
    search_fields = ["title", "org__name", "org__code"]
    list_select_related = ["org"]
    date_hierarchy = "held_on"
    show_full_result_count = False


@admin.register(Resolution)
class ResolutionAdmin(_ReadOnly):
    list_display = ["meeting", "person", "motion", "yes", "no", "abstain", "written_yes", "passed"]
    list_filter = ["motion"]
    search_fields = ["person__name"]
    list_select_related = ["meeting", "meeting__org", "person"]
    show_full_result_count = False

    @admin.display(boolean=True, description=_("获得通过"))
    def passed(self, obj):
        return obj.passed
