from django.contrib import admin

from dangjian.talent.models import PoolEntry, PoolReview, PoolTask


class _ReadOnly(admin.ModelAdmin):
    """Read-only: the pool is written through the services so every change is checked and logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PoolEntry)
class PoolEntryAdmin(_ReadOnly):
    list_display = ["name", "org", "source", "reserved_for", "registered_on", "status"]
    list_filter = ["status", "source", "reserved_for"]
    search_fields = ["name", "org__name", "org__code"]
    list_select_related = ["org"]
    show_full_result_count = False


@admin.register(PoolReview)
class PoolReviewAdmin(_ReadOnly):
    list_display = ["entry", "year", "result", "reviewed_on"]
    list_filter = ["result", "year"]
    list_select_related = ["entry"]
    show_full_result_count = False


@admin.register(PoolTask)
class PoolTaskAdmin(_ReadOnly):
    list_display = ["title", "entry", "assigned_on", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["entry"]
    show_full_result_count = False
