#!/usr/bin/env bash
# Makes the lab's certificates with the openssl command, valid relative to now so the lab
# never ages: a trusted CA (root + intermediate), a second CA nobody trusts, and leaf
# certificates that are good, expired, expiring, for the wrong name, or untrusted.
#   certs.sh DIR
# Leaves DIR/ca.pem (the root to trust), DIR/<name>.pem (leaf + intermediate) and
# DIR/<name>.key.
set -euo pipefail
DIR=$1
mkdir -p "$DIR"
cd "$DIR"

ca_config() {  # a minimal `openssl ca` setup in folder $1, so -startdate/-enddate work
  mkdir -p "$1/new"
  : > "$1/index.txt"
  echo 1000 > "$1/serial"
  cat > "$1/ca.cnf" <<CNF
[ca]
default_ca = lab
[lab]
dir = $1
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
[root_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[intermediate_ext]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[leaf_ext]
basicConstraints = CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
authorityKeyIdentifier = keyid
CNF
}

stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

new_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# sign NAME CA_DIR CA_CERT CA_KEY EXT START END SAN
sign() {
  local name=$1 cadir=$2 cacert=$3 cakey=$4 ext=$5 start=$6 end=$7 san=$8
  new_key "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=${name}" -out "$name.csr" 2>/dev/null
  SAN=$san openssl ca -batch -config "$cadir/ca.cnf" -extensions "$ext" -cert "$cacert" \
    -keyfile "$cakey" -startdate "$(stamp "$start")" -enddate "$(stamp "$end")" \
    -notext -in "$name.csr" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr"
}

# The trusted root signs itself, then the intermediate that signs the leaves.
ca_config "$DIR/root"
new_key root.key
openssl req -new -key root.key -subj "/CN=mta-sts-agent lab root" -out root.csr 2>/dev/null
SAN=DNS:unused openssl ca -batch -selfsign -config root/ca.cnf -extensions root_ext \
  -keyfile root.key -startdate "$(stamp '-1 day')" -enddate "$(stamp '+10 years')" \
  -notext -in root.csr -out ca.pem 2>/dev/null
sign intermediate root ca.pem root.key intermediate_ext '-1 day' '+5 years' DNS:unused
ca_config "$DIR/inter"

# A second root that nobody trusts.
ca_config "$DIR/rogue"
new_key rogue.key
openssl req -new -key rogue.key -subj "/CN=untrusted lab root" -out rogue.csr 2>/dev/null
SAN=DNS:unused openssl ca -batch -selfsign -config rogue/ca.cnf -extensions root_ext \
  -keyfile rogue.key -startdate "$(stamp '-1 day')" -enddate "$(stamp '+10 years')" \
  -notext -in rogue.csr -out rogue.pem 2>/dev/null

# leaf NAME START END SAN [ca]
leaf() {
  local name=$1 start=$2 end=$3 san=$4 which=${5:-trusted}
  if [ "$which" = rogue ]; then
    sign "$name" rogue rogue.pem rogue.key leaf_ext "$start" "$end" "$san"
    cp "$name.crt" "$name.pem"
  else
    sign "$name" inter intermediate.crt intermediate.key leaf_ext "$start" "$end" "$san"
    cat "$name.crt" intermediate.crt > "$name.pem"  # leaf + chain, as servers send it
  fi
}

# One certificate for the well-behaved policy hosts: mta-sts.<name>.test for each name in
# $LAB_CERT_NAMES (lab.sh sets it).
lab_sans=""
for name in ${LAB_CERT_NAMES:-good}; do lab_sans="${lab_sans:+$lab_sans,}DNS:mta-sts.$name.test"; done
leaf lab '-1 day' '+90 days' "$lab_sans"
# The agent's own HTTPS (the TLS-RPT receiver of rua=https://reports.test:8462/tlsrpt)
leaf reports '-1 day' '+90 days' "DNS:reports.test"
leaf expired '-90 days' '-1 day' "DNS:mta-sts.expired.test"
leaf expiring '-80 days' '+5 days' "DNS:mta-sts.expiring.test"
leaf wrongname '-1 day' '+90 days' "DNS:www.wrongname.test,DNS:wrongname.test"
leaf untrusted '-1 day' '+90 days' "DNS:mta-sts.untrusted.test" rogue
# MX hosts
leaf mx-good '-1 day' '+90 days' "DNS:mx1.good.test,DNS:*.mx.good.test,DNS:implicit.test"
leaf mx-expired '-90 days' '-1 day' "DNS:mx.expired.test,DNS:*.mx.good.test"
leaf mx-wrongname '-1 day' '+90 days' "DNS:smtp.elsewhere.test"
leaf mx-untrusted '-1 day' '+90 days' "DNS:mx.untrusted.test,DNS:*.mx.good.test" rogue
