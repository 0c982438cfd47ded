"""One step of a POST, told on the next page: its refusal as an error message, else success."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages


def run_step(request, step: Callable[[], object], done: str, refusal: type[Exception]) -> bool:
    """Run `step()`; a `refusal` it raises becomes an error message (its text), else `done` a
    success message. Whether the step ran through."""
    try:
        step()
    except refusal as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, done)
    return True
