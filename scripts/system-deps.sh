#!/bin/sh
# Debian packages the project needs outside Python: Chromium for browser tests, poppler for reading
# PDFs in tests, gettext for compiling translations, Pango for WeasyPrint. Installs what is missing.
set -eu
want="gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 shared-mime-info"
if [ "${1:-}" = "--test" ]; then want="$want chromium poppler-utils"; fi
missing=""
for pkg in $want; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "system-deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: not root; install these with apt-get:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
