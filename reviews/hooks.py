"""What higher layers do when review reaches one of its steps, registered by those layers.

Reviews sits below subsidies, so it cannot import the award: `subsidies.apps.SubsidiesConfig.ready`
registers `subsidies.services.create_award` here with `on_named`, as the workbench panels register
in `AppConfig.ready`. Naming calls every handler for every named application inside its own
transaction, so an award that cannot be created rolls the naming back.

With no handler registered naming refuses (`NoNamingHandler`) before it changes anything: an
application marked named without its award would never be paid and nobody would notice, while a
refusal is seen at once (a server error, logged, and nothing written).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

NamedHandler = Callable[..., object]

_named: list[NamedHandler] = []


class NoNamingHandler(ImproperlyConfigured):
    """Naming was asked for, but no app registered what a named application becomes."""


def on_named(handler: NamedHandler) -> NamedHandler:
    """Register `handler(*, application, document_number, named_on, by)`, called for each named
    application in the naming transaction. Registering the same handler twice keeps one."""
    if handler not in _named:
        _named.append(handler)
    return handler


def named_handlers() -> list[NamedHandler]:
    """The handlers naming must call; refuses when there are none (see the module's note)."""
    if not _named:
        raise NoNamingHandler(
            "No handler for named applications: subsidies.apps.SubsidiesConfig.ready() "
            "registers subsidies.services.create_award with reviews.hooks.on_named."
        )
    return list(_named)
