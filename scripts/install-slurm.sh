#!/usr/bin/env bash
# Installs Debian 12's SLURM (controller, node daemon, client) and MUNGE for the SLURM tests
# (tests/slurm/, docs/cluster.md "Testing"). The tests start their own one-node cluster in a
# temporary folder; the packages' system services are not used (and not started here).
# Idempotent: packages already present are skipped. Needs root (or sudo).
set -euo pipefail
packages=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # policy-rc.d 101: the packages' postinst scripts must not start the system daemons
  # (the tests run their own, with their own configuration and ports).
  policy=/usr/sbin/policy-rc.d created=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod +x "$policy" && created=1
  fi
  trap '[[ $created == 1 ]] && $SUDO rm -f "$policy"' EXIT
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
