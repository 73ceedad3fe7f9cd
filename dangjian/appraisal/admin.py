from django.contrib import admin

from dangjian.appraisal.models import Appraisal, AppraisalEntry, FollowUp


class EntryInline(admin.TabularInline):
    model = AppraisalEntry
    extra = 0
    raw_id_fields = ("person",)
    readonly_fields = ("person", "grade", "is_probationary")
    can_delete = False


@admin.register(Appraisal)
class AppraisalAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (checks and change log)."""

    list_display = ("org", "year", "held_on", "created_at")
    list_filter = ("year",)
    search_fields = ("org__name", "org__code")
    raw_id_fields = ("org", "meeting", "created_by")
    inlines = [EntryInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("entry", "measure", "decided_on", "deadline", "outcome", "outcome_on")
    list_filter = ("measure", "outcome")
    raw_id_fields = ("entry",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
