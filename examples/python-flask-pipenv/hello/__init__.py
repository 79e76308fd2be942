from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "hello from python-flask-pipenv\n"

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
