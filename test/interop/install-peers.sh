#!/usr/bin/env bash
# Installs the Debian packages the interop tests drive. Idempotent: apt runs only when something
# is missing. Needs root (CI runs as root). Packages:
#   sip-tester (sipp 3.6.1), baresip-core, kamailio, ffmpeg, sox, tshark, python3, openssl,
#   iproute2 (ss), stun-server (STUN), libspandsp2 (codec oracle), sipvicious (hostile scans),
#   strace (checks that a bad config opens no socket).
set -euo pipefail

PKGS=(sip-tester baresip-core libspandsp2 kamailio kamailio-tls-modules ffmpeg sox tshark python3 openssl iproute2 stun-server sipvicious strace)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: all ${#PKGS[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-peers: missing ${missing[*]}; run as root (sudo make peers)" >&2
  exit 1
fi
echo "install-peers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged kamailio service must stay off: its default cfg listens on every interface.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
  systemctl disable --now kamailio >/dev/null 2>&1 || true
fi
for b in sipp baresip kamailio ffmpeg sox tshark python3; do
  command -v "$b" >/dev/null || { echo "install-peers: $b missing after install" >&2; exit 1; }
done
