#!/usr/bin/env bash
# Installs the native test dependencies the build cannot fetch itself: SoftHSM2, the PKCS#11
# token the root-of-trust tests run against. Idempotent and silent when everything is present.
set -euo pipefail

SOFTHSM_LIB=/usr/lib/softhsm/libsofthsm2.so

if [[ -f "$SOFTHSM_LIB" ]] && command -v softhsm2-util >/dev/null 2>&1; then
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "test-deps: $SOFTHSM_LIB is missing and this user cannot install packages;" \
    "install the Debian package softhsm2 (apt-get install softhsm2) as root" >&2
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: $SOFTHSM_LIB is missing and apt-get is not available;" \
    "install SoftHSM 2 so that $SOFTHSM_LIB exists" >&2
  exit 1
fi

echo "test-deps: installing softhsm2" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq >/dev/null
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends softhsm2 >/dev/null

if [[ ! -f "$SOFTHSM_LIB" ]]; then
  echo "test-deps: softhsm2 was installed but $SOFTHSM_LIB does not exist" >&2
  exit 1
fi
