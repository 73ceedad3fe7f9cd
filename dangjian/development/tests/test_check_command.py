import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dangjian.conftest import make_person
from dangjian.development.services import case_open, step_record

D = dt.date


@pytest.fixture
def cases(world, frozen_today, national_ruleset):
    late = make_person(world.branch_a1_1, name="迟谈话", standing="applicant", applied_on=D(2023, 3, 1))
    case = case_open(actor=world.secretary, person=late)
    step_record(actor=world.secretary, case=case, step=1, on=D(2023, 3, 1))
    step_record(actor=world.secretary, case=case, step=2, on=D(2023, 5, 1), acknowledge=["R-TALK"])
    other = make_person(world.branch_b_1, name="按时谈", standing="applicant", applied_on=D(2023, 3, 1))
    clean = case_open(actor=world.admin, person=other)
    step_record(actor=world.admin, case=clean, step=1, on=D(2023, 3, 1))
    return case, clean


def run(capsys, *args):
    call_command("check", *args)
    return capsys.readouterr().out


def test_json_report_has_the_interchange_shape(cases, capsys):
    report = json.loads(run(capsys))
    assert report["checked"] == 2
    [finding] = report["findings"]
    assert set(finding) == {"id_number", "name", "org_code", "rule", "step", "severity", "article", "message"}
    assert finding["rule"] == "R-TALK" and finding["step"] == 2 and finding["org_code"] == "BR-A1-1"
    assert "*" in finding["id_number"]  # masked by default
    unmasked = json.loads(run(capsys, "--unmask"))["findings"][0]["id_number"]
    assert "*" not in unmasked and len(unmasked) == 18


def test_org_user_and_ruleset_options(cases, capsys, world):
    assert json.loads(run(capsys, "--org", "CTY-B"))["checked"] == 1
    assert json.loads(run(capsys, "--user", "secretary"))["checked"] == 1
    assert json.loads(run(capsys, "--user", "outsider"))["checked"] == 0
    assert json.loads(run(capsys, "--ruleset", "national-2014"))["ruleset"] == "national-2014"
    text = run(capsys, "--format", "text")
    assert "检查 2 份发展纪实" in text and "R-TALK" in text and "迟谈话" in text


@pytest.mark.parametrize(("args", "message"), [
    (("--org", "NOPE"), "组织代码“NOPE”不存在"), (("--ruleset", "nope"), "规则集“nope”不存在"),
    (("--user", "ghost"), "用户“ghost”不存在"),
])  # fmt: skip
def test_bad_options_are_refused_in_chinese(cases, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("check", *args)
