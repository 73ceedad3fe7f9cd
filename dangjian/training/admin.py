from django.contrib import admin

from dangjian.training.models import Participation, TrainingClass


class _ReadOnly(admin.ModelAdmin):
    """Read-only: training records are written through the services so every change is checked and logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrainingClass)
class TrainingClassAdmin(_ReadOnly):
    list_display = ["name", "kind", "org", "start_on", "end_on", "days", "hours"]
    list_filter = ["kind", "online"]
    search_fields = ["name", "org__name", "org__code"]
    list_select_related = ["org"]
    date_hierarchy = "start_on"
    show_full_result_count = False


@admin.register(Participation)
class ParticipationAdmin(_ReadOnly):
    list_display = ["training_class", "person", "category", "completed", "completed_on", "hours"]
    list_filter = ["category", "completed"]
    search_fields = ["person__name", "training_class__name"]
    list_select_related = ["training_class", "person"]
    show_full_result_count = False
