"""Errors a service raises when it refuses something. Each carries a machine code and a
message a person understands; pages show the message, the API answers with both."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class NotFound(DomainError):
    """Missing, or not visible to this user: the two look the same from outside."""

    status = 404
    code = "not_found"


class NotAllowed(DomainError):
    """Visible, but this user may not do this to it (role, place or the object's state)."""

    status = 422
    code = "not_allowed"


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"


class InvalidTransition(DomainError):
    status = 422
    code = "invalid_transition"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
