#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the widget's browser tests (tests/e2e/test_widget.py).
# We use the distribution's package on purpose: no browser downloaded by Playwright or from a CDN.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium package..."
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
/usr/bin/chromium --version
