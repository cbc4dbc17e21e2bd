"""Change one key in a private copy of rules/ (the copy itself: the `folder` fixture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DELETE = object()


def edit(folder: Path, name: str, dotted: str, value: Any) -> None:
    """Set (or, with DELETE, remove) the key at `dotted` in one rules file of `folder`."""
    path = folder / name
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node[key]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    text = yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
