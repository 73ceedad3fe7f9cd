"""Every rule at its edges, on the engine alone (no database)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangjian.development.rules import (
    RULES,
    VIOLATION,
    WARNING,
    Facts,
    MemberInfo,
    OrgInfo,
    effective_rules,
    evaluate,
    new_findings,
)

D = dt.date
DEFAULT = effective_rules()
CITY = OrgInfo("某镇党委", "0001", "committee", True, False)
GENERAL = OrgInfo("某总支", "0001", "general_branch", False, False)
TEMP = OrgInfo("临时党委", "0001", "temp_committee", False, True)


def rules_of(findings):
    return {f.rule for f in findings}


LONG_AGO = D(2000, 1, 1)


def full(name="王强", since=LONG_AGO):
    return MemberInfo(name, since)


def complete(**overrides) -> Facts:
    """A fully compliant admission and conversion, to break one thing at a time."""
    dates = {
        "applied_on": D(2022, 3, 1), "talked_on": D(2022, 3, 20), "activist_on": D(2022, 5, 10),
        "activist_filed_on": D(2022, 5, 20), "contacts_on": D(2022, 5, 20), "last_assessment_on": D(2023, 5, 1),
        "candidate_on": D(2023, 5, 10), "candidate_filed_on": D(2023, 5, 20), "introducers_on": D(2023, 5, 25),
        "political_review_on": D(2023, 6, 1), "training_end": D(2023, 6, 3), "committee_review_on": D(2023, 6, 10),
        "prereview_on": D(2023, 6, 20), "form_on": D(2023, 6, 25), "admission_meeting_on": D(2023, 7, 1),
        "committee_talk_on": D(2023, 7, 10), "approved_on": D(2023, 8, 1), "approval_filed_on": D(2023, 8, 10),
        "oath_on": D(2023, 8, 15), "conversion_applied_on": D(2024, 6, 20), "conversion_meeting_on": D(2024, 7, 1),
        "conversion_approved_on": D(2024, 8, 1),
    }  # fmt: skip
    facts = Facts(
        name="李明", birth_date=D(1995, 1, 1), org_path="000100010001", dates=dates,
        assessments=[D(2022, 11, 1), D(2023, 5, 1)], contacts=[full()], introducers=[full("甲"), full("乙")],
        political_review_result="合格", training_start=D(2023, 6, 1), training_hours=24,
        admission={"expected": 20, "present": 15, "yes": 14, "no": 1, "abstain": 0},
        conversion={"expected": 20, "present": 16, "yes": 16, "no": 0, "abstain": 0}, conversion_result="按期转正",
        approving_org=CITY, conversion_approving_org=CITY,
    )  # fmt: skip
    for key, value in overrides.items():
        if key in dates:
            facts.dates[key] = value
        else:
            setattr(facts, key, value)
    return facts


def test_complete_record_has_no_findings():
    assert evaluate(complete(), DEFAULT) == []


def test_every_rule_has_an_article_and_a_known_severity():
    for rule in RULES:
        assert rule.article
        assert rule.severity in (VIOLATION, WARNING)


@pytest.mark.parametrize(
    ("birth", "applied", "ok"),
    [(D(2000, 5, 17), D(2018, 5, 17), True), (D(2000, 5, 17), D(2018, 5, 16), False),
     (D(2004, 2, 29), D(2022, 2, 28), True), (D(2004, 2, 29), D(2022, 2, 27), False)],
)  # fmt: skip
def test_age_exactly_eighteen(birth, applied, ok):
    facts = complete(birth_date=birth, applied_on=applied, talked_on=applied)
    assert ("R-AGE" not in rules_of(evaluate(facts, DEFAULT))) is ok


@pytest.mark.parametrize(
    ("activist", "candidate", "ok"),
    [(D(2022, 5, 10), D(2023, 5, 10), True), (D(2022, 5, 10), D(2023, 5, 9), False),
     # a cultivation starting on 29 February: one year later is 28 February (clamped)
     (D(2020, 2, 29), D(2021, 2, 28), True), (D(2020, 2, 29), D(2021, 2, 27), False)],
)  # fmt: skip
def test_cultivation_exactly_one_year(activist, candidate, ok):
    facts = complete(
        activist_on=activist, candidate_on=candidate, assessments=[], last_assessment_on=activist
    )
    findings = evaluate(facts, DEFAULT)
    assert ("R-CULT" not in rules_of(findings)) is ok


def test_talk_within_one_month_with_month_end_clamping():
    ok = complete(applied_on=D(2023, 1, 31), talked_on=D(2023, 2, 28))
    late = complete(applied_on=D(2023, 1, 31), talked_on=D(2023, 3, 1))
    assert "R-TALK" not in rules_of(evaluate(ok, DEFAULT))
    [finding] = [f for f in evaluate(late, DEFAULT) if f.rule == "R-TALK"]
    assert finding.severity == WARNING
    assert "2023-02-28" in finding.message


@pytest.mark.parametrize(("meeting", "approved", "rule"), [
    (D(2023, 7, 1), D(2023, 10, 1), None),  # the last day of the third month
    (D(2023, 7, 1), D(2023, 10, 2), WARNING),  # the day after: late, needs a reason
    (D(2023, 7, 1), D(2024, 1, 1), WARNING),  # six months: still within the extended limit
    (D(2023, 7, 1), D(2024, 1, 2), VIOLATION),  # past six months: redo the procedure
    (D(2023, 11, 30), D(2024, 2, 29), None),  # month-end clamping in a leap year
    (D(2023, 11, 30), D(2024, 3, 1), WARNING),
])  # fmt: skip
def test_approval_within_three_months(meeting, approved, rule):
    facts = complete(admission_meeting_on=meeting, committee_talk_on=meeting, approved_on=approved,
                     approval_filed_on=approved, oath_on=approved, conversion_applied_on=D(2025, 3, 1),
                     conversion_meeting_on=D(2025, 3, 1), conversion_approved_on=D(2025, 3, 2))  # fmt: skip
    found = [f for f in evaluate(facts, DEFAULT) if f.rule == "R-APPROVE"]
    assert [f.severity for f in found] == ([] if rule is None else [rule])


@pytest.mark.parametrize(("expected", "present", "yes", "rules"), [
    (20, 10, 10, {"R-QUORUM", "R-PASS"}),  # exactly half present: no quorum; exactly half yes: fails
    (20, 11, 11, set()),
    (20, 11, 10, {"R-PASS"}),
    (21, 11, 11, set()),
    (21, 10, 10, {"R-QUORUM", "R-PASS"}),
    (3, 2, 2, set()),
])  # fmt: skip
def test_meeting_quorum_and_pass(expected, present, yes, rules):
    facts = complete(admission={"expected": expected, "present": present, "yes": yes, "no": 0, "abstain": 0})
    found = {f.rule for f in evaluate(facts, DEFAULT) if f.rule in ("R-QUORUM", "R-PASS")}
    assert found == rules


@given(expected=st.integers(1, 200), present=st.integers(0, 200), yes=st.integers(0, 200))
def test_quorum_and_pass_match_the_definition(expected, present, yes):
    facts = complete(admission={"expected": expected, "present": present, "yes": yes, "no": 0, "abstain": 0})
    found = {f.rule for f in evaluate(facts, DEFAULT) if f.step == 15}
    assert ("R-QUORUM" in found) == (not present > expected / 2)
    assert ("R-PASS" in found) == (not yes > expected / 2)


@pytest.mark.django_db
def test_notice_across_national_day_counts_make_up_workdays():
    # 09-28 … 10-08 holds 4 working days (9-28, 9-29, 9-30, 10-08); 09-30 … 10-12 holds 5, with 10-10 (Sat, make-up)
    rules = effective_rules({"R-NOTICE": {"working_days": 5}})
    short = complete(
        notice_start=D(2026, 9, 28), notice_end=D(2026, 10, 8), admission_meeting_on=D(2026, 10, 20)
    )
    enough = complete(
        notice_start=D(2026, 9, 30), notice_end=D(2026, 10, 12), admission_meeting_on=D(2026, 10, 20)
    )
    messages = [f.message for f in evaluate(short, rules) if f.rule == "R-NOTICE"]
    assert messages and "4个工作日" in messages[0]
    assert "R-NOTICE" not in rules_of(evaluate(enough, rules))


@pytest.mark.django_db
def test_notice_reaching_an_unknown_year_is_reported_as_unknown():
    facts = complete(notice_start=D(2026, 12, 28), notice_end=D(2027, 1, 5))
    [finding] = [f for f in evaluate(facts, DEFAULT) if f.rule == "R-NOTICE"]
    assert "无法判断" in finding.message


@pytest.mark.django_db
def test_required_notice_missing_is_a_violation_only_when_configured():
    assert "R-NOTICE" not in rules_of(evaluate(complete(), DEFAULT))
    required = effective_rules({"R-NOTICE": {"required": True, "working_days": 7}})
    [finding] = [f for f in evaluate(complete(), required) if f.rule == "R-NOTICE"]
    assert finding.severity == VIOLATION and "7个工作日" in finding.message


def test_sponsors_must_be_two_full_members_on_the_day():
    probationary = MemberInfo("丙", None)
    converted_later = MemberInfo("丁", D(2023, 6, 1))
    for introducers in ([full("甲")], [full("甲"), probationary], [full("甲"), converted_later]):
        assert "R-SPONSOR" in rules_of(evaluate(complete(introducers=introducers), DEFAULT))
    on_the_day = MemberInfo("戊", D(2023, 5, 25))
    assert "R-SPONSOR" not in rules_of(evaluate(complete(introducers=[full("甲"), on_the_day]), DEFAULT))
    watched = MemberInfo("己", D(2000, 1, 1), on_probation_watch=True)
    assert "R-SPONSOR" in rules_of(evaluate(complete(introducers=[full("甲"), watched]), DEFAULT))


def test_contacts_one_or_two_full_members():
    assert "R-CONTACT" in rules_of(evaluate(complete(contacts=[]), DEFAULT))
    assert "R-CONTACT" in rules_of(evaluate(complete(contacts=[full(), full(), full()]), DEFAULT))
    assert "R-CONTACT" not in rules_of(evaluate(complete(contacts=[full(), full()]), DEFAULT))


def test_political_review_before_meeting_and_not_stale():
    assert "R-POLREV" in rules_of(evaluate(complete(political_review_on=D(2023, 7, 2)), DEFAULT))
    stale = [
        f for f in evaluate(complete(political_review_on=D(2022, 6, 30)), DEFAULT) if f.rule == "R-POLREV"
    ]
    assert stale and "12个月" in stale[0].message
    assert "R-POLREV" in rules_of(evaluate(complete(political_review_result="不合格"), DEFAULT))


@pytest.mark.parametrize(("start", "end", "hours", "ok"), [
    (D(2023, 6, 1), D(2023, 6, 3), 0, True),  # three days
    (D(2023, 6, 2), D(2023, 6, 3), 24, True),  # 24 class hours
    (D(2023, 6, 2), D(2023, 6, 3), 23.5, False),
])  # fmt: skip
def test_training_three_days_or_24_hours(start, end, hours, ok):
    facts = complete(training_start=start, training_end=end, training_hours=hours)
    assert ("R-TRAIN" not in rules_of(evaluate(facts, DEFAULT))) is ok


def test_approval_by_a_general_branch_or_a_temporary_org():
    assert "R-AUTH" in rules_of(evaluate(complete(approving_org=GENERAL), DEFAULT))
    assert "R-AUTH" in rules_of(evaluate(complete(approving_org=TEMP), DEFAULT))
    frontline = complete(
        approving_org=TEMP, special_basis="2020疫情防控一线", admission_meeting_on=D(2020, 2, 17)
    )
    assert "R-AUTH" not in rules_of(evaluate(frontline, DEFAULT))
    outside = complete(approving_org=OrgInfo("别的县委", "0002", "committee", True, False))
    assert "R-AUTH" in rules_of(evaluate(outside, DEFAULT))


def test_probation_one_year_and_extension():
    assert "R-PROB" in rules_of(evaluate(complete(conversion_meeting_on=D(2024, 6, 30)), DEFAULT))
    assert "R-PROB" not in rules_of(evaluate(complete(conversion_meeting_on=D(2024, 7, 1)), DEFAULT))
    for months, ok in ((5, False), (6, True), (12, True), (13, False)):
        facts = complete(conversion_result="延长预备期", extension_months=months, extensions=1)
        assert ("R-EXT" not in rules_of(evaluate(facts, DEFAULT))) is ok
    twice = complete(conversion_result="延长预备期", extension_months=6, extensions=2)
    assert "R-EXT" in rules_of(evaluate(twice, DEFAULT))
    after_extension = complete(prior_extension_months=6, conversion_meeting_on=D(2024, 12, 31))
    assert "R-PROB" in rules_of(evaluate(after_extension, DEFAULT))
    assert "R-PROB" not in rules_of(evaluate(complete(prior_extension_months=6, conversion_meeting_on=D(2025, 1, 1),
                                                      conversion_approved_on=D(2025, 1, 2)), DEFAULT))  # fmt: skip


def test_frontline_admission_seed_001():
    """Applied on 2020-02-13, admitted as probationary member on 2020-02-17 under the frontline notice."""
    days = {"applied_on": D(2020, 2, 13), "talked_on": D(2020, 2, 13), "candidate_on": D(2020, 2, 14),
            "candidate_filed_on": D(2020, 2, 14), "introducers_on": D(2020, 2, 14),
            "political_review_on": D(2020, 2, 15), "training_end": D(2020, 2, 16),
            "committee_review_on": D(2020, 2, 16), "prereview_on": D(2020, 2, 16), "form_on": D(2020, 2, 16),
            "admission_meeting_on": D(2020, 2, 17), "committee_talk_on": D(2020, 2, 17),
            "approved_on": D(2020, 2, 17)}  # fmt: skip
    facts = Facts(name="刘小林", birth_date=D(1980, 3, 3), org_path="000100010001", dates=days,
                  introducers=[full("甲"), full("乙")], political_review_result="合格",
                  training_start=D(2020, 2, 14), training_hours=24,
                  admission={"expected": 30, "present": 25, "yes": 25}, approving_org=CITY)  # fmt: skip
    without_basis = rules_of(evaluate(facts, DEFAULT))
    assert "R-FRONTLINE" in without_basis
    facts.special_basis = "2020疫情防控一线（中组部2020年2月23日通知）"
    assert evaluate(facts, DEFAULT) == []
    facts.dates["admission_meeting_on"] = D(2021, 3, 1)
    assert "R-FRONTLINE" in rules_of(evaluate(facts, DEFAULT))


def test_order_and_missing_steps():
    facts = complete(candidate_on=D(2022, 5, 1))
    assert "R-ORDER" in rules_of(evaluate(facts, DEFAULT))
    missing = complete()
    del missing.dates["political_review_on"]
    assert "R-MISSING" in rules_of(evaluate(missing, DEFAULT))
    late_form = complete(form_on=D(2023, 7, 2))
    assert "R-ORDER" in rules_of(evaluate(late_form, DEFAULT))


def test_filing_warnings():
    facts = complete()
    del facts.dates["activist_filed_on"]
    [finding] = [f for f in evaluate(facts, DEFAULT) if f.rule == "R-FILING"]
    assert finding.severity == WARNING and finding.step == 4


def test_overrides_change_severity_parameters_and_can_disable():
    rules = effective_rules({"R-TALK": {"severity": VIOLATION, "months": 2}, "R-FILING": {"enabled": False}})
    late = complete(applied_on=D(2023, 1, 31), talked_on=D(2023, 3, 30))
    assert "R-TALK" not in rules_of(evaluate(late, rules))
    later = complete(applied_on=D(2023, 1, 31), talked_on=D(2023, 4, 1))
    assert [f.severity for f in evaluate(later, rules) if f.rule == "R-TALK"] == [VIOLATION]
    no_filing = complete()
    del no_filing.dates["activist_filed_on"]
    assert "R-FILING" not in rules_of(evaluate(no_filing, rules))


def test_new_findings_only_reports_what_a_record_adds():
    before = evaluate(complete(talked_on=D(2022, 5, 1)), DEFAULT)
    after = evaluate(complete(talked_on=D(2022, 5, 1), candidate_on=D(2023, 5, 9)), DEFAULT)
    assert rules_of(new_findings(before, after)) == {"R-CULT"}
