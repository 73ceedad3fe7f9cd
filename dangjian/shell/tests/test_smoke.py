def test_world_builds_and_branch_secretary_sees_only_branch(world, client_as):
    client = client_as(world.secretary)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "东城镇第一党支部" in body
    assert client.get(f"/orgs/{world.branch_b_1.pk}/").status_code == 404
