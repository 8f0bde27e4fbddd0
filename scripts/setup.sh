#!/usr/bin/env bash
# Installs what diemcau needs on Debian 12 (as root or through sudo) and builds it into build/.
# Safe to run again: apt skips what is installed, meson reconfigures only when needed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libjson-glib-dev libsoup-3.0-dev libnice-dev libopus-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-nice gstreamer1.0-x
  libpango1.0-dev libcairo2-dev python3
  fonts-dejavu-core openssl ca-certificates procps
  libgtk-3-dev gstreamer1.0-gtk3 xvfb xauth imagemagick
  chromium nodejs
  libsofia-sip-ua-glib-dev gstreamer1.0-libav
  baresip-core baresip-ffmpeg linphone-cli
  iproute2 nftables util-linux
  ffmpeg
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi

# The browser test's driver, playwright-core, as pinned in its package-lock.json. It drives the
# Debian chromium above and never downloads a browser of its own.
if [ ! -d tests/browser/node_modules ]; then
  if ! command -v npm >/dev/null; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends npm
  fi
  (cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

if [ ! -f build/build.ninja ]; then
  meson setup build --buildtype=debugoptimized
fi
ninja -C build
