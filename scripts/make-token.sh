#!/usr/bin/env bash
# Issues a join token for one hall and stores its hash in the config.
# Usage: scripts/make-token.sh SITE_ID [CONFIG] [TOKEN_FILE]
#   Without TOKEN_FILE the token is printed once; with it, the token goes to that file (mode 0600).
set -euo pipefail
if [ $# -lt 1 ] || [ $# -gt 3 ]; then
  echo "usage: $0 SITE_ID [CONFIG] [TOKEN_FILE]" >&2
  exit 2
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
args=(--config "${2:-$root/config/diemcau.conf}" --new-token "$1")
[ $# -eq 3 ] && args+=(--token-file "$3")
exec "$root/build/gateway/diemcau-gateway" "${args[@]}"
