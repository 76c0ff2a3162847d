#!/usr/bin/env bash
# The test lab: a small internet inside a network namespace, with real servers from
# Debian packages. Used by ctest (fixtures lab_up / lab_down) and by hand:
#
#   tests/lab/lab.sh up        create the namespace and start the servers
#   tests/lab/lab.sh down      stop everything and remove the namespace (idempotent)
#   tests/lab/lab.sh exec CMD  run CMD inside the lab
#
# Addresses (on the namespace's loopback, so nothing leaves the machine):
#   DNS (NSD, authoritative for test. and example.)   127.0.0.53 and fd00:6d74:7374::53
#   DNS (Unbound, recursive, to NSD for test.)         127.0.0.54
#   DNS (Unbound, validating with the dane.test anchor) 127.0.0.55
#   HTTPS policy hosts (nginx, by SNI)                 127.0.0.80 and fd00:6d74:7374::80
#   SMTP MX hosts (Postfix), one address pair each:
#     good (STARTTLS, trusted cert)                    127.0.0.25 and fd00:6d74:7374::25
#     expired / wrong-name / untrusted certificate     127.0.0.26 / .27 / .28 (and ::26...)
#     no STARTTLS                                      127.0.0.29 and fd00:6d74:7374::29
#   Misbehaving on purpose ($MTASTS_LAB_MISBEHAVING, built by CMake; optional):
#     a policy host that accepts and never answers     127.0.0.82 and fd00:6d74:7374::82
#     SMTP that speaks only TLS 1.0                    127.0.0.30
#     SMTP that never answers                          127.0.0.31
#     SMTP whose TLS handshake is garbage              127.0.0.32
#     SMTP greeting without end / a byte a second      127.0.0.33 / .34
#     policy hosts: a byte a second, endless headers,
#       a 10 MB body                                   127.0.0.85 / .86 / .87
#     DNS answering garbage (garbagedns.test.)         127.0.0.35
#   Plain HTTP on port 443 (nginx, no TLS)             127.0.0.84
#   IPv4 and IPv6 serving different policies (nginx)   127.0.0.83 and fd00:6d74:7374::83
# Certificates (certs.sh) are made at start-up; $MTASTS_LAB_DIR/certs/ca.pem is the root
# the tests trust.
# Needs root (ip netns). State lives in $MTASTS_LAB_DIR (default /tmp/mtasts-lab).
set -euo pipefail

LAB_NETNS=${MTASTS_LAB_NETNS:-mtasts-lab}
LAB_DIR=${MTASTS_LAB_DIR:-/tmp/mtasts-lab}
HERE=$(cd "$(dirname "$0")" && pwd)
DNS_V4=127.0.0.53
DNS_V6=fd00:6d74:7374::53
WEB_V4=127.0.0.80
WEB_V6=fd00:6d74:7374::80

in_lab() { ip netns exec "$LAB_NETNS" "$@"; }

