#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (executable_path); nothing is
# downloaded by Playwright itself. Installs the Debian package when it is missing.
set -euo pipefail
# fonts-noto-core: Arabic and Cyrillic glyphs, so screenshots and layout are real
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -i "Noto Naskh Arabic" >/dev/null; then
    exit 0
fi
echo "==> installing Debian's chromium for the browser tests"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "chromium is missing and I am not root: apt-get install chromium" >&2; exit 1; }
    sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-core >/dev/null
command -v chromium >/dev/null
