from django.urls import path

from dangjian.stats import views

urlpatterns = [
    path("", views.dashboard, name="stats-dashboard"),
    path("people/", views.people, name="stats-people"),
]
