from django.urls import path

from dangjian.documents import notices, rosters, views

urlpatterns = [
    path("", views.index, name="documents"),
    path("roster/<str:roster>/", rosters.roster_page, name="roster"),
    path("export/", views.export, name="documents-export"),
    path("jobs/<int:pk>/", views.export_job, name="export-job"),
    path("jobs/<int:pk>/download/", views.export_job_download, name="export-job-download"),
    path("statistics.pdf", views.statistics_pdf, name="statistics-pdf"),
    path("notice/<str:kind>/", notices.notice_page, name="notice"),
    path("word/<str:kind>/", views.org_document, name="org-document"),
    path("case/<int:pk>/<str:kind>/", views.case_document, name="case-document"),
    path("meeting/<int:pk>/", views.meeting_document, name="meeting-record-docx"),
    path("templates/", views.templates, name="document-templates"),
    path("templates/<str:kind>/", views.template_download, name="document-template-download"),
    path("briefing/", views.briefing_page, name="briefing"),
    path("briefing/records/<str:figure>/", views.briefing_records, name="briefing-records"),
]
