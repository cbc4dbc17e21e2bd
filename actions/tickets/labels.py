"""The French names of ticket categories and details, read from rules/ (never copied here)."""

from __future__ import annotations

from actions.business.catalog import Catalog, cached_catalog


def category_label(category: str, catalog: Catalog | None = None) -> str:
    """The category's label from rules/tickets.yml (the key if it has left the rules since)."""
    known = (catalog or cached_catalog()).categories.get(category)
    return known.label if known else category


def field_label(name: str, catalog: Catalog | None = None) -> str:
    """A detail's label from rules/fields.yml, as the user saw it in the summary."""
    known = (catalog or cached_catalog()).fields.get(name)
    return known.label if known else name
