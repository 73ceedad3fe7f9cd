from django.urls import path

from dangjian.mobilization import views

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("new/", views.campaign_create, name="campaign-create"),
    path("suggest/orgs/", views.suggest_run_orgs, name="mobilization-suggest-run-orgs"),
    path("<int:pk>/", views.dashboard, name="campaign-dashboard"),
    path("<int:pk>/edit/", views.campaign_edit, name="campaign-edit"),
    path("<int:pk>/close/", views.campaign_close, name="campaign-close"),
    path(
        "<int:pk>/setup/temporary-orgs/",
        views.temporary_org_list,
        {"wizard": True},
        name="setup-temporary-orgs",
    ),
    path("<int:pk>/setup/teams/", views.team_list, {"wizard": True}, name="setup-teams"),
    path("<int:pk>/setup/posts/", views.post_list, {"wizard": True}, name="setup-posts"),
    path("<int:pk>/temporary-orgs/", views.temporary_org_list, name="mobilization-temporary-orgs"),
    path("<int:pk>/teams/", views.team_list, name="mobilization-teams"),
    path("<int:pk>/posts/", views.post_list, name="mobilization-posts"),
    path("<int:pk>/grid/", views.grid, name="mobilization-grid"),
    path("<int:pk>/grid/coverage/", views.coverage, name="mobilization-coverage"),
    path("<int:pk>/grid/import/", views.grid_import, name="mobilization-grid-import"),
    path("<int:pk>/grid/template/", views.grid_template, name="mobilization-grid-template"),
    path("<int:pk>/registrations/", views.registrations, name="mobilization-registrations"),
    path("<int:pk>/duty/", views.duty, name="mobilization-duty"),
    path("<int:pk>/volunteer/", views.volunteer, name="mobilization-volunteer"),
    path("<int:pk>/frontline/", views.frontline, name="mobilization-frontline"),
    path("<int:pk>/commendations/", views.commendations, name="mobilization-commendations"),
    path("<int:pk>/suggest/people/", views.suggest_people, name="mobilization-suggest-people"),
    path("<int:pk>/suggest/orgs/", views.suggest_orgs, name="mobilization-suggest-orgs"),
    path("temporary-orgs/<int:pk>/", views.temporary_org_detail, name="temporary-org-detail"),
    path("teams/<int:pk>/", views.team_detail, name="team-detail"),
    path("grid/<int:pk>/lead/", views.grid_lead, name="grid-lead"),
    path("shifts/<int:pk>/", views.shift_detail, name="shift-detail"),
    path("frontline/<int:pk>/accept/", views.frontline_accept, name="frontline-accept"),
]
