from yaoan.common.testing import EntityFactory, sign_in


def test_signed_in_inspector_sees_entity_list(client, inspector, subdistrict):
    EntityFactory(subdistrict=subdistrict, name="仁济大药房")
    sign_in(client, inspector)
    response = client.get("/registry/entities/?q=rjdyf")
    assert response.status_code == 200
    assert "仁济大药房" in response.content.decode()


def test_password_alone_gives_no_session(client, inspector):
    client.post(
        "/accounts/login/", {"username": inspector.username, "password": "Yaoan-Test-Pass-2026!"}
    )
    response = client.get("/registry/entities/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
