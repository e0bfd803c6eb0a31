#!/usr/bin/env bash
# Builds (once) the Debian root filesystem every lab host shares as its overlay lower layer.
# Cached outside the clone; rebuilt only when the package list or suite changes.
#   build-base.sh          build if missing, print its path
#   build-base.sh --path   print its path only
set -euo pipefail

SUITE="${REMLITE_LAB_SUITE:-bookworm}"
MIRROR="${REMLITE_LAB_MIRROR:-http://deb.debian.org/debian}"
CACHE="${REMLITE_LAB_CACHE:-/var/cache/remlite-lab}"
PACKAGES="systemd,systemd-sysv,dbus,openssh-server,procps,kmod,iproute2,apache2,rsyslog,logrotate,mariadb-server,cron,postfix,sshfs,prometheus-node-exporter"
KEY="$(printf '%s %s v1' "$SUITE" "$PACKAGES" | sha256sum | cut -c1-12)"
BASE="$CACHE/base-$SUITE-$KEY"
# --path: where the base for this package list lives (built or not), for lab.sh to tell a lab on an older base.
if [[ "${1:-}" == --path ]]; then echo "$BASE"; exit 0; fi

exit_if_built() {
  if [[ -f "$BASE/.remlite-base-ok" ]]; then
    echo "$BASE"
    exit 0
  fi
}
exit_if_built

command -v debootstrap >/dev/null || { echo "build-base: debootstrap is not installed (apt-get install debootstrap)" >&2; exit 3; }
[[ $(id -u) -eq 0 ]] || { echo "build-base: must run as root" >&2; exit 3; }

mkdir -p "$CACHE"
# Two labs starting at once on a machine without the base (two CI runs side by side) would each
# remove and refill the other's .partial tree: one builds, the other waits and then finds it built.
exec 8>>"$CACHE/build.lock"
flock 8
exit_if_built
TMP="$BASE.partial"
rm -rf "$TMP"
echo "build-base: debootstrap $SUITE into $TMP (a few minutes, once)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$TMP" "$MIRROR" >"$CACHE/debootstrap-$KEY.log" 2>&1 || {
  echo "build-base: debootstrap failed, see $CACHE/debootstrap-$KEY.log" >&2
  tail -20 "$CACHE/debootstrap-$KEY.log" >&2
  exit 1
}

# Nothing in the shared base may carry per-host identity.
rm -f "$TMP"/etc/ssh/ssh_host_* "$TMP"/etc/machine-id "$TMP"/var/lib/dbus/machine-id
: > "$TMP/etc/machine-id"
# A container boot has no consoles: getty units would keep the system from reaching 'running'.
for unit in getty@tty1.service serial-getty@ttyS0.service console-getty.service getty.target \
            systemd-logind.service systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer \
            man-db.timer e2scrub_all.timer fstrim.timer systemd-networkd.service systemd-resolved.service; do
  ln -sf /dev/null "$TMP/etc/systemd/system/$unit"
done
# node_exporter would listen on *:9100 in every host, and the hosts share one network namespace:
# it starts only where asked (lab.sh gives each host its own address and the systemd collector).
rm -f "$TMP"/etc/systemd/system/multi-user.target.wants/prometheus-node-exporter*.service \
      "$TMP"/etc/systemd/system/timers.target.wants/prometheus-node-exporter*.timer
rm -f "$TMP/usr/sbin/policy-rc.d"
apt_clean_dirs=("$TMP/var/cache/apt/archives"/*.deb)
rm -f "${apt_clean_dirs[@]}" 2>/dev/null || true
touch "$TMP/.remlite-base-ok"
mv "$TMP" "$BASE"
echo "$BASE"
