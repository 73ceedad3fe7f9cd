"""Read-only admin: every write goes through the services (checked, counted, logged)."""

from django.contrib import admin

from dangjian.transfers.models import Transfer, TransferEvent


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(_ReadOnly):
    list_display = ("person", "from_org", "to_org", "status", "letter_no", "submitted_on", "valid_until")
    list_filter = ("status", "reason")


@admin.register(TransferEvent)
class TransferEventAdmin(_ReadOnly):
    list_display = ("transfer", "kind", "from_status", "to_status", "on", "actor_name")
