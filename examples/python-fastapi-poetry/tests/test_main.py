from main import app, healthz, index


def test_routes_exist():
    paths = {route.path for route in app.routes}
    assert {"/", "/healthz"} <= paths


def test_handlers():
    assert index().startswith("hello from")
    assert healthz() == {"status": "ok"}
