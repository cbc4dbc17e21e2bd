"""`python -m actions.business`: check every rules file, as `make run` does before starting."""

from __future__ import annotations

import sys

from actions.business.catalog import load_catalog
from actions.business.rulebook import RulebookError, load_rules


def main() -> int:
    try:
        rules = load_rules()
        catalog = load_catalog()
    except RulebookError as error:
        print(f"rules/: {error}", file=sys.stderr)
        return 1
    print(f"rules/ OK: {len(catalog.topics)} topics, {len(catalog.categories)} ticket categories, "
          f"{len(catalog.fields)} fields, timezone {rules.timezone}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
