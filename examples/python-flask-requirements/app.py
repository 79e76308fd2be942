from flask import Flask

app = Flask(__name__)


@app.get("/")
def index():
    return "hello from python-flask-requirements\n"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}