stop_pidfile() {
  local pidfile=$1
  [ -f "$pidfile" ] || return 0
  local pid
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

down() {
  stop_pidfile "$LAB_DIR/misbehaving.pid"
  stop_pidfile "$LAB_DIR/unbound/unbound.pid"
  stop_pidfile "$LAB_DIR/unbound-validating/unbound.pid"
  if [ -f "$LAB_DIR/postfix/main.cf" ]; then
    in_lab postfix -c "$LAB_DIR/postfix" stop >/dev/null 2>&1 || true
  fi
  stop_pidfile "$LAB_DIR/postfix/queue/pid/master.pid"
  stop_pidfile "$LAB_DIR/nginx/nginx.pid"
  stop_pidfile "$LAB_DIR/nsd/nsd.pid"
  if ip netns list | grep -qw "$LAB_NETNS"; then
    # Anything still running in the namespace belongs to the lab.
    for pid in $(ip netns pids "$LAB_NETNS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$LAB_NETNS"
  fi
  rm -rf "$LAB_DIR"
}

# wait_for_port NAME ADDRESS PORT LOG
wait_for_port() {
  for _ in $(seq 100); do
    if in_lab bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "lab: $1 did not start; its log:" >&2
  cat "$4" >&2 || true
  return 1
}

# The SHA-256 of a certificate's (or a private key's) public key, as in a "3 1 1" TLSA record.
spki_sha256() {
  if [ "${2:-}" = key ]; then openssl pkey -in "$1" -pubout -outform DER
  else openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER; fi |
    openssl dgst -sha256 -r | cut -d' ' -f1
}

# dane.test: a DNSSEC-signed zone (ldns-signzone) with TLSA records made from this lab's
# certificates, and $LAB_DIR/dnssec/trust-anchor.ds, the anchor validators are given. The rest
# of test. is unsigned (insecure).
sign_dane_zone() {
  local dir="$LAB_DIR/dnssec" certs="$LAB_DIR/certs"
  mkdir -p "$dir"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$certs/mx-next.key" 2>/dev/null
  local current next
  current=$(spki_sha256 "$certs/mx-good.pem")
  next=$(spki_sha256 "$certs/mx-next.key" key)
  # Six strings of 255 characters: with its signature, more than a 1232-byte UDP answer.
  local large
  large=$(for i in 1 2 3 4 5 6; do printf '"%0255d" ' "$i"; done)
  cat > "$dir/dane.test.zone" <<ZONE
\$ORIGIN dane.test.
\$TTL 300
@                   IN SOA  ns.test. hostmaster.test. 1 3600 600 86400 300
@                   IN NS   ns.test.
; good.dane.test: a signed MX whose TLSA records match the current key and the next one
good                IN MX   10 mx.good.dane.test.
mx.good             IN A    127.0.0.25
mx.good             IN AAAA fd00:6d74:7374::25
_25._tcp.mx.good    IN TLSA 3 1 1 $current
_25._tcp.mx.good    IN TLSA 3 1 1 $next
; stale.dane.test: TLSA only for the next key, none for the one the server presents
stale               IN MX   10 mx.stale.dane.test.
mx.stale            IN A    127.0.0.25
_25._tcp.mx.stale   IN TLSA 3 1 1 $next
; bogus.dane.test: a TLSA record changed after signing (its signature no longer verifies)
bogus               IN MX   10 mx.bogus.dane.test.
mx.bogus            IN A    127.0.0.25
_25._tcp.mx.bogus   IN TLSA 3 1 1 $current
; wrong.dane.test: two usable TLSA records, neither for a key the server has
wrong               IN MX   10 mx.wrong.dane.test.
mx.wrong            IN A    127.0.0.25
_25._tcp.mx.wrong   IN TLSA 3 1 1 502d4adc0eb887e32b524c45ff33e5a21796f6e152e2c969347c64264d824952
_25._tcp.mx.wrong   IN TLSA 3 1 1 76caaf3e111277dcefff9f9717e5f0c22a2824cf37bdd4c875c8645f3de57b19
; nostarttls.dane.test: usable TLSA, but the MX host offers no STARTTLS
nostarttls          IN MX   10 mx.nostarttls.dane.test.
mx.nostarttls       IN A    127.0.0.29
_25._tcp.mx.nostarttls IN TLSA 3 1 1 $current
_25._tcp.mx.nostarttls IN TLSA 3 1 1 $next
; cname.dane.test: the MX host is a CNAME; TLSA is found at the expanded name (RFC 7672 §2.2.2)
cname               IN MX   10 mx.cname.dane.test.
mx.cname            IN CNAME mx.good.dane.test.
; large.dane.test: an answer too large for UDP, which validators fetch again over TCP
large               IN TXT  $large
ZONE
  local key
  key=$(cd "$dir" && ldns-keygen -a ECDSAP256SHA256 -k dane.test)
  # Signatures valid from yesterday, so a validator's clock a little behind does not matter.
  (cd "$dir" && ldns-signzone -i "$(date -u -d '-1 day' +%Y%m%d)" -f dane.test.zone.signed \
    dane.test.zone "$key")
  cp "$dir/$key.ds" "$dir/trust-anchor.ds"
  # Break the one record: same owner and type, other data, the old signature.
  sed -i "/^_25\._tcp\.mx\.bogus\.dane\.test\..*TLSA/s/$current/$next/" "$dir/dane.test.zone.signed"
  grep -q "mx.bogus.dane.test.*$next" "$dir/dane.test.zone.signed" ||
    { echo "lab: could not make the bogus TLSA record" >&2; return 1; }
}

start_dns() {
  local dir="$LAB_DIR/nsd"
  mkdir -p "$dir"
  cp "$HERE"/zones/*.zone "$dir/"
  sign_dane_zone
  cp "$LAB_DIR/dnssec/dane.test.zone.signed" "$dir/"
  cat > "$dir/nsd.conf" <<CONF
server:
  ip-address: $DNS_V4
  ip-address: $DNS_V6
  port: 53
  username: ""
  chroot: ""
  zonesdir: "$dir"
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  database: ""
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  server-count: 1
  hide-version: yes
  # Response rate limiting drops answers to one fast client.
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "test."
  zonefile: "test.zone"
zone:
  name: "example."
  zonefile: "example.zone"
zone:
  name: "dane.test."
  zonefile: "dane.test.zone.signed"
CONF
  in_lab nsd -c "$dir/nsd.conf"
  wait_for_port NSD "$DNS_V4" 53 "$dir/nsd.log"
}

# A recursive resolver in front of NSD, as users have: it answers SERVFAIL for a zone whose
# delegation is broken (broken.test), which an authoritative server alone never does.
start_recursive_dns() {
  local dir="$LAB_DIR/unbound"
  mkdir -p "$dir"
  cat > "$dir/unbound.conf" <<CONF
server:
  interface: 127.0.0.54
  port: 53
  username: ""
  chroot: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  logfile: "$dir/unbound.log"
  use-syslog: no
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "iterator"
  domain-insecure: "test."
  domain-insecure: "example."
  # Unbound answers test. itself (NXDOMAIN, RFC 6761) unless told otherwise.
  local-zone: "test." nodefault
  # Give up on the dead server fast, so the answer is SERVFAIL rather than a timeout.
  infra-cache-min-rtt: 50
  infra-keep-probing: no
stub-zone:
  name: "test."
  stub-addr: $DNS_V4
stub-zone:
  name: "example."
  stub-addr: $DNS_V4
CONF
  in_lab unbound -c "$dir/unbound.conf"
  wait_for_port Unbound 127.0.0.54 53 "$dir/unbound.log"
}

# A validating resolver, as an operator runs beside the agent for dane_resolver: it trusts
# the lab's dane.test key and sets the AD bit on what validates.
start_validating_dns() {
  local dir="$LAB_DIR/unbound-validating"
  mkdir -p "$dir"
  cat > "$dir/unbound.conf" <<CONF
server:
  interface: 127.0.0.55
  port: 53
  username: ""
  chroot: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  logfile: "$dir/unbound.log"
  use-syslog: no
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  module-config: "validator iterator"
  trust-anchor-file: "$LAB_DIR/dnssec/trust-anchor.ds"
  local-zone: "test." nodefault
  infra-cache-min-rtt: 50
  infra-keep-probing: no
stub-zone:
  name: "test."
  stub-addr: $DNS_V4
stub-zone:
  name: "dane.test."
  stub-addr: $DNS_V4
CONF
  in_lab unbound -c "$dir/unbound.conf"
  wait_for_port Unbound 127.0.0.55 53 "$dir/unbound.log"
}

# A policy body for the web root `www/NAME`.
policy() {
  mkdir -p "$LAB_DIR/www/$1/.well-known"
  printf '%b' "$2" > "$LAB_DIR/www/$1/.well-known/mta-sts.txt"
}

# server_block SERVER_NAME CERT BODY: one nginx server for a policy host.
server_block() {
  cat <<BLOCK
  server {
    listen $WEB_V4:443 ssl;
    listen [$WEB_V6]:443 ssl;
    server_name $1;
    ssl_certificate $LAB_DIR/certs/$2.pem;
    ssl_certificate_key $LAB_DIR/certs/$2.key;
$3
  }
BLOCK
}

# Policy hosts that serve the good policy with the lab certificate (see zones/test.zone).
GOOD_POLICY_HOSTS="good badid twosts badtlsrpt twotlsrpt notls mxexpired mxwrongname mxuntrusted oldtls
  nomxaddr nullmx v4only v6only blocked mxrefused mxtimeout mxbadtls onlyrefused onlysilent
  nosemicolon sharedexpired xn--mnchen-3ya mxendless mxslow reported"

start_web() {
  local dir="$LAB_DIR/nginx"
  mkdir -p "$dir"
  local good_names="" name
  for name in $GOOD_POLICY_HOSTS; do good_names="$good_names mta-sts.$name.test"; done
  policy good 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.mx.good.test\r\nmax_age: 1209600\r\n'
  policy testing 'version: STSv1\r\nmode: testing\r\nmx: mx1.good.test\r\nmx: *.mx.good.test\r\nmax_age: 1209600\r\n'
  policy none 'version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n'
  policy uncovered 'version: STSv1\r\nmode: enforce\r\nmx: mail.uncovered.test\r\nmax_age: 1209600\r\n'
  policy badpolicy 'version: STSv1\nmode: enforcing\nmx: mx1.good.test\nmax_age: 86400\n'
  policy shortmaxage 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.mx.good.test\r\nmax_age: 3600\r\n'
  policy dayage 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmx: *.mx.good.test\r\nmax_age: 86400\r\n'
  policy implicit 'version: STSv1\r\nmode: enforce\r\nmx: implicit.test\r\nmax_age: 1209600\r\n'
  # The daemon's tests rewrite this one to make the policy change (serve_lab_test.cpp).
  policy changing 'version: STSv1\r\nmode: enforce\r\nmx: mx1.good.test\r\nmax_age: 1209600\r\n'
  mkdir -p "$LAB_DIR/www/big/.well-known"
  head -c 10485760 /dev/zero | tr '\0' 'x' > "$LAB_DIR/www/big/.well-known/mta-sts.txt"
  {
    cat <<CONF
pid $dir/nginx.pid;
error_log $dir/error.log;
worker_processes 1;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  types { text/plain txt; }
  default_type application/octet-stream;
  ssl_protocols TLSv1.2 TLSv1.3;
CONF
    server_block '_' lab '    return 404;' | sed 's/ssl;/ssl default_server;/'
    server_block "$good_names" lab "    root $LAB_DIR/www/good;"
    server_block mta-sts.testing.test lab "    root $LAB_DIR/www/testing;"
    server_block mta-sts.none.test lab "    root $LAB_DIR/www/none;"
    server_block mta-sts.uncovered.test lab "    root $LAB_DIR/www/uncovered;"
    server_block mta-sts.badpolicy.test lab "    root $LAB_DIR/www/badpolicy;"
    server_block mta-sts.shortmaxage.test lab "    root $LAB_DIR/www/shortmaxage;"
    server_block mta-sts.dayage.test lab "    root $LAB_DIR/www/dayage;"
    server_block mta-sts.implicit.test lab "    root $LAB_DIR/www/implicit;"
    server_block mta-sts.changing.test lab "    root $LAB_DIR/www/changing;"
    # IPv4 and IPv6 serve different policies.
    cat <<BLOCK
  server {
    listen 127.0.0.83:443 ssl;
    server_name mta-sts.familymismatch.test;
    ssl_certificate $LAB_DIR/certs/lab.pem;
    ssl_certificate_key $LAB_DIR/certs/lab.key;
    root $LAB_DIR/www/good;
  }
  server {
    listen [fd00:6d74:7374::83]:443 ssl;
    server_name mta-sts.familymismatch.test;
    ssl_certificate $LAB_DIR/certs/lab.pem;
    ssl_certificate_key $LAB_DIR/certs/lab.key;
    root $LAB_DIR/www/testing;
  }
  server {
    listen 127.0.0.84:443;
    server_name mta-sts.plainhttp.test;
    root $LAB_DIR/www/good;
  }
BLOCK
    server_block mta-sts.forbidden.test lab '    return 403;'
    server_block mta-sts.redirect.test lab '    return 301 https://www.redirect.test/mta-sts.txt;'
    server_block mta-sts.ctype.test lab "    root $LAB_DIR/www/good;
    types { text/html txt; }"
    server_block mta-sts.big.test lab "    root $LAB_DIR/www/big;"
    server_block mta-sts.expired.test expired "    root $LAB_DIR/www/good;"
    server_block mta-sts.expiring.test expiring "    root $LAB_DIR/www/good;"
    server_block mta-sts.wrongname.test wrongname "    root $LAB_DIR/www/good;"
    server_block mta-sts.untrusted.test untrusted "    root $LAB_DIR/www/good;"
    echo '}'
  } > "$dir/nginx.conf"
  in_lab nginx -c "$dir/nginx.conf" -g 'user root;' 2>> "$dir/error.log"
  wait_for_port nginx "$WEB_V4" 443 "$dir/error.log"
}

# smtp_listener ADDRESS CERT [-o option...]: one smtpd on ADDRESS:25 with its certificate.
smtp_listener() {
  local address=$1 cert=$2
  shift 2
  echo "$address:smtp inet n - n - - smtpd -o smtpd_tls_chain_files=$LAB_DIR/certs/$cert.key,$LAB_DIR/certs/$cert.pem $*"
}

start_smtp() {
  local dir="$LAB_DIR/postfix"
  mkdir -p "$dir/queue" "$dir/data"
  cat > "$dir/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.lab.test
mydestination =
inet_interfaces = all
inet_protocols = all
smtpd_banner = mx.lab.test ESMTP lab
smtpd_tls_security_level = may
smtpd_tls_loglevel = 0
maillog_file = $dir/maillog
maillog_file_prefixes = /
# The tests connect fast and often.
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_event_limit_exceptions = static:all
# TLS-RPT reports: one address piped to the agent, one delivered to a Maildir for Dovecot.
relay_domains = pipe.reports.test
transport_maps = inline:{ pipe.reports.test=tlsrpt: }
virtual_mailbox_domains = imap.reports.test
virtual_mailbox_base = $LAB_DIR/dovecot/home
virtual_mailbox_maps = inline:{ tlsrpt@imap.reports.test=reports/Maildir/ }
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
CONF
  # The pipe runs as nobody, who cannot reach into a build tree under /root: its own copy.
  mkdir -p "$LAB_DIR/bin" "$LAB_DIR/tlsrpt-store"
  if [ -n "${MTASTS_LAB_AGENT:-}" ]; then cp "$MTASTS_LAB_AGENT" "$LAB_DIR/bin/mta-sts-agent"; fi
  chown nobody:nogroup "$LAB_DIR/tlsrpt-store"
  {
    smtp_listener 127.0.0.25 mx-good
    smtp_listener "[fd00:6d74:7374::25]" mx-good
    smtp_listener 127.0.0.26 mx-expired
    smtp_listener "[fd00:6d74:7374::26]" mx-expired
    smtp_listener 127.0.0.27 mx-wrongname
    smtp_listener "[fd00:6d74:7374::27]" mx-wrongname
    smtp_listener 127.0.0.28 mx-untrusted
    smtp_listener "[fd00:6d74:7374::28]" mx-untrusted
    smtp_listener 127.0.0.29 mx-good -o smtpd_tls_security_level=none
    smtp_listener "[fd00:6d74:7374::29]" mx-good -o smtpd_tls_security_level=none
    echo "tlsrpt unix - n n - - pipe flags=Rq user=nobody argv=$LAB_DIR/bin/mta-sts-agent tlsrpt ingest --storage.path=$LAB_DIR/tlsrpt-store"
    # The services smtpd and local delivery rely on, from Debian's master.cf.
    grep -E '^(pickup|cleanup|qmgr|tlsmgr|rewrite|bounce|defer|trace|verify|flush|proxymap|anvil|scache|postlog|error|retry|virtual) ' /etc/postfix/master.cf
  } > "$dir/master.cf"
  in_lab postfix -c "$dir" set-permissions >/dev/null 2>&1 || true
  in_lab postfix -c "$dir" start 2>> "$dir/start.log"
  wait_for_port Postfix 127.0.0.25 25 "$dir/maillog"
}

start_misbehaving() {
  [ -n "${MTASTS_LAB_MISBEHAVING:-}" ] || return 0
  in_lab setsid "$MTASTS_LAB_MISBEHAVING" \
    --hang 127.0.0.82:443 --hang "[fd00:6d74:7374::82]:443" --hang 127.0.0.31:25 \
    --bad-tls 127.0.0.32:25 \
    --old-tls 127.0.0.30:25 "$LAB_DIR/certs/mx-good.pem" "$LAB_DIR/certs/mx-good.key" \
    --smtp-endless 127.0.0.33:25 --smtp-slow 127.0.0.34:25 --dns-garbage 127.0.0.35:53 \
    --https slow 127.0.0.85:443 "$LAB_DIR/certs/lab.pem" "$LAB_DIR/certs/lab.key" \
    --https endless-headers 127.0.0.86:443 "$LAB_DIR/certs/lab.pem" "$LAB_DIR/certs/lab.key" \
    --https huge-body 127.0.0.87:443 "$LAB_DIR/certs/lab.pem" "$LAB_DIR/certs/lab.key" \
    > "$LAB_DIR/misbehaving.log" 2>&1 &
  echo $! > "$LAB_DIR/misbehaving.pid"
  wait_for_port misbehaving_servers 127.0.0.30 25 "$LAB_DIR/misbehaving.log"
}

up() {
  [ "$(id -u)" -eq 0 ] || { echo "lab: needs root (ip netns)" >&2; exit 1; }
  down
  mkdir -p "$LAB_DIR"
  ip netns add "$LAB_NETNS"
  in_lab ip link set lo up
  # ::81 is an address where nothing listens (connections are refused).
  for address in "$DNS_V6" "$WEB_V6" fd00:6d74:7374::81 fd00:6d74:7374::82 fd00:6d74:7374::83 fd00:6d74:7374::25 fd00:6d74:7374::26 fd00:6d74:7374::27 \
    fd00:6d74:7374::28 fd00:6d74:7374::29; do
    in_lab ip -6 addr add "$address/128" dev lo nodad
  done
  LAB_CERT_NAMES="$GOOD_POLICY_HOSTS testing none uncovered forbidden redirect ctype big badpolicy
    shortmaxage dayage familymismatch implicit changing slowhttp endlessheaders hugebody" \
    "$HERE/certs.sh" "$LAB_DIR/certs"
  start_dns
  start_recursive_dns
  start_validating_dns
  start_web
  start_smtp
  start_misbehaving
  echo "lab: up (namespace $LAB_NETNS, DNS $DNS_V4 and [$DNS_V6], HTTPS $WEB_V4 and [$WEB_V6], SMTP 127.0.0.25-29 and [fd00:6d74:7374::25-29])"
}

case "${1:-}" in
  up) up ;;
  down) down; echo "lab: down" ;;
  exec) shift; in_lab "$@" ;;
  *) echo "usage: $0 up|down|exec CMD..." >&2; exit 2 ;;
esac
