from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI(title="python-fastapi-poetry")


@app.get("/", response_class=PlainTextResponse)
def index() -> str:
    return "hello from python-fastapi-poetry\n"


@app.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
