#!/usr/bin/env bash
# Installs schoolsim's build, test and analysis dependencies from Debian 12's archive.
# Idempotent: packages already present are skipped by apt-get. Needs root (or sudo).
set -euo pipefail
packages=(
  build-essential cmake pkg-config git
  libeigen3-dev libtbb-dev libyaml-cpp-dev libhdf5-dev libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev librandom123-dev libnanoflann-dev robin-map-dev
  libopenmpi-dev openmpi-bin
  clang libclang-rt-14-dev clang-format ccache
  netcdf-bin hdf5-tools
  python3 python3-numpy python3-h5py python3-xarray python3-h5netcdf python3-pandas
  python3-matplotlib python3-scipy python3-netcdf4 python3-pytest python3-pytest-xdist python3-yaml
  python3-nbclient python3-nbformat python3-ipykernel
  python3-plotly python3-pyproj chromium flake8
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Node and npm drive chromium in the browser tests (tests/browser); any Node >= 18 will do,
# so Debian's packages are installed only when no node/npm is present.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  SUDO=""; [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
