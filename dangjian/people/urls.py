from django.urls import path

from dangjian.people import views

urlpatterns = [
    path("<int:pk>/", views.person_detail, name="person-detail"),
    path("<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("<int:pk>/reduce/", views.person_reduce, name="person-reduce"),
    path("<int:pk>/backfill/", views.person_backfill, name="person-backfill"),
    path("new/in/<int:org_pk>/", views.person_create, name="person-create"),
]
