#!/usr/bin/env bash
# Installs and builds what is missing, then runs diemcau-gateway on the default configuration.
# The first run makes a local copy var/diemcau.conf with a fresh join token for every site
# (var/tokens/SITE.token, readable by this user only): hand each hall its own token file. Each
# district also gets a SIP password for its room system (var/sip/SITE.password).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

gateway=build/gateway/diemcau-gateway
if [ ! -f var/diemcau.conf ]; then
  mkdir -p var/tokens
  chmod 700 var/tokens
  cp config/diemcau.conf var/diemcau.conf
  mkdir -p var/sip
  chmod 700 var/sip
  for site in $(sed -n 's/^\[site:\([a-z0-9-]*\)\]$/\1/p' var/diemcau.conf); do
    "$gateway" --config var/diemcau.conf --new-token "$site" \
      --token-file "var/tokens/$site.token" >/dev/null
    "$gateway" --config var/diemcau.conf --new-sip-password "$site" \
      --token-file "var/sip/$site.password" >/dev/null
  done
  echo "New join tokens, one file per hall: $(pwd)/var/tokens/"
  echo "SIP passwords for the halls' room systems (user = site id): $(pwd)/var/sip/"
fi
echo "Configuration: $(pwd)/var/diemcau.conf (validate with: $gateway --check-config FILE)"
exec "$gateway" --config var/diemcau.conf "$@"
