# The benchmark's fleet, as a real one looks (sourced by bench_lab.sh and bench.sh, which both
# need to know it). `mix I` describes domain I in shell variables (no subshell: the lab is
# generated for 10,000 domains):
#   MIX_LABEL dNNNNN, MIX_NAME dNNNNN.bench.test (or dNNNNN.signed.bench.test, below);
#   MIX_DUAL 1 for every fifth domain (I % 5 == 0), which has four MX hosts and serves its policy
#     and mail over IPv4 and IPv6; the others have two MX hosts on IPv4 only (MIX_MX_COUNT);
#   a third of the domains carry a warning: no TLS-RPT record (MIX_TLSRPT 0, I % 6 == 1) or a
#     policy max_age of one hour (MIX_POLICY short, I % 6 == 4);
#   one in twenty fails: a policy whose mx line covers none of its MX hosts (MIX_POLICY
#     uncovered, I % 20 == 2) or an invalid _mta-sts record (MIX_STS_VALID 0, I % 20 == 12);
#   a fifth are DNSSEC-signed (MIX_SIGNED 1, I % 5 == 3): they are dNNNNN.signed.bench.test,
#     in a signed zone, and half of them (MIX_TLSA 1, I % 10 == 3) publish TLSA records for
#     their MX hosts (DANE). The others are insecure, as most mail domains are.
# MX hosts are named mx1-dNNNNN.bench.test .. mx4-dNNNNN.bench.test (one wildcard certificate;
# mxK-dNNNNN.signed.bench.test for signed domains).
# MTASTS_BENCH_FLEET=healthy makes every domain the plain case instead (two MX hosts on IPv4, a
# TLS-RPT record, a good policy): the fleet of the project's first benchmark figures.
mix() {
  local i=$1
  printf -v MIX_LABEL 'd%05d' "$i"
  MIX_SIGNED=$((i % 5 == 3))
  MIX_TLSA=$((i % 10 == 3))
  MIX_DUAL=$((i % 5 == 0))
  MIX_MX_COUNT=$((MIX_DUAL ? 4 : 2))
  MIX_TLSRPT=$((i % 6 != 1))
  MIX_STS_VALID=$((i % 20 != 12))
  if ((i % 20 == 2)); then
    MIX_POLICY=uncovered
  elif ((i % 6 == 4)); then
    MIX_POLICY=short
  else
    MIX_POLICY=ok
  fi
  if [ "${MTASTS_BENCH_FLEET:-mix}" = healthy ]; then
    MIX_DUAL=0 MIX_MX_COUNT=2 MIX_TLSRPT=1 MIX_STS_VALID=1 MIX_POLICY=ok MIX_SIGNED=0 MIX_TLSA=0
  fi
  if ((MIX_SIGNED)); then MIX_NAME=$MIX_LABEL.signed.bench.test; else MIX_NAME=$MIX_LABEL.bench.test; fi
}
