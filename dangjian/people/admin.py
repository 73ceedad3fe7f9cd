from django.contrib import admin

from dangjian.people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Read-only: files are written through the services so every change is checked and recorded."""

    list_display = ["name", "gender", "standing", "category", "org", "reduction"]
    list_filter = ["standing", "category", "reduction"]
    search_fields = ["name", "name_initials"]
    exclude = ["id_number", "phone"]
    list_select_related = ["org"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
