from django.urls import path

from dangjian.appraisal import views

urlpatterns = [
    path("org/<int:org_pk>/", views.appraisal_list, name="appraisal-list"),
    path("org/<int:org_pk>/new/", views.appraisal_create, name="appraisal-create"),
    path("org/<int:org_pk>/import/", views.appraisal_import, name="appraisal-import"),
    path("org/<int:org_pk>/import/template.xlsx", views.import_template, name="appraisal-import-template"),
    path("<int:pk>/", views.appraisal_detail, name="appraisal-detail"),
    path("<int:pk>/edit/", views.appraisal_edit, name="appraisal-edit"),
    path("<int:pk>/export.xlsx", views.appraisal_export, name="appraisal-export"),
    path("<int:pk>/sheet.docx", views.appraisal_sheet, name="appraisal-sheet"),
    path("followup/<int:pk>/decide/", views.followup_decide, name="appraisal-followup-decide"),
    path("followup/<int:pk>/close/", views.followup_close, name="appraisal-followup-close"),
    path("figures/", views.figures, name="appraisal-figures"),
    path("figures/records/", views.figure_records, name="appraisal-records"),
    path("figures/branches/", views.figure_branches, name="appraisal-branches"),
]
