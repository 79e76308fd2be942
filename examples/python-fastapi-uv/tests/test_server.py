from app.server import api, healthz, index


def test_routes_exist():
    paths = {route.path for route in api.routes}
    assert {"/", "/healthz"} <= paths


def test_handlers():
    assert index().startswith("hello from")
    assert healthz() == {"status": "ok"}
