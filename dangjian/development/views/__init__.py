"""The development pages, one module per subject: `board` (the 发展党员 board), `cases` (case page,
case actions, due list), `steps` (the step form and member search), `rulesets` (规则配置), `formnumbers` (入党志愿书号段) and
`checks` (合规检查)."""

from dangjian.development.views.board import board
from dangjian.development.views.cases import (
    case_detail,
    case_mentor,
    case_open,
    case_special_basis,
    case_status,
    due_list,
    evidence_download,
    record_return,
)
from dangjian.development.views.checks import compliance, compliance_export
from dangjian.development.views.formnumbers import range_detail as formnumber_detail
from dangjian.development.views.formnumbers import range_list as formnumber_list
from dangjian.development.views.rulesets import ruleset_create, ruleset_detail, ruleset_list
from dangjian.development.views.steps import member_search, step_form

__all__ = [
    "board",
    "case_detail",
    "case_mentor",
    "case_open",
    "case_special_basis",
    "case_status",
    "compliance",
    "compliance_export",
    "due_list",
    "evidence_download",
    "formnumber_detail",
    "formnumber_list",
    "member_search",
    "record_return",
    "ruleset_create",
    "ruleset_detail",
    "ruleset_list",
    "step_form",
]
