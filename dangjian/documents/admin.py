"""Read-only admin views: jobs are started from the pages, templates replaced through /documents/templates/."""

from django.contrib import admin

from dangjian.documents.models import DocumentTemplate, ExportJob


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "owner", "kind", "org", "status", "done", "total", "unmask")
    list_filter = ("kind", "status")
    raw_id_fields = ("owner", "org")


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(ReadOnlyAdmin):
    list_display = ("uploaded_at", "kind", "original_name", "uploaded_by", "is_active")
    list_filter = ("kind", "is_active")
