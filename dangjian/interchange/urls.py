from django.urls import path

from dangjian.interchange import views

urlpatterns = [
    path("", views.import_page, name="import"),
    path("template.xlsx", views.template_download, name="import-template"),
    path("report/<str:token>/", views.report_download, name="import-report"),
    path("job/<int:pk>/", views.import_job, name="import-job"),
    path("export/<int:org_pk>/", views.export_download, name="export"),
]
