from django.urls import path

from dangjian.talent import views

urlpatterns = [
    path("org/<int:org_pk>/", views.pool, name="talent-pool"),
    path("org/<int:org_pk>/export/", views.pool_export, name="talent-pool-export"),
    path("org/<int:org_pk>/new/", views.entry_create, name="talent-create"),
    path("org/<int:org_pk>/coverage/", views.coverage, name="talent-coverage"),
    path("org/<int:org_pk>/coverage/export/", views.coverage_export, name="talent-coverage-export"),
    path("org/<int:org_pk>/structure/", views.structure, name="talent-structure"),
    path("<int:pk>/", views.entry_detail, name="talent-entry"),
]
