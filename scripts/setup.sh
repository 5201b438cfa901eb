#!/usr/bin/env bash
# Installs what ecotown needs on Debian 12, idempotently: apt-get runs only when a package is
# missing, npm only when node_modules does not match the committed lockfile.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build tools and C++ libraries (STYLE.md lists why each one is here).
packages=(
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
  libboost-dev nlohmann-json3-dev libsimdjson-dev libsqlite3-dev sqlite3 libpq-dev
  libsodium-dev libcli11-dev libtomlplusplus-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev zlib1g-dev libcpp-httplib-dev libmosquitto-dev libeigen3-dev
  libcairo2-dev libpango1.0-dev fonts-thai-tlwg libxlsxwriter-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # Real servers and browser the tests start on loopback.
  postgresql-15 mosquitto chromium
  # Scripts and checks (openssl makes the MQTT TLS test's certificates)
  python3 curl procps openssl
  # PDF checks in the report tests (pdftotext, pdffonts, pdfinfo)
  poppler-utils
)

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
# Node.js and npm: keep one that is already there (it may not be Debian's); otherwise Debian's.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The postgres cluster of the Debian package is not used: tests make their own with initdb.
# Debian installs initdb/pg_ctl outside PATH.
if ! command -v initdb >/dev/null 2>&1 && [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
  echo "setup: PostgreSQL tools are in /usr/lib/postgresql/15/bin (tests find them there)"
fi

# Web assets and browser-test driver from the committed lockfile; a stamp records which lockfile
# node_modules was installed from.
stamp=node_modules/.ecotown-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f "$stamp" ]] || [[ "$(cat "$stamp")" != "$want" ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
