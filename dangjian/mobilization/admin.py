"""Read-only admin views: every write goes through the services, so it is checked and recorded."""

from django.contrib import admin

from dangjian.mobilization.models import (
    Bulletin,
    Campaign,
    Commendation,
    CommunityRegistration,
    DutyShift,
    FrontlineRecommendation,
    GridNode,
    Post,
    Secondment,
    Team,
    TeamMember,
    TemporaryOrg,
    VolunteerEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "org", "starts_on", "status", "closed_on"]
    list_filter = ["kind", "status"]
    search_fields = ["code", "name"]
    list_select_related = ["org"]


@admin.register(TemporaryOrg)
class TemporaryOrgAdmin(ReadOnlyAdmin):
    list_display = ["org", "campaign", "approved_by", "approved_on", "secretary"]
    list_select_related = ["org", "campaign", "approved_by", "secretary"]
    raw_id_fields = ["org", "approved_by", "secretary"]


@admin.register(Secondment)
class SecondmentAdmin(ReadOnlyAdmin):
    list_display = ["person", "temporary_org", "home_org", "role", "joined_on", "left_on"]
    list_select_related = ["person", "temporary_org__org", "home_org"]
    raw_id_fields = ["person", "temporary_org", "home_org"]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "org", "campaign", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["name"]
    list_select_related = ["org", "campaign"]
    raw_id_fields = ["org"]


@admin.register(TeamMember)
class TeamMemberAdmin(ReadOnlyAdmin):
    list_display = ["name", "team", "role", "is_party_member", "joined_on", "left_on"]
    exclude = ["phone"]
    list_select_related = ["team"]
    raw_id_fields = ["team", "person", "registration"]


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "org", "holder", "place", "starts_on", "ends_on"]
    list_filter = ["kind"]
    list_select_related = ["org", "holder"]
    raw_id_fields = ["org", "holder"]


@admin.register(GridNode)
class GridNodeAdmin(ReadOnlyAdmin):
    list_display = ["key", "level", "org", "lead_name"]
    list_filter = ["level"]
    search_fields = ["key"]
    exclude = ["lead_phone"]
    list_select_related = ["org"]
    raw_id_fields = ["org", "parent", "lead_person", "registration"]


@admin.register(CommunityRegistration)
class CommunityRegistrationAdmin(ReadOnlyAdmin):
    list_display = ["person", "community", "campaign", "registered_on", "ended_on"]
    list_select_related = ["person", "community", "campaign"]
    raw_id_fields = ["person", "community"]


@admin.register(DutyShift)
class DutyShiftAdmin(ReadOnlyAdmin):
    list_display = ["on", "place", "period", "team", "served", "cancelled"]
    list_select_related = ["team"]
    raw_id_fields = ["team", "lead"]


@admin.register(VolunteerEvent)
class VolunteerEventAdmin(ReadOnlyAdmin):
    list_display = ["on", "title", "org", "participants", "people_served"]
    list_select_related = ["org"]
    raw_id_fields = ["org", "team"]


@admin.register(FrontlineRecommendation)
class FrontlineRecommendationAdmin(ReadOnlyAdmin):
    list_display = ["person", "campaign", "recommended_by", "recommended_on", "case"]
    list_select_related = ["person", "campaign", "recommended_by"]
    raw_id_fields = ["person", "recommended_by", "case"]


class CommendationInline(admin.TabularInline):
    model = Commendation
    extra = 0
    raw_id_fields = ["org", "team", "person"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Bulletin)
class BulletinAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "issued_on", "issued_by", "campaign"]
    list_select_related = ["issued_by", "campaign"]
    inlines = [CommendationInline]
