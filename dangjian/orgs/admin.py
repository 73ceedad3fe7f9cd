from django.contrib import admin

from dangjian.orgs.models import Org


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    """Read-mostly: tree writes go through the services (the org pages), never raw saves."""

    list_display = ["name", "code", "kind", "unit_type", "has_approval_authority", "dissolved_on"]
    list_filter = ["kind", "unit_type", "has_approval_authority"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth", "numchild"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
