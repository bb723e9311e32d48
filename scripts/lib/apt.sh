# Sourced by the setup scripts: root check and Debian package installs with one `apt-get update`.
#   require_root NAME    exits with "NAME: must run as root" unless running as root
#   apt_refresh          runs `apt-get update` the first time it is called
#   apt_install PKG...   installs the given packages (refreshing the lists once first)
#   missing_packages PKG... prints those of the given packages dpkg does not have installed

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$1: must run as root (apt-get install)" >&2
    exit 1
  fi
}

export DEBIAN_FRONTEND=noninteractive
apt_updated=0

apt_refresh() {
  if [ "$apt_updated" -eq 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
}

apt_install() {
  apt_refresh
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      echo "$pkg"
    fi
  done
}
