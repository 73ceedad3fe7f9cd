from django.urls import path

from dangjian.meetings import views

urlpatterns = [
    path("org/<int:org_pk>/", views.meeting_list, name="meeting-list"),
    path("org/<int:org_pk>/new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
]
