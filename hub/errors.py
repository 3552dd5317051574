"""Domain errors: one base, each mapped to the GraphQL `extensions.code` a client sees."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    UNAVAILABLE = "UNAVAILABLE"
    INTERNAL = "INTERNAL"


class HubError(Exception):
    """An expected error whose message is safe to show to the client."""

    code: ErrorCode = ErrorCode.INTERNAL

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {"code": self.code.value, **extensions}


class Unauthenticated(HubError):
    code = ErrorCode.UNAUTHENTICATED


class Forbidden(HubError):
    code = ErrorCode.FORBIDDEN


class BadUserInput(HubError):
    code = ErrorCode.BAD_USER_INPUT


class LimitExceeded(HubError):
    code = ErrorCode.LIMIT_EXCEEDED


class Unavailable(HubError):
    code = ErrorCode.UNAVAILABLE
