import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dangjian.audit.models import ChangeRecord
from dangjian.conftest import make_person, make_user
from dangjian.development.models import RuleSet
from dangjian.development.rulesets import ruleset_create, ruleset_update
from dangjian.development.services import RuleViolation, case_open, rules_in_force, ruleset_for, step_record

D = dt.date


@pytest.fixture(autouse=True)
def frozen(national_ruleset):
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=dt.UTC), tick=False):
        yield


def test_national_ruleset_is_seeded_and_in_force(world):
    ruleset = ruleset_for(world.branch_a1_1, D(2024, 1, 1))
    assert ruleset.code == "national-2014"
    assert ruleset_for(world.branch_a1_1, D(2010, 1, 1)) is None  # before the 2014 细则: defaults


def test_local_profile_applies_to_its_subtree_only(world):
    profile = ruleset_create(
        actor=world.admin, code="CTY-A-公示", name="甲县公示规定", org=world.county_a,
        effective_from=D(2020, 1, 1), overrides={"R-NOTICE": {"required": True, "working_days": 7}},
    )  # fmt: skip
    assert ruleset_for(world.branch_a1_1, D(2024, 1, 1)) == profile
    assert ruleset_for(world.branch_b_1, D(2024, 1, 1)).code == "national-2014"
    notice = {e.rule.id: e for e in rules_in_force(world.branch_a1_1, D(2024, 1, 1))}["R-NOTICE"]
    assert notice.params == {"working_days": 7, "required": True}
    assert ChangeRecord.objects.filter(object_type="development.ruleset", object_id=profile.pk).exists()


def test_profile_changes_what_a_step_recording_accepts(world):
    ruleset_create(actor=world.admin, code="TALK", name="谈话两周", org=world.town_a1, effective_from=D(2020, 1, 1),
                   overrides={"R-TALK": {"severity": "violation", "months": 0}})  # fmt: skip
    person = make_person(world.branch_a1_1, name="赵新", standing="applicant", applied_on=D(2024, 3, 1))
    case = case_open(actor=world.secretary, person=person)
    step_record(actor=world.secretary, case=case, step=1, on=D(2024, 3, 1))
    with pytest.raises(RuleViolation, match="R-TALK"):
        step_record(actor=world.secretary, case=case, step=2, on=D(2024, 3, 2))


