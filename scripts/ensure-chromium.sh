#!/usr/bin/env bash
# The plan-diagram test renders SVG in Debian's Chromium (driven by playwright-core, which downloads no browser).
# On a fresh machine where we are root with apt, install it; elsewhere say what is missing and let the test fail.
set -u
command -v chromium >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the diagram test…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null && exit 0
fi
echo "warning: /usr/bin/chromium is missing; install Debian's chromium (apt-get install -y chromium) or the diagram test fails" >&2
exit 0
