#!/usr/bin/env bash
# Install the Debian packages sopcheck needs when they are missing (as root, with apt-get);
# otherwise print one line naming them. Usage: scripts/ensure-system.sh PKG...
set -u
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# python3 -m venv needs ensurepip, which Debian ships in python3-venv
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
  missing+=("python3-venv")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "sopcheck: please install these system packages (no apt-get here): ${missing[*]}" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "sopcheck: missing system packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 0
fi
echo "sopcheck: installing system packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || { echo "sopcheck: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
