"""Demo data for a fresh install: a candidate account with a sample CV and job description."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from candor.accounts import repository as accounts_repo
from candor.accounts.models import Role
from candor.accounts.service import AccountService, ClientInfo
from candor.core.config import Settings
from candor.core.db import Database
from candor.documents.schemas import DocumentKind
from candor.documents.service import DocumentService

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "candor-demo-password"
_here = Path(__file__).parent


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    created: bool


async def load_demo(settings: Settings) -> DemoLogin:
    """Create the demo candidate with a CV and a job description, unless it exists already."""
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as session:
            if await accounts_repo.get_user_by_email(session, DEMO_EMAIL):
                return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created=False)
            user, _ = await AccountService(session, settings, db).signup(
                DEMO_EMAIL, DEMO_PASSWORD, "Demo Candidate", Role.CANDIDATE, ClientInfo(None, "candor demo")
            )
            documents = DocumentService(session, settings)
            for kind, name in (
                (DocumentKind.CV, "cv_bruce_wayne.pdf"),
                (DocumentKind.JOB, "job_full_stack_engineer.pdf"),
            ):
                data = (_here / name).read_bytes()
                await documents.upload(user.id, kind, data=data, filename=name, text=None)
    finally:
        await db.dispose()
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD, created=True)
