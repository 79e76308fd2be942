from hello import create_app


def test_index_and_healthz():
    client = create_app().test_client()
    assert client.get("/").status_code == 200
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
