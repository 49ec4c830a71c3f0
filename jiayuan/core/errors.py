"""Errors that carry a message for the user (in Chinese) and are safe to show."""

from __future__ import annotations


class ApplicationError(Exception):
    """A refused request: the message is shown to the user as is."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra or {}

    def form_errors(self) -> dict[str, str]:
        """The messages to show beside a form: one per field when known, else one for the whole form."""
        return getattr(self, "errors", None) or {"form": self.message}


class ValidationFailed(ApplicationError):
    """Bad input: one message per field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        first = next(iter(errors.values())) if errors else "输入有误"
        super().__init__(first)


class StaleEditError(ApplicationError):
    status_code = 409

    def __init__(self, message: str = "该记录已被他人修改，请刷新页面后重新编辑。您的修改未保存。"):
        super().__init__(message)


class WorkflowError(ApplicationError):
    """A workflow step that is not allowed from the current state."""

    status_code = 409


class NotFound(Exception):
    """Missing, or out of the actor's scope: the two are the same answer (a 404 at the edge).

    Services, selectors and the access policy raise it; the page middleware and the API turn it into a 404
    with the same body whatever the reason, so nobody can tell a hidden record from a missing one.
    Deliberately not an `ApplicationError`: a form view that shows refusals beside its fields must not
    swallow it.
    """

    status_code = 404

    def __init__(self, message: str = "未找到该记录"):
        super().__init__(message)
        self.message = message


class BadParameter(ApplicationError):
    """A query parameter that is not what the page takes (a date, a number, an identifier in a URL): 400."""

    status_code = 400
