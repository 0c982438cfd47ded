"""Show a rule set's code as its label: `{{ code|label_in:titles }}` with titles {code: label}."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def label_in(code, labels):
    """The label of `code` in `labels` (a dict), or the code itself when it has none."""
    if not isinstance(labels, dict):
        return code
    return labels.get(code, code)
