def test_home_page_shows_the_group_and_a_join_call(client, settings, db):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert settings.SIG_NAME in body
    assert "Sign up" in body
