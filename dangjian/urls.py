from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from dangjian.api.api import api

admin.site.site_header = _("党建 管理后台")
admin.site.site_title = _("党建")
# The admin is for superusers only; everyone else works through the scoped pages.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

handler400 = "dangjian.shell.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("", include("dangjian.accounts.urls")),
    path("", include("dangjian.shell.urls")),
    path("orgs/", include("dangjian.orgs.urls")),
    path("people/", include("dangjian.people.urls")),
    path("development/", include("dangjian.development.urls")),
    path("meetings/", include("dangjian.meetings.urls")),
    path("mobilization/", include("dangjian.mobilization.urls")),
    path("import/", include("dangjian.interchange.urls")),
    path("stats/", include("dangjian.stats.urls")),
    path("documents/", include("dangjian.documents.urls")),
    path("orglife/", include("dangjian.orglife.urls")),
    path("training/", include("dangjian.training.urls")),
    path("dues/", include("dangjian.dues.urls")),
    path("transfers/", include("dangjian.transfers.urls")),
    path("talent/", include("dangjian.talent.urls")),
    path("appraisal/", include("dangjian.appraisal.urls")),
]
