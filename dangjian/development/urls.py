from django.urls import path

from dangjian.development import views

urlpatterns = [
    path("org/<int:org_pk>/", views.board, name="development-board"),
    path("due/", views.due_list, name="due-list"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export/", views.compliance_export, name="compliance-export"),
    path("rulesets/", views.ruleset_list, name="ruleset-list"),
    path("rulesets/new/", views.ruleset_create, name="ruleset-create"),
    path("rulesets/<int:pk>/", views.ruleset_detail, name="ruleset-detail"),
    path("form-numbers/", views.formnumber_list, name="formnumber-list"),
    path("form-numbers/<int:pk>/", views.formnumber_detail, name="formnumber-detail"),
    path("case/<int:pk>/", views.case_detail, name="case-detail"),
    path("case/<int:pk>/step/<int:step>/", views.step_form, name="step-form"),
    path("case/<int:pk>/members/", views.member_search, name="case-member-search"),
    path("case/<int:pk>/status/", views.case_status, name="case-status"),
    path("case/<int:pk>/special-basis/", views.case_special_basis, name="case-special-basis"),
    path("case/<int:pk>/mentor/", views.case_mentor, name="case-mentor"),
    path("record/<int:pk>/return/", views.record_return, name="record-return"),
    path("open/<int:person_pk>/", views.case_open, name="case-open"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
