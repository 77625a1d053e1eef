from __future__ import annotations

from candor.core.errors import Conflict, TooManyRequests, Unauthenticated


class EmailTaken(Conflict):
    code = "email_taken"
    title = "An account with this email already exists"


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"
    title = "Email or password is incorrect"


class InvalidRefreshToken(Unauthenticated):
    code = "invalid_refresh_token"
    title = "The session has expired or was signed out"


class NotAuthenticated(Unauthenticated):
    code = "not_authenticated"
    title = "Sign in to continue"


class CSRFFailed(Unauthenticated):
    status = 403
    code = "csrf_failed"
    title = "The request is missing its CSRF token"


class LoginThrottled(TooManyRequests):
    code = "login_throttled"
    title = "Too many failed sign-in attempts"
