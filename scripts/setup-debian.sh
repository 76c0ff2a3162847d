#!/usr/bin/env bash
# Installs every Debian 12 package that building and testing mta-sts-agent needs.
# Idempotent and non-interactive: installs only what is missing, and refreshes the
# package lists only when they are absent or an install from them fails.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git
  # libraries the agent links
  prometheus-cpp-dev libasio-dev libc-ares-dev libssl-dev libfmt-dev libyaml-cpp-dev
  nlohmann-json3-dev libcli11-dev zlib1g-dev libcrypt-dev libsqlite3-dev libidn2-dev libjemalloc-dev
  libexpected-dev libgmime-3.0-dev libcurl4-openssl-dev libunbound-dev
  # the root's DNSSEC trust anchor, DANE's default (/usr/share/dns/root.key)
  dns-root-data
  # tests: GoogleTest, clang 16 with libFuzzer for the fuzz targets (clang 14 fails on the
  # coroutine files under the sanitizers), clang-format
  libgtest-dev libgmock-dev clang-16 libclang-rt-16-dev clang-format
  # the test lab (tests/lab/lab.sh): network namespaces and real servers
  iproute2 nsd unbound nginx-light openssl postfix
  # ldns-keygen and ldns-signzone sign the lab's DNSSEC zone
  ldnsutils
  # Dovecot serves the IMAP mailbox that TLS-RPT reports are read from
  dovecot-imapd
  # nftables drops port-25 SYNs inside the lab to test blocked egress
  nftables
  # promtool checks our /metrics exposition and the alert rules; the end-to-end test runs a
  # real Prometheus and Alertmanager; Chromium renders the status page in a test
  prometheus prometheus-alertmanager chromium
  # systemd-analyze checks the unit; dpkg-dev (dpkg-shlibdeps) lets CPack compute dependencies,
  # and CPack's Debian generator runs `file` (absent from a minimal Debian 12)
  systemd dpkg-dev file
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "setup: installing ${missing[*]}"

export DEBIAN_FRONTEND=noninteractive
# Postfix must not configure (or start) a system mail server: the lab runs its own
# instance from a config folder of the tests (tests/lab/lab.sh).
echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
apt_install() {
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
}
# A fresh machine may have no package lists at all; an old list may name
# package versions the mirror no longer has. Either way, update and retry once.
if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
  as_root apt-get update -q
fi
if ! apt_install; then
  as_root apt-get update -q
  apt_install
fi
# The prometheus and dovecot packages start a system Prometheus, Alertmanager and Dovecot where
# systemd runs; the tests start their own, so do not leave them running (or listening on :9090,
# :9093, :143 and :993).
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now prometheus prometheus-alertmanager dovecot >/dev/null 2>&1 || true
fi
