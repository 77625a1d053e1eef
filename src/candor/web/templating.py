"""The Jinja environment the pages share, and the CSRF token a page's forms carry."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from candor import __version__
from candor.accounts.deps import CSRF_COOKIE

_here = Path(__file__).parent
static_dir = _here / "static"
templates = Jinja2Templates(directory=_here / "templates")
templates.env.globals["version"] = __version__


def csrf_token(request: Request) -> str:
    """The token this page's forms echo: one issued by this very response, else the cookie's."""
    issued: str | None = getattr(request.state, "csrf", None)
    return issued or request.cookies.get(CSRF_COOKIE, "")


templates.env.globals["csrf_token"] = csrf_token
