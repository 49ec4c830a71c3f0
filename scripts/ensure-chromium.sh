#!/bin/sh
# Install Debian's Chromium for the browser tests when it is missing.
set -e
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
  SUDO="sudo"
fi
echo "正在安装浏览器测试所需的 Chromium（apt-get）…"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
