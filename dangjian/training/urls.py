from django.urls import path

from dangjian.training import views

urlpatterns = [
    path("org/<int:org_pk>/", views.training_list, name="training-list"),
    path("org/<int:org_pk>/export/", views.training_list_export, name="training-list-export"),
    path("org/<int:org_pk>/new/", views.training_create, name="training-create"),
    path("org/<int:org_pk>/hours/", views.study_hours, name="training-hours"),
    path("org/<int:org_pk>/hours/export/", views.study_hours_export, name="training-hours-export"),
    path("org/<int:org_pk>/figures/", views.figures, name="training-figures"),
    path("org/<int:org_pk>/participations/", views.participations, name="training-participations"),
    path("<int:pk>/", views.training_detail, name="training-detail"),
    path("<int:pk>/edit/", views.training_edit, name="training-edit"),
    path("<int:pk>/export/", views.training_export, name="training-export"),
]
