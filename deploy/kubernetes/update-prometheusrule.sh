#!/bin/sh
# Writes prometheusrule.yaml from the plain rules file, so both carry the same rules
# (tests/unit/deploy checks that they do). Run after editing deploy/prometheus/*.rules.yml.
set -eu
cd "$(dirname "$0")"
{
  echo "# Generated from deploy/prometheus/mta-sts-agent.rules.yml by update-prometheusrule.sh."
  echo "apiVersion: monitoring.coreos.com/v1"
  echo "kind: PrometheusRule"
  echo "metadata:"
  echo "  name: mta-sts-agent"
  echo "  labels:"
  echo "    app.kubernetes.io/name: mta-sts-agent"
  echo "spec:"
  grep -v '^#' ../prometheus/mta-sts-agent.rules.yml | sed 's/^/  /; s/^ *$//'
} > prometheusrule.yaml
