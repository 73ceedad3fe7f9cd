from django.contrib import admin
from django.urls import include, path

from dangjian.api.api import api

admin.site.site_header = "党建 管理后台"
admin.site.site_title = "党建"
# The admin is for superusers only; everyone else works through the scoped pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("dangjian.accounts.urls")),
    path("", include("dangjian.core.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("people/", include("dangjian.people.urls")),
]
