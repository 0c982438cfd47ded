from django import template

register = template.Library()


@register.filter
def errors_for(errors: dict, name: str) -> list:
    """The messages of one input (by its HTML name) from a Declaration's errors."""
    return (errors or {}).get(name, [])


@register.filter
def spec_of(form, name: str):
    """The rule-set field behind a bound form's field."""
    return form.specs.get(name)
