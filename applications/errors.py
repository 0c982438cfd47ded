"""The declaration's services refuse with `ApplicationError`: a Chinese message for the user,
`field` naming the input it concerns when there is one, `errors` by input for a whole form."""

from __future__ import annotations


class ApplicationError(ValueError):
    def __init__(self, message: str, *, field: str | None = None, errors: dict | None = None):
        super().__init__(message)
        self.field = field
        self.errors = errors or {}