def test_only_org_admins_edit_and_bad_parameters_are_refused(world):
    with pytest.raises(PermissionDenied):
        ruleset_create(
            actor=world.secretary, code="X", name="x", org=world.branch_a1_1, effective_from=D(2024, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        ruleset_create(actor=world.admin, code="NAT", name="全国", org=None, effective_from=D(2024, 1, 1))
    for overrides, message in (
        ({"R-NOPE": {}}, "没有编号"), ({"R-TALK": {"months": -1}}, "无效"), ({"R-TALK": {"colour": 1}}, "没有参数"),
        ({"R-TALK": {"severity": "fatal"}}, "严重程度"),
    ):  # fmt: skip
        with pytest.raises(ValidationError, match=message):
            ruleset_create(actor=world.admin, code=f"C{len(message)}", name="x", org=world.county_a,
                           effective_from=D(2024, 1, 1), overrides=overrides)  # fmt: skip
    assert not RuleSet.objects.exclude(code="national-2014").exists()


def test_update_records_history(world):
    profile = ruleset_create(
        actor=world.admin, code="P", name="本地", org=world.county_a, effective_from=D(2024, 1, 1)
    )
    ruleset_update(actor=world.admin, ruleset=profile, overrides={"R-NOTICE": {"working_days": 7}})
    change = ChangeRecord.objects.filter(object_type="development.ruleset", action="update").get()
    assert change.after["参数"] == {"R-NOTICE": {"working_days": 7}}
    with pytest.raises(PermissionDenied):
        ruleset_update(actor=world.organizer, ruleset=profile, name="改名")


def test_ruleset_pages(world, client_as):
    admin = client_as(world.admin)
    assert admin.get("/development/rulesets/").status_code == 200
    response = admin.post("/development/rulesets/new/", {
        "name": "甲县本地规定", "code": "CTY-A-1", "org_code": "CTY-A", "effective_from": "2024-01-01",
        "R-NOTICE__enabled": "on", "R-NOTICE__severity": "violation", "R-NOTICE__working_days": "7",
        "R-NOTICE__required": "on",
        **{f"{r}__enabled": "on" for r in ("R-AGE", "R-TALK", "R-CONTACT", "R-ASSESS", "R-CULT", "R-SPONSOR",
                                          "R-POLREV", "R-TRAIN", "R-QUORUM", "R-PASS", "R-AUTH", "R-APPROVE",
                                          "R-FILING", "R-PROB", "R-EXT", "R-CONV-APPROVE", "R-FRONTLINE", "R-ORDER",
                                          "R-MISSING")},
    }, follow=True)  # fmt: skip
    profile = RuleSet.objects.get(code="CTY-A-1")
    assert profile.overrides["R-NOTICE"] == {"working_days": 7, "required": True}
    assert "规则集已建立" in response.content.decode()
    secretary = client_as(world.secretary)
    assert secretary.get(f"/development/rulesets/{profile.pk}/").status_code == 200
    assert secretary.post(f"/development/rulesets/{profile.pk}/", {"name": "x"}).status_code == 403


def test_other_jurisdictions_local_rule_sets_are_hidden(world, client_as):
    mine = ruleset_create(actor=world.admin, code="CTY-A-LOCAL", name="甲县本地规定", org=world.county_a,
                          effective_from=D(2024, 1, 1))  # fmt: skip
    inside = ruleset_create(actor=world.admin, code="TOWN-A1-LOCAL", name="东城镇本地规定", org=world.town_a1,
                            effective_from=D(2024, 1, 1))  # fmt: skip
    theirs = ruleset_create(actor=world.admin, code="CTY-B-LOCAL", name="乙县保密规定", org=world.county_b,
                            effective_from=D(2024, 1, 1))  # fmt: skip
    national = RuleSet.objects.get(org__isnull=True)
    for user, shown, hidden in (
        (world.secretary, [national, mine, inside], [theirs]),  # committees above her branch apply to it
        (world.viewer, [national, mine, inside], [theirs]),  # a set inside the viewer's county
        (world.outsider, [national], [mine, inside, theirs]),
        (world.admin, [national, mine, inside, theirs], []),
    ):
        client = client_as(user)
        listing = client.get("/development/rulesets/").content.decode()
        for ruleset in shown:
            assert ruleset.name in listing, (user, ruleset)
            assert client.get(f"/development/rulesets/{ruleset.pk}/").status_code == 200
        for ruleset in hidden:
            assert ruleset.name not in listing and ruleset.code not in listing, (user, ruleset)
            assert client.get(f"/development/rulesets/{ruleset.pk}/").status_code == 404
            assert client.post(f"/development/rulesets/{ruleset.pk}/", {"name": "x"}).status_code == 404
    assert client_as(world.admin).get("/development/rulesets/999999/").status_code == 404


def test_the_rule_set_reads_as_text_for_those_who_cannot_edit_it_and_as_a_form_for_editors(world, client_as):
    national = RuleSet.objects.get(org__isnull=True)
    page = client_as(world.secretary).get(f"/development/rulesets/{national.pk}/").content.decode()
    assert 'id="ruleset-readonly"' in page and "<input" not in page.split('id="rules"')[1]
    assert "<select" not in page.split('id="rules"')[1] and 'type="submit">保存' not in page
    # Chinese labels, never the parameter keys
    assert "最低年龄（周岁） <strong>18</strong>" in page and "公示工作日数 <strong>5</strong>" in page
    assert "适用起始日期 <strong>2020-01-20</strong>" in page
    for key in ("min_age", "window_start", "working_days", "in-force"):
        assert key not in page.split('id="rules"')[1]
    root = client_as(make_user("root-editor", superuser=True))
    form = root.get(f"/development/rulesets/{national.pk}/").content.decode()
    assert 'id="ruleset-readonly"' not in form and 'name="R-AGE__min_age"' in form
    assert '<label class="small text-muted" for="id_R-AGE__min_age">最低年龄（周岁）</label>' in form
    assert 'type="submit">保存</button>' in form
