from django.contrib import admin

from dangjian.orglife.models import Committee, CommitteeMember


class MemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0
    raw_id_fields = ("person",)


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("org", "elected_on", "term_ends_on", "ended_on")
    raw_id_fields = ("org", "election_meeting")
    inlines = [MemberInline]

    def has_add_permission(self, request):  # writes go through the services
        return False

    def has_change_permission(self, request, obj=None):
        return False
