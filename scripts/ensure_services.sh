#!/usr/bin/env bash
# Make sure Debian's PostgreSQL and Redis servers are installed for `make test-reliability`.
# The tests start their own instances on loopback in a temporary folder; the packages' own
# services are not used.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  apt-get update
  # No service start inside the installer: the tests run their own servers.
  created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}"
  [ -z "$created_policy" ] || rm -f /usr/sbin/policy-rc.d
fi
ls /usr/lib/postgresql/*/bin/postgres | head -1
redis-server --version
