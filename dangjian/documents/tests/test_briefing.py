"""The work briefing: figures equal direct counts, text in the seeds' style, scope, exports read back."""

from __future__ import annotations

import io
import subprocess

import docx
import pytest
from django.core.management import call_command
from django.utils import timezone

from dangjian.documents import briefing, selectors
from dangjian.documents.briefing import cn_date
from dangjian.documents.tests.conftest import PERIOD
from dangjian.mobilization.models import Bulletin, Commendation, Post, Team, TemporaryOrg, VolunteerEvent
from dangjian.people.models import Person

pytestmark = pytest.mark.django_db


def _in(org, **filters):
    return Person.objects.filter(org__path__startswith=org.path, **filters).count()


def test_figures_equal_direct_counts(docs):
    city, town = docs.city, docs.town_a1
    r = {"range": (PERIOD.start, PERIOD.end)}
    for org in (city, town, docs.branch_b_1):
        f = selectors.briefing_figures(org, PERIOD)
        assert f.applications == _in(org, applied_on__range=r["range"])
        assert f.activists == _in(org, activist_on__range=r["range"])
        assert f.candidates == _in(org, candidate_on__range=r["range"])
        assert f.admissions == _in(org, admitted_on__range=r["range"])
        assert f.conversions == _in(org, converted_on__range=r["range"])
        assert f.frontline == _in(org, admitted_on__range=r["range"], case__special_basis__gt="")
    f = selectors.briefing_figures(town, PERIOD)
    assert (f.applications, f.activists, f.candidates, f.admissions, f.frontline, f.conversions) == (
        2,
        1,
        2,
        3,
        2,
        1,
    )
    assert f.admissions_by_category == {"medical": 1, "police": 1, "community_worker": 1}
    assert f.frontline_by_category == {"medical": 1, "police": 1}
    city_f = selectors.briefing_figures(city, PERIOD)
    assert city_f.admissions == 4 and city_f.admissions_by_category["medical"] == 2
    # mobilization, against the tables themselves
    assert f.temporary_orgs == TemporaryOrg.objects.count() == 1
    assert f.teams == Team.objects.count() == 2
    assert (f.posts, f.zones) == (1, 1) and Post.objects.count() == 2
    assert f.volunteer_events == VolunteerEvent.objects.count() == 2
    assert (f.volunteer_participants, f.people_served) == (42, 250)
    # the bulletin was issued by the city: the town's briefing does not claim it
    assert f.bulletins == 0 and city_f.bulletins == Bulletin.objects.count() == 1
    assert (
        (city_f.commended_collectives, city_f.commended_individuals)
        == (1, 2)
        == (
            Commendation.objects.filter(kind="collective").count(),
            Commendation.objects.filter(kind="individual").count(),
        )
    )


def test_text_in_the_seeds_style(docs):
    text = briefing.compose(selectors.briefing_figures(docs.city, PERIOD))
    assert text.startswith("广安市委发展党员和战时动员工作简报\n\n2026年1月1日至2026年6月30日，广安市委")
    assert "期间共有2人递交入党申请书；确定入党积极分子1名、发展对象2名；" in text
    assert (
        "接收预备党员4名，其中医护人员2名、公安民警1名、社区(村)基层干部1名；1名预备党员按期转为正式党员。"
        in text
    )
    assert "期间，广安市委火线发展党员2名，其中医护人员1名、公安民警1名。" in text
    assert "组建临时党组织1个，成立党员突击队、志愿服务队2支，设立党员先锋岗1个、划分党员责任区1个" in text
    assert "开展志愿服务2次，参与42人次，服务群众250人次" in text
    assert "期间制定下发通报表扬1期，共表扬1个先进集体、2名个人。" in text


