#!/usr/bin/env bash
# Installs the Debian packages listed in deploy/debian-packages.txt that are missing, and says which.
# Needs root (or sudo); says clearly what to run when it cannot.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mapfile -t wanted < <(grep -vE '^\s*(#|$)' "$here/debian-packages.txt")
missing=()
for line in "${wanted[@]}"; do
  read -r package condition command <<<"$line"
  if [[ ${condition:-} == unless-command ]] && command -v "$command" >/dev/null 2>&1; then
    continue
  fi
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "error: missing Debian packages and no root or sudo to install them; run as root:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! $sudo apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${missing[@]}" || {
    echo "error: could not install: ${missing[*]} (is a Debian package mirror reachable?)" >&2
    exit 1
  }
fi
