#!/usr/bin/env bash
# The benchmark's lab: N generated domains in their own network namespace, a realistic fleet
# (bench_mix.sh: some with four MX hosts on both address families, a third with a warning, one
# in twenty failing, a fifth DNSSEC-signed and half of those with TLSA records).
#   bench_lab.sh up N | shared-mx | down | exec CMD...
# Each domain dNNNNN.bench.test has a _mta-sts and (mostly) a _smtp._tls TXT record, a policy
# at https://mta-sts.dNNNNN.bench.test (nginx, certificates of 100 names each, chosen by SNI)
# and MX hosts mx1-dNNNNN.bench.test.. (Postfix on two IPv4 and two IPv6 addresses, one
# wildcard certificate). NSD answers for bench.test and for signed.bench.test, signed with the
# key whose DS is $DIR/nsd/trust-anchor.ds (the agent's dane_trust_anchor). `shared-mx` then
# points every domain at the same two dual-stack MX hosts, mx-a and mx-b, as a hosting
# provider's domains are.
set -euo pipefail
source "$(dirname "$0")/bench_mix.sh"

NETNS=${MTASTS_BENCH_NETNS:-mtasts-bench}
DIR=${MTASTS_BENCH_DIR:-/tmp/mtasts-bench}
DNS=127.0.1.53
WEB=127.0.1.80
WEB6=fd00:b::80
MX_A=127.0.1.25
MX_B=127.0.1.26
MX_A6=fd00:b::25
MX_B6=fd00:b::26

in_lab() { ip netns exec "$NETNS" "$@"; }

stop_pidfile() {
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  rm -f "$1"
}

