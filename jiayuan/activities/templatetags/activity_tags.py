from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict, key):
    """A label from a code table passed in by the view ({{ labels|lookup:a.type }})."""
    return mapping.get(key, key) if mapping else key
