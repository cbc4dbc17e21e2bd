#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 supports 3.8 to 3.10 only).
set -u
works() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' >/dev/null 2>&1; }
for candidate in "${PYTHON310:-}" python3.10; do
  [ -n "$candidate" ] || continue
  if path=$(command -v "$candidate") && works "$path"; then echo "$path"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.|$)' | sort -rV); do
    path="$(pyenv prefix "$version" 2>/dev/null)/bin/python3.10"
    if works "$path"; then echo "$path"; exit 0; fi
  done
fi
cat >&2 <<'MSG'
No Python 3.10 interpreter found (Rasa 3.6 needs Python 3.8 to 3.10).
Install one, then run make again:
  - with pyenv:  pyenv install 3.10.13
  - on Debian:   apt-get install python3.10 python3.10-venv   (where available)
  - or point to one: make install PYTHON310=/path/to/python3.10
MSG
exit 1
