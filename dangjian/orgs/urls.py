from django.urls import path

from dangjian.orgs import views

urlpatterns = [
    path("", views.org_tree, name="org-tree"),
    path("suggest/", views.org_suggest, name="org-suggest"),
    path("lookup/", views.org_lookup, name="org-lookup"),
    path("<int:pk>/", views.org_detail, name="org-detail"),
    path("<int:pk>/children/", views.org_children, name="org-children"),
    path("<int:pk>/new/", views.org_create_child, name="org-create-child"),
    path("<int:pk>/edit/", views.org_edit, name="org-edit"),
    path("<int:pk>/move/", views.org_move, name="org-move"),
    path("<int:pk>/dissolve/", views.org_dissolve, name="org-dissolve"),
]
