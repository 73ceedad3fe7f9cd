from django.urls import path

from dangjian.orglife import views

urlpatterns = [
    path("org/<int:org_pk>/", views.overview, name="orglife-overview"),
    path("org/<int:org_pk>/missing/<str:cadence>/", views.missing, name="orglife-missing"),
    path("org/<int:org_pk>/stats-card/", views.stats_card, name="orglife-stats-card"),
    path("org/<int:org_pk>/committees/", views.committee_list, name="committee-list"),
    path("org/<int:org_pk>/committees/elect/", views.committee_elect, name="committee-elect"),
    path("committees/<int:pk>/delete/", views.committee_delete, name="committee-delete"),
]
