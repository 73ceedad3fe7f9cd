"""The pages: scope (404), the class page's add and complete, Excel with masked ID numbers, English."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from dangjian.development.models import StepRecord
from dangjian.development.rules import RULE_BY_ID
from dangjian.orgs.models import Org
from dangjian.people.models import Person
from dangjian.training import services
from dangjian.training.models import TrainingClass
from dangjian.training.tests.conftest import candidate_case, make_class

D = dt.date
pytestmark = pytest.mark.usefixtures("frozen")
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def test_pages_are_scoped(world, client_as):
    c = make_class(world, kind="member_rotation")
    other = make_class(
        world, org=world.branch_b_1, actor=world.admin, kind="member_rotation", name="医院轮训班"
    )
    secretary = client_as(world.secretary)
    assert secretary.get(f"/training/{c.pk}/").status_code == 404  # a town class, above her branch
    assert secretary.get(f"/training/org/{world.town_a1.pk}/").status_code == 404
    assert secretary.get(f"/training/org/{world.branch_a1_1.pk}/").status_code == 200
    organizer = client_as(world.organizer)
    for url in (f"/training/{other.pk}/", f"/training/{other.pk}/export/", f"/training/org/{world.county_b.pk}/hours/",
                f"/training/org/{world.county_b.pk}/figures/", f"/training/org/{world.county_b.pk}/participations/"):  # fmt: skip
        assert organizer.get(url).status_code == 404, url
    for url in (f"/training/{c.pk}/", f"/training/org/{world.town_a1.pk}/", f"/training/org/{world.town_a1.pk}/new/",
                f"/training/org/{world.town_a1.pk}/hours/?year=2026", f"/training/org/{world.town_a1.pk}/figures/",
                f"/training/org/{world.town_a1.pk}/participations/?kind=member_rotation", f"/training/{c.pk}/edit/"):  # fmt: skip
        assert organizer.get(url).status_code == 200, url
    viewer = client_as(world.viewer)
    assert viewer.get(f"/training/{c.pk}/").status_code == 200
    assert viewer.get(f"/training/{c.pk}/edit/").status_code == 403
    assert (
        viewer.post(
            f"/training/{c.pk}/", {"action": "add", "add-people": [world.people["in_branch"].pk]}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    "query",
    [
        "year=20x6",
        "year=99999",
        "kind=nonsense",
        "from=2026-13-01",
        "to=2020-01-01&from=2026-01-01",
        "category=x",
    ],
)
def test_bad_parameters_are_a_400(world, client_as, query):
    organizer = client_as(world.organizer)
    page = (
        "figures" if "from" in query or "to=" in query else ("participations" if "category" in query else "")
    )
    url = f"/training/org/{world.town_a1.pk}/{page + '/' if page else ''}?{query}"
    assert organizer.get(url).status_code == 400


def test_the_class_list_has_a_bounded_number_of_queries(world, client_as, django_assert_max_num_queries):
    for n in range(30):
        c = make_class(world, kind="member_rotation", name=f"轮训班第{n}期", start=D(2025, 1, 1) + dt.timedelta(days=n),
                       end=D(2025, 1, 3) + dt.timedelta(days=n))  # fmt: skip
        services.participants_add(actor=world.organizer, training_class=c, people=[world.people["in_branch"]])
    client = client_as(world.organizer)
    with django_assert_max_num_queries(14):
        page = client.get(f"/training/org/{world.town_a1.pk}/?kind=member_rotation&year=2025")
    assert page.status_code == 200 and page.content.decode().count("data-class=") == 30


def test_create_add_and_complete_through_the_pages(world, client_as, introducers):
    case = candidate_case(world, introducers, name="赵新")
    client = client_as(world.organizer)
    response = client.post(
        f"/training/org/{world.town_a1.pk}/new/",
        {
            "name": "2023年发展对象培训班",
            "kind": "candidate",
            "start_on": "2023-06-01",
            "end_on": "2023-06-03",
            "hours": "24",
        },
    )
    c = TrainingClass.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/training/{c.pk}/"
    picker = client.get(f"/training/{c.pk}/").content.decode()
    assert f'value="{case.person_id}"' in picker  # the 发展对象 are offered first
    assert f'value="{world.people["in_branch"].pk}"' not in picker
    added = client.post(
        f"/training/{c.pk}/?standing=candidate", {"action": "add", "add-people": [case.person_id]}
    )
    assert added.status_code == 302
    assert list(c.participations.values_list("person_id", "category")) == [(case.person_id, "candidate")]
    again = client.post(f"/training/{c.pk}/?standing=all", {"action": "add", "add-people": [case.person_id]})
    assert again.status_code == 200  # no longer offered: the picker refuses the choice
    done = client.post(f"/training/{c.pk}/", {"action": "complete", "people": [case.person_id]})
    assert done.status_code == 302
    record = StepRecord.objects.get(case=case, step=11)
    assert (record.on, record.data["start"]) == (D(2023, 6, 3), "2023-06-01")
    case_page = client.get(f"/development/case/{case.pk}/").content.decode()
    assert "开展集中培训" in case_page and "2023-06-03" in case_page


def test_a_refused_completion_shows_the_rule_on_the_page(world, client_as, introducers):
    case = candidate_case(world, introducers, name="赵新")
    c = make_class(world, name="两天短训班", start=D(2023, 6, 2), end=D(2023, 6, 3), hours=16)
    services.participants_add(actor=world.organizer, training_class=c, people=[case.person])
    page = client_as(world.organizer).post(
        f"/training/{c.pk}/", {"action": "complete", "people": [case.person_id]}
    )
    body = page.content.decode()
    assert page.status_code == 200 and "【R-TRAIN】" in body and "“赵新”的集中培训不能记入发展纪实" in body
    assert not c.participations.filter(completed=True).exists()


def test_excel_exports_mask_the_id_numbers(world, client_as):
    c = make_class(world, kind="member_rotation", name="=HYPERLINK(1)")
    people = [world.people["in_branch"], world.people["other_branch"]]
    services.participants_add(actor=world.organizer, training_class=c, people=people)
    services.participation_complete(actor=world.organizer, training_class=c, people=people[:1])
    client = client_as(world.organizer)
    response = client.get(f"/training/{c.pk}/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    flat = [str(v) for row in values for v in row if v is not None]
    for p in people:
        assert p.id_number not in flat and p.masked_id_number in flat
    assert list(values[1][:3]) == ["序号", "姓名", "公民身份号码"]
    assert ("曾小芳" in flat) and ("是" in flat) and ("否" in flat)
    listing = load_workbook(
        io.BytesIO(client.get(f"/training/org/{world.town_a1.pk}/export/").content)
    ).active
    rows = list(listing.iter_rows(values_only=True))
    assert rows[2][0] == "'=HYPERLINK(1)" and rows[2][8:] == (2, 1)  # escaped; 2 participants, 1 completed
    hours = load_workbook(
        io.BytesIO(client.get(f"/training/org/{world.town_a1.pk}/hours/export/?year=2023").content)
    ).active
    assert [r[2] for r in hours.iter_rows(min_row=3, values_only=True)] == [
        "曾小芳",
        "欧阳修远",
    ]  # 24, 0 of 32


def test_the_person_file_and_the_org_page_show_training(world, client_as):
    c = make_class(world, kind="member_rotation", start=D(2026, 3, 1), end=D(2026, 3, 4), hours=32)
    person = world.people["in_branch"]
    services.participants_add(actor=world.organizer, training_class=c, people=[person])
    services.participation_complete(actor=world.organizer, training_class=c, people=[person])
    body = client_as(world.secretary).get(f"/people/{person.pk}/").content.decode()
    assert 'id="person-trainings"' in body and "2023年第一期发展对象培训班" in body
    assert "2026年已完成 32 学时，应完成 32 学时。" in body
    assert (
        f'href="/training/{c.pk}/"' not in body
    )  # a town class: named, not linked, for the branch secretary
    assert (
        f'href="/training/{c.pk}/"'
        in client_as(world.organizer).get(f"/people/{person.pk}/").content.decode()
    )
    org_page = client_as(world.secretary).get(f"/orgs/{world.branch_a1_1.pk}/").content.decode()
    assert f'href="/training/org/{world.branch_a1_1.pk}/"' in org_page


def _chinese_outside_data(html: str) -> list[str]:
    data = [*Org.objects.values_list("name", flat=True), *Person.objects.values_list("name", flat=True)]
    # The rule's source (its article) is data of the rule catalogue, shown as it is written.
    data += [
        *TrainingClass.objects.values_list("name", flat=True),
        RULE_BY_ID["R-STUDY"].article,
        "中文",
        "汉族",
    ]
    for text in sorted(data, key=len, reverse=True):
        html = html.replace(text, "")
    return sorted({m.group(0) for m in re.finditer(r"[^<>\"]*" + CJK.pattern + r"[^<>\"]*", html)})


def test_the_pages_are_english_for_an_english_browser(world, client_as, introducers):
    case = candidate_case(world, introducers, name="赵新")
    c = make_class(world)
    services.participants_add(
        actor=world.organizer, training_class=c, people=[case.person, world.people["in_branch"]]
    )
    services.participation_complete(
        actor=world.organizer, training_class=c, people=[world.people["in_branch"]]
    )
    client = client_as(world.organizer)
    town = world.town_a1.pk
    for url in (f"/training/org/{town}/", f"/training/org/{town}/new/", f"/training/{c.pk}/", f"/training/{c.pk}/edit/",
                f"/training/org/{town}/hours/?year=2023", f"/training/org/{town}/figures/?from=2023-01-01&to=2023-12-31",
                f"/training/org/{town}/participations/?from=2023-01-01&to=2023-12-31",
                f"/people/{world.people['in_branch'].pk}/"):  # fmt: skip
        response = client.get(url, **ENGLISH)
        assert response.status_code == 200, url
        assert _chinese_outside_data(response.content.decode()) == [], url