def test_zero_figures_are_left_out_or_say_none(docs):
    empty = selectors.Period(PERIOD.start.replace(year=2019), PERIOD.end.replace(year=2019))
    text = briefing.compose(selectors.briefing_figures(docs.city, empty))
    assert "暂无新的发展党员工作记录" in text
    assert "0名" not in text and "0个" not in text and "火线" not in text and "通报" not in text
    # some figures zero: no "其中" without a breakdown, no empty clause
    only_applications = selectors.Period(PERIOD.start, PERIOD.start.replace(month=1, day=31))
    text = briefing.compose(selectors.briefing_figures(docs.city, only_applications))
    assert "期间共有1人递交入党申请书。" in text and "接收" not in text and "，，" not in text


def test_page_shows_figures_with_links_to_their_records(docs, client_as):
    client = client_as(docs.admin)
    query = f"?org={docs.town_a1.pk}&from=2026-01-01&to=2026-06-30"
    page = client.get("/documents/briefing/" + query).content.decode()
    assert "接收预备党员4名" not in page and "接收预备党员3名" in page
    assert 'data-figure="admissions"' in page
    records = client.get("/documents/briefing/records/admissions/" + query).content.decode()
    for name in ("刘医生", "赵警官", "孙社区"):
        assert name in records
    assert "钱护士" not in records and "吴旧" not in records
    frontline = client.get("/documents/briefing/records/frontline/" + query).content.decode()
    assert "刘医生" in frontline and "孙社区" not in frontline
    teams = client.get("/documents/briefing/records/teams/" + query).content.decode()
    assert f"/mobilization/{docs.campaign.pk}/teams/" in teams
    assert client.get("/documents/briefing/records/nonsense/" + query).status_code == 404


def test_page_is_scoped(docs, client_as):
    assert client_as(docs.outsider).get(f"/documents/briefing/?org={docs.city.pk}").status_code == 404
    secretary = client_as(docs.secretary)
    assert secretary.get(f"/documents/briefing/?org={docs.city.pk}").status_code == 404
    assert secretary.get(f"/documents/briefing/records/admissions/?org={docs.town_a1.pk}").status_code == 404
    page = secretary.get("/documents/briefing/?from=2026-01-01&to=2026-06-30").content.decode()
    assert "东城镇第一党支部发展党员和战时动员工作简报" in page  # defaults to the top of their scope


def test_edited_text_is_what_is_exported(docs, client_as, tmp_path):
    client = client_as(docs.admin)
    edited = "东城镇工作简报（修改稿）\n\n今年以来，东城镇接收预备党员3名。\n\n下一步，继续严格把关。"
    data = {"org": docs.town_a1.pk, "from": "2026-01-01", "to": "2026-06-30", "text": edited}
    response = client.post("/documents/briefing/", {**data, "format": "docx"})
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs if p.text]
    assert paragraphs == [
        "东城镇工作简报（修改稿）",
        "今年以来，东城镇接收预备党员3名。",
        "下一步，继续严格把关。",
        "东城镇党委",  # the 落款: the org and the day it is issued
        cn_date(timezone.localdate()),
    ]
    response = client.post("/documents/briefing/", {**data, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "东城镇工作简报（修改稿）" in text and "继续严格把关" in text


def test_command_writes_text_docx_and_pdf(docs, tmp_path, capsys):
    call_command("briefing", "--org", "CITY", "--from", "2026-01-01", "--to", "2026-06-30")
    out = capsys.readouterr().out
    assert "火线发展党员2名，其中医护人员1名、公安民警1名" in out
    target = tmp_path / "b.docx"
    call_command("briefing", "--org", "TOWN-A1", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--format", "docx", "--output", str(target))  # fmt: skip
    text = "\n".join(p.text for p in docx.Document(str(target)).paragraphs)
    assert "东城镇党委发展党员和战时动员工作简报" in text and "接收预备党员3名" in text
    target = tmp_path / "b.pdf"
    call_command("briefing", "--org", "CITY", "--from", "2026-01-01", "--to", "2026-06-30",
                 "--format", "pdf", "--output", str(target))  # fmt: skip
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "广安市委发展党员和战时动员工作简报" in text and "通报表扬1期" in text
    fonts = subprocess.run(["pdffonts", str(target)], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts  # the CJK font is embedded, not tofu
