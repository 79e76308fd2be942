from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

api = FastAPI(title="python-fastapi-uv")


@api.get("/", response_class=PlainTextResponse)
def index() -> str:
    return "hello from python-fastapi-uv\n"


@api.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok"}