down() {
  if [ -f "$DIR/postfix/main.cf" ]; then in_lab postfix -c "$DIR/postfix" stop >/dev/null 2>&1 || true; fi
  stop_pidfile "$DIR/nginx/nginx.pid"
  stop_pidfile "$DIR/nsd/nsd.pid"
  if ip netns list | grep -qw "$NETNS"; then
    for pid in $(ip netns pids "$NETNS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns delete "$NETNS"
  fi
  rm -rf "$DIR" "/etc/netns/$NETNS"
}

wait_for_port() {
  for _ in $(seq 200); do
    if in_lab bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "bench lab: nothing listens on $1:$2" >&2
  return 1
}

certificates() {
  local n=$1 dir="$DIR/certs"
  mkdir -p "$dir"
  cd "$dir"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 30 -subj "/CN=mta-sts-agent bench CA" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  leaf() {  # leaf FILE SAN
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" \
      -subj "/CN=$1" -out "$1.csr" 2>/dev/null
    printf 'basicConstraints=CA:false\nextendedKeyUsage=serverAuth\nsubjectAltName=%s\n' "$2" > "$1.ext"
    openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
      -extfile "$1.ext" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
  }
  leaf mx "DNS:*.bench.test,DNS:*.signed.bench.test"
  # The MX hosts' next key, published ahead in TLSA as operators should (RFC 7671 §8.1).
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out mx-next.key 2>/dev/null
  # Policy hosts: 100 names per certificate, as a hosting provider would group them.
  local group san i
  for ((group = 0; group * 100 < n; group++)); do
    san=""
    for ((i = group * 100; i < n && i < group * 100 + 100; i++)); do
      mix "$i"
      san="${san:+$san,}DNS:mta-sts.$MIX_NAME"
    done
    leaf "policy$group" "$san"
  done
  cd - >/dev/null
}

# zone N [shared]: bench.test (unsigned) and signed.bench.test (DNSSEC-signed, with the
# TLSA records), each domain in its own (bench_mix.sh: MIX_SIGNED).
zone() {
  local n=$1 shared=${2:-} i d k address out tlsa next dir="$DIR/nsd"
  tlsa=$(openssl x509 -in "$DIR/certs/mx.pem" -pubkey -noout | openssl pkey -pubin -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)
  next=$(openssl pkey -in "$DIR/certs/mx-next.key" -pubout -outform DER | openssl dgst -sha256 -r |
    cut -d' ' -f1)
  exec 3> "$dir/bench.zone" 4> "$dir/signed.zone"
  printf '$ORIGIN bench.test.\n$TTL 3600\n@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n' >&3
  printf '@ IN NS ns.bench.test.\nns IN A %s\nsigned IN NS ns.bench.test.\n' "$DNS" >&3
  printf '$ORIGIN signed.bench.test.\n$TTL 3600\n@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300\n' >&4
  printf '@ IN NS ns.bench.test.\n' >&4
  for ((i = 0; i < n; i++)); do
    mix "$i"
    d=$MIX_LABEL
    out=3
    ((MIX_SIGNED)) && out=4
    if ((MIX_STS_VALID)); then
      printf '_mta-sts.%s IN TXT "v=STSv1; id=20261127;"\n' "$d" >&$out
    else
      printf '_mta-sts.%s IN TXT "v=STSv1; id=2026-11-27;"\n' "$d" >&$out
    fi
    ((MIX_TLSRPT)) && printf '_smtp._tls.%s IN TXT "v=TLSRPTv1; rua=mailto:tlsrpt@bench.test"\n' "$d" >&$out
    printf 'mta-sts.%s IN A %s\n' "$d" "$WEB" >&$out
    ((MIX_DUAL)) && printf 'mta-sts.%s IN AAAA %s\n' "$d" "$WEB6" >&$out
    if [ -n "$shared" ]; then
      printf '%s IN MX 10 mx-a\n%s IN MX 20 mx-b\n' "$d" "$d" >&$out
      continue
    fi
    for ((k = 1; k <= MIX_MX_COUNT; k++)); do
      printf '%s IN MX %d mx%d-%s\n' "$d" $((k * 10)) "$k" "$d" >&$out
      if ((k % 2)); then address=$MX_A; else address=$MX_B; fi
      printf 'mx%d-%s IN A %s\n' "$k" "$d" "$address" >&$out
      if ((MIX_DUAL)); then
        if ((k % 2)); then address=$MX_A6; else address=$MX_B6; fi
        printf 'mx%d-%s IN AAAA %s\n' "$k" "$d" "$address" >&$out
      fi
      ((MIX_TLSA)) && printf '_25._tcp.mx%d-%s IN TLSA 3 1 1 %s\n_25._tcp.mx%d-%s IN TLSA 3 1 1 %s\n' \
        "$k" "$d" "$tlsa" "$k" "$d" "$next" >&$out
    done
  done
  # The provider's shared MX hosts (shared-mx), in each zone, so each policy's mx line covers them.
  for out in 3 4; do
    printf 'mx-a IN A %s\nmx-a IN AAAA %s\nmx-b IN A %s\nmx-b IN AAAA %s\n' "$MX_A" "$MX_A6" "$MX_B" "$MX_B6" >&$out
  done
  exec 3>&- 4>&-
  # Signed with one key (its DS is the agent's trust anchor), valid from yesterday.
  if [ ! -f "$dir/trust-anchor.ds" ]; then
    local key
    key=$(cd "$dir" && ldns-keygen -a ECDSAP256SHA256 -k signed.bench.test)
    echo "$key" > "$dir/key.name"
    cp "$dir/$key.ds" "$dir/trust-anchor.ds"
  fi
  (cd "$dir" && ldns-signzone -i "$(date -u -d '-1 day' +%Y%m%d)" -f signed.zone.signed \
    signed.zone "$(cat key.name)")
}

start_dns() {
  local dir="$DIR/nsd"
  mkdir -p "$dir"
  zone "$1"
  cat > "$dir/nsd.conf" <<CONF
server:
  ip-address: $DNS
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
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: "bench.test."
  zonefile: "bench.zone"
zone:
  name: "signed.bench.test."
  zonefile: "signed.zone.signed"
CONF
  in_lab nsd -c "$dir/nsd.conf"
  wait_for_port "$DNS" 53
}

start_web() {
  local n=$1 dir="$DIR/nginx" group i names
  mkdir -p "$dir"
  # The policy variants (bench_mix.sh); a map picks each domain's (ok unless listed).
  local variant mx max_age
  # Signed domains' MX hosts are in signed.bench.test: their policies name that (-signed).
  for variant in ok short uncovered ok-signed short-signed; do
    mx='*.bench.test' max_age=604800
    [ "${variant%-signed}" = short ] && max_age=3600
    [ "$variant" = uncovered ] && mx='*.elsewhere.test'
    [ "${variant#*-}" = signed ] && mx='*.signed.bench.test'
    mkdir -p "$DIR/policies/$variant/.well-known"
    printf 'version: STSv1\r\nmode: enforce\r\nmx: %s\r\nmax_age: %s\r\n' "$mx" "$max_age" \
      > "$DIR/policies/$variant/.well-known/mta-sts.txt"
  done
  {
    cat <<CONF
pid $dir/nginx.pid;
error_log $dir/error.log;
worker_processes 1;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  types { text/plain txt; }
  ssl_protocols TLSv1.2 TLSv1.3;
  server_names_hash_max_size 65536;
  server_names_hash_bucket_size 128;
  map_hash_max_size 65536;
  map_hash_bucket_size 128;
  map \$host \$policy_variant {
    default ok;
CONF
    for ((i = 0; i < n; i++)); do
      mix "$i"
      variant=$MIX_POLICY
      ((MIX_SIGNED)) && [ "$variant" != uncovered ] && variant=$variant-signed
      [ "$variant" = ok ] || echo "    mta-sts.$MIX_NAME $variant;"
    done
    echo "  }"
    for ((group = 0; group * 100 < n; group++)); do
      names=""
      for ((i = group * 100; i < n && i < group * 100 + 100; i++)); do
        mix "$i"
        names="$names mta-sts.$MIX_NAME"
      done
      cat <<BLOCK
  server {
    listen $WEB:443 ssl;
    listen [$WEB6]:443 ssl;
    server_name$names;
    ssl_certificate $DIR/certs/policy$group.pem;
    ssl_certificate_key $DIR/certs/policy$group.key;
    root $DIR/policies/\$policy_variant;
  }
BLOCK
    done
    echo "}"
  } > "$dir/nginx.conf"
  in_lab nginx -c "$dir/nginx.conf" -g 'user root;'
  wait_for_port "$WEB" 443
}

start_smtp() {
  local dir="$DIR/postfix"
  mkdir -p "$dir/queue" "$dir/data"
  cat > "$dir/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx-a.bench.test
mydestination =
inet_interfaces = all
inet_protocols = all
smtpd_banner = mx-a.bench.test ESMTP bench
smtpd_tls_security_level = may
smtpd_tls_chain_files = $DIR/certs/mx.key, $DIR/certs/mx.pem
smtpd_tls_loglevel = 0
maillog_file = $dir/maillog
maillog_file_prefixes = /
default_process_limit = 300
smtpd_client_connection_count_limit = 0
smtpd_client_connection_rate_limit = 0
smtpd_client_event_limit_exceptions = static:all
# No reverse lookups of the prober (there is no resolver for 127.0.1.0/24).
smtpd_peername_lookup = no
CONF
  {
    echo "$MX_A:smtp inet n - n - - smtpd"
    echo "$MX_B:smtp inet n - n - - smtpd"
    echo "[$MX_A6]:smtp inet n - n - - smtpd"
    echo "[$MX_B6]:smtp inet n - n - - smtpd"
    grep -E '^(pickup|cleanup|qmgr|tlsmgr|rewrite|bounce|defer|trace|verify|flush|proxymap|anvil|scache|postlog) ' /etc/postfix/master.cf
  } > "$dir/master.cf"
  in_lab postfix -c "$dir" set-permissions >/dev/null 2>&1 || true
  in_lab postfix -c "$dir" start 2>> "$dir/start.log"
  wait_for_port "$MX_A" 25
  wait_for_port "$MX_B" 25
  wait_for_port "$MX_A6" 25
  wait_for_port "$MX_B6" 25
}

up() {
  local n=$1
  [ "$(id -u)" -eq 0 ] || { echo "bench lab: needs root (ip netns)" >&2; exit 1; }
  down
  mkdir -p "$DIR" "$DIR/nsd"
  ip netns add "$NETNS"
  in_lab ip link set lo up
  local address
  for address in "$WEB6" "$MX_A6" "$MX_B6"; do in_lab ip -6 addr add "$address/128" dev lo nodad; done
  # Programs that use the system resolver (blackbox_exporter) ask the lab's NSD: ip netns
  # exec bind-mounts /etc/netns/NAME/resolv.conf over /etc/resolv.conf.
  mkdir -p "/etc/netns/$NETNS"
  echo "nameserver $DNS" > "/etc/netns/$NETNS/resolv.conf"
  certificates "$n"
  start_dns "$n"
  start_web "$n"
  start_smtp
  # The domains as a file_sd target file for the agent.
  {
    echo "- targets:"
    for ((i = 0; i < n; i++)); do
      mix "$i"
      echo "  - $MIX_NAME"
    done
  } > "$DIR/targets.yml"
  echo "bench lab: up with $n domains (namespace $NETNS, DNS $DNS, HTTPS $WEB, SMTP $MX_A $MX_B $MX_A6 $MX_B6)"
}

# Every domain on the same two MX hosts: a new zone, NSD restarted.
shared_mx() {
  local n
  n=$(grep -c '^  - ' "$DIR/targets.yml")
  local pid
  pid=$(cat "$DIR/nsd/nsd.pid")
  stop_pidfile "$DIR/nsd/nsd.pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  zone "$n" shared
  in_lab nsd -c "$DIR/nsd/nsd.conf"
  wait_for_port "$DNS" 53
  echo "bench lab: $n domains on mx-a and mx-b (.bench.test, or .signed.bench.test for signed domains)"
}

case "${1:-}" in
  up) up "${2:-10000}" ;;
  shared-mx) shared_mx ;;
  down) down; echo "bench lab: down" ;;
  exec) shift; exec ip netns exec "$NETNS" "$@" ;;  # exec: the caller's $! is the program
  *) echo "usage: $0 up [N] | shared-mx | down | exec CMD..." >&2; exit 2 ;;
esac
