#!/usr/bin/env bash
# The remlite lab: real systemd hosts on this machine, each in its own namespaces, chrooted into
# an overlay of a shared Debian base, reachable by SSH on its own loopback address 127.77.0.N.
#
#   lab.sh start [N]         boot N hosts (default 3, or $REMLITE_LAB_HOSTS); idempotent
#   lab.sh stop              power every host off, unmount, remove runtime dirs; idempotent
#   lab.sh status            one line per host
#   lab.sh exec NAME -- CMD  run CMD inside a host without SSH (fault injection in tests)
#
# Exit 3 means a prerequisite is missing (tests skip on it). See /work/shared/LAB.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB="${REMLITE_LAB_DIR:-/tmp/remlite-lab}"
# A second lab (another checkout) needs its own REMLITE_LAB_DIR and REMLITE_LAB_ADDR_PREFIX.
ADDR_PREFIX="${REMLITE_LAB_ADDR_PREFIX:-127.77.0}"
BOOT_TIMEOUT="${REMLITE_LAB_BOOT_TIMEOUT:-90}"
HOST_PATH="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Units that have nothing to do in a container host; masked in each host's overlay.
CONTAINER_MASKS=(
  systemd-modules-load.service kmod-static-nodes.service systemd-sysctl.service
  systemd-binfmt.service proc-sys-fs-binfmt_misc.automount proc-sys-fs-binfmt_misc.mount
  sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount
  sys-fs-fuse-connections.mount dev-hugepages.mount systemd-remount-fs.service
  systemd-pstore.service systemd-firstboot.service systemd-journald-audit.socket
  systemd-machine-id-commit.service e2scrub_reap.service dpkg-db-backup.timer logrotate.timer
)

die() { echo "lab: $*" >&2; exit 1; }
missing() { echo "lab: cannot run: $*" >&2; exit 3; }

check_prereqs() {
  [[ $(id -u) -eq 0 ]] || missing "must run as root"
  local tool
  for tool in unshare nsenter setpriv chroot mount umount mknod ssh ssh-keygen flock; do
    command -v "$tool" >/dev/null || missing "$tool is not installed"
  done
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
  grep -qw overlay /proc/filesystems || missing "the kernel has no overlay filesystem"
  cgroup_root >/dev/null || missing "no cgroup2 hierarchy mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified"
}

# Where the hosts' cgroup subtrees live (each host's systemd gets one as its cgroup namespace root).
cgroup_root() {
  local d
  for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
    if [[ "$(stat -f -c %T "$d" 2>/dev/null)" == cgroup2fs ]]; then echo "$d/$(basename "$LAB")"; return 0; fi
  done
  return 1
}

# Host i (1-based) of n: name, pool, address. With 3 or more hosts the last one is the database.
host_name() { local i=$1 n=$2; if ((n >= 3 && i == n)); then echo lab-db1; else echo "lab-web$i"; fi; }
host_pool() { [[ "$1" == lab-db* ]] && echo db || echo web; }
host_addr() { echo "$ADDR_PREFIX.$1"; }

ssh_opts() {
  echo -F /dev/null -i "$LAB/client_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
    -o UserKnownHostsFile="$LAB/known_hosts" -o GlobalKnownHostsFile=/dev/null \
    -o StrictHostKeyChecking=yes -o ConnectTimeout=3 -o LogLevel=ERROR
}
lab_ssh() { local addr=$1; shift; timeout 20 ssh -n $(ssh_opts) "root@$addr" "$@"; }

# Hosts recorded by the last start: lines "name address pool pid".
recorded_hosts() {
  [[ -f "$LAB/hosts.list" ]] && cat "$LAB/hosts.list" || true
}

# True when PID is a systemd whose root is this host's overlay (guards every signal we send).
is_host_systemd() {
  local pid=$1 root=$2 cmd
  [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  cmd="$(tr '\0' ' ' </proc/"$pid"/cmdline 2>/dev/null)" || return 1
  [[ "$cmd" == /lib/systemd/systemd* ]] || return 1
  [[ "$(readlink /proc/"$pid"/root 2>/dev/null)" == "$root" ]]
}

system_state() { lab_ssh "$1" systemctl is-system-running 2>/dev/null || true; }

host_services() { [[ "$(host_pool "$1")" == db ]] && echo "mariadb rsyslog ssh" || echo "apache2 rsyslog ssh"; }

lab_healthy() {
  local name addr pool pid state count=0
  [[ -s "$LAB/hosts.list" ]] || return 1
  while read -r name addr pool pid; do
    is_host_systemd "$pid" "$LAB/hosts/$name/root" || return 1
    state="$(system_state "$addr")"
    [[ "$state" == running || "$state" == degraded ]] || return 1
    count=$((count + 1))
  done < <(recorded_hosts)
  ((count > 0))
}

print_info() {
  local name addr pool pid services
  echo "lab: $(wc -l <"$LAB/hosts.list") hosts in $LAB"
  while read -r name addr pool pid; do
    services="$(host_services "$name")"
    # shellcheck disable=SC2086
    printf '  %-9s %-11s pid %-7s %s  [%s]\n' "$name" "$addr" "$pid" "$(system_state "$addr")" \
      "$(paste -d= <(tr ' ' '\n' <<<"$services") <(lab_ssh "$addr" systemctl is-active $services 2>/dev/null || true) | paste -sd' ')"
  done < <(recorded_hosts)
  echo "lab: ssh $(ssh_opts) root@$ADDR_PREFIX.1"
  echo "lab: point remlite at it: npm start -- --inventory $LAB/inventory.yaml"
}

# Writes the per-host configuration into the overlay before boot.
configure_host() {
  local name=$1 addr=$2 pool=$3 r=$4 unit
  echo "$name" >"$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n%s\t%s\n' "$addr" "$name" >"$r/etc/hosts"
  systemd-id128 new >"$r/etc/machine-id" 2>/dev/null || tr -d '-' </proc/sys/kernel/random/uuid >"$r/etc/machine-id"

  rm -f "$r"/etc/ssh/ssh_host_*
  ssh-keygen -q -t ed25519 -N '' -C "root@$name" -f "$r/etc/ssh/ssh_host_ed25519_key"
  mkdir -p "$r/etc/ssh/sshd_config.d"
  cat >"$r/etc/ssh/sshd_config.d/lab.conf" <<EOF
ListenAddress $addr
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
EOF
  install -d -m 0700 "$r/root/.ssh"
  install -m 0600 "$LAB/client_ed25519.pub" "$r/root/.ssh/authorized_keys"

  sed -i "s/^Listen 80\$/Listen $addr:80/" "$r/etc/apache2/ports.conf"
  sed -i "s/^bind-address.*/bind-address            = $addr/" "$r/etc/mysql/mariadb.conf.d/50-server.cnf"
  # imklog would read (and consume) the real kernel's log.
  sed -i 's/^module(load="imklog")/#&/' "$r/etc/rsyslog.conf"
  echo 'local0.*	/var/log/remlite-lab.log' >"$r/etc/rsyslog.d/remlite-lab.conf"
  install -m 0644 /dev/null "$r/var/log/remlite-lab.log"

  # A small partition that tests can really fill.
  mkdir -p "$r/srv/data"
  cat >"$r/etc/systemd/system/srv-data.mount" <<EOF
[Unit]
Description=remlite lab small data partition

[Mount]
What=tmpfs
Where=/srv/data
Type=tmpfs
Options=size=16m,mode=0755

[Install]
WantedBy=local-fs.target
EOF
  mkdir -p "$r/etc/systemd/system/local-fs.target.wants"
  ln -sf ../srv-data.mount "$r/etc/systemd/system/local-fs.target.wants/srv-data.mount"

  for unit in "${CONTAINER_MASKS[@]}"; do ln -sf /dev/null "$r/etc/systemd/system/$unit"; done
  # mariadb.socket would listen on every address and on the abstract socket @mariadb, which all
  # hosts share (one network namespace): MariaDB itself binds its host's address instead.
  ln -sf /dev/null "$r/etc/systemd/system/mariadb.socket"
  rm -f "$r/etc/systemd/system/sockets.target.wants/mariadb.socket"
  if [[ "$pool" == db ]]; then
    rm -f "$r/etc/systemd/system/multi-user.target.wants/apache2.service"
  else
    ln -sf /dev/null "$r/etc/systemd/system/mariadb.service"
    rm -f "$r/etc/systemd/system/multi-user.target.wants/mariadb.service"
  fi
}

write_inventory() {
  local name addr pool pid
  {
    echo "defaults:"
    echo "  user: root"
    echo "  port: 22"
    echo "  key: $LAB/client_ed25519"
    echo "  known_hosts: $LAB/known_hosts"
    echo "  site: lab"
    echo "hosts:"
    while read -r name addr pool pid; do
      echo "  - name: $name"
      echo "    address: $addr"
      echo "    pool: $pool"
      if [[ "$pool" == db ]]; then
        echo "    role: database"
        echo "    services: [mariadb, rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log]"
      else
        echo "    role: frontend"
        echo "    services: [apache2, rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log, /var/log/apache2/error.log]"
      fi
    done < <(recorded_hosts)
  } >"$LAB/inventory.yaml.tmp"
  mv "$LAB/inventory.yaml.tmp" "$LAB/inventory.yaml"
}

write_state() {
  local base=$1 name addr pool pid sep=""
  {
    printf '{\n  "dir": "%s",\n  "base": "%s",\n  "hosts": [' "$LAB" "$base"
    while read -r name addr pool pid; do
      printf '%s\n    { "name": "%s", "address": "%s", "pool": "%s", "pid": %s, "root": "%s" }' \
        "$sep" "$name" "$addr" "$pool" "$pid" "$LAB/hosts/$name/root"
      sep=","
    done < <(recorded_hosts)
    printf '\n  ]\n}\n'
  } >"$LAB/state.json.tmp"
  mv "$LAB/state.json.tmp" "$LAB/state.json"
}

cmd_start() {
  local n="${1:-${REMLITE_LAB_HOSTS:-}}" explicit=1
  [[ -n "$n" ]] || { n=3; explicit=0; }
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 200)) || die "host count must be 1..200, got '$n'"
  mkdir -p "$LAB"
  exec 9>"$LAB/lock"
  flock 9

  if lab_healthy; then
    if ((explicit == 0)) || (($(wc -l <"$LAB/hosts.list") == n)); then
      print_info
      return 0
    fi
    echo "lab: running with a different host count, restarting with $n hosts" >&2
  fi
  stop_all

  local base cg
  base="$(bash "$HERE/build-base.sh")" || { local rc=$?; [[ $rc -eq 3 ]] && exit 3; die "base build failed"; }
  cg="$(cgroup_root)"
  mkdir -p "$cg"
  [[ -f "$LAB/client_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C remlite-lab-client -f "$LAB/client_ed25519"

  local i name addr pool h
  : >"$LAB/hosts.list.tmp"
  : >"$LAB/known_hosts"
  for ((i = 1; i <= n; i++)); do
    name="$(host_name "$i" "$n")" addr="$(host_addr "$i")" pool="$(host_pool "$name")"
    h="$LAB/hosts/$name"
    mkdir -p "$h/upper" "$h/work" "$h/root"
    mount -t overlay overlay -o "lowerdir=$base,upperdir=$h/upper,workdir=$h/work" "$h/root"
    configure_host "$name" "$addr" "$pool" "$h/root"
    echo "$addr $(cut -d' ' -f1-2 "$h/root/etc/ssh/ssh_host_ed25519_key.pub")" >>"$LAB/known_hosts"
    rm -f "$h/pid"
    setsid "$HERE/boot-host.sh" outer "$name" "$h/root" "$h/pid" "$cg/$name" \
      </dev/null >"$h/console.log" 2>&1 9>&- &
    echo "$name $addr $pool" >>"$LAB/hosts.list.tmp"
  done

  # Boots run in parallel; collect each host's systemd pid as it appears.
  local pid deadline=$((SECONDS + 15))
  : >"$LAB/hosts.list"
  while read -r name addr pool; do
    h="$LAB/hosts/$name"
    until [[ -s "$h/pid" ]] && is_host_systemd "$(cat "$h/pid")" "$h/root"; do
      ((SECONDS < deadline)) || { cat "$h/console.log" >&2; die "$name: systemd did not start"; }
      sleep 0.2
    done
    echo "$name $addr $pool $(cat "$h/pid")" >>"$LAB/hosts.list"
  done <"$LAB/hosts.list.tmp"
  rm -f "$LAB/hosts.list.tmp"
  write_state "$base"
  write_inventory

  wait_healthy || {
    echo "lab: not every host came up healthy; the lab is left running for inspection:" >&2
    cmd_status >&2
    exit 1
  }
  print_info
}

# Waits until every host's systemd finished booting and its expected services are active.
wait_healthy() {
  local deadline=$((SECONDS + BOOT_TIMEOUT)) name addr pool pid pending state
  while true; do
    pending=0
    while read -r name addr pool pid; do
      [[ -f "$LAB/hosts/$name/ready" ]] && continue
      is_host_systemd "$pid" "$LAB/hosts/$name/root" || { echo "lab: $name: systemd (pid $pid) died" >&2; return 1; }
      state="$(system_state "$addr")"
      # shellcheck disable=SC2046
      if [[ "$state" == running || "$state" == degraded ]] && lab_ssh "$addr" systemctl is-active --quiet $(host_services "$name"); then
        touch "$LAB/hosts/$name/ready"
      else
        pending=$((pending + 1))
      fi
    done < <(recorded_hosts)
    ((pending == 0)) && return 0
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

# Powers off every host this lab started (and cleans up after a half-finished start).
stop_all() {
  local name addr pool pid h
  declare -A pids=()
  while read -r name addr pool pid; do pids[$name]=$pid; done < <(recorded_hosts)
  if [[ -d "$LAB/hosts" ]]; then
    for h in "$LAB"/hosts/*/; do
      name="$(basename "$h")"
      [[ -s "$h/pid" ]] && pids[$name]="$(cat "$h/pid")"
      : "${pids[$name]:=}"
    done
  fi

  for name in "${!pids[@]}"; do
    pid="${pids[$name]}"
    if is_host_systemd "$pid" "$LAB/hosts/$name/root"; then kill -s SIGRTMIN+4 "$pid"; fi
  done
  for name in "${!pids[@]}"; do
    pid="${pids[$name]}"
    local deadline=$((SECONDS + 30))
    # Wait for the process itself to be gone (not just to stop looking like systemd): only then
    # has its PID namespace, and with it the host's private mounts, gone away.
    while [[ "$pid" =~ ^[0-9]+$ && -e /proc/$pid ]] && ((SECONDS < deadline)); do sleep 0.2; done
    if is_host_systemd "$pid" "$LAB/hosts/$name/root"; then
      echo "lab: $name did not power off in 30s, killing pid $pid" >&2
      kill -KILL "$pid"
      sleep 0.5
    fi
  done

  local cg
  cg="$(cgroup_root 2>/dev/null || true)"
  for name in "${!pids[@]}"; do
    h="$LAB/hosts/$name"
    if mountinfo_has "$h/root"; then umount -R "$h/root" || umount -R -l "$h/root"; fi
    mountinfo_has "$h" && die "$h still has mounts; not removing it"
    rm -rf "$h"
    if [[ -n "$cg" && -d "$cg/$name" ]]; then
      find "$cg/$name" -depth -type d -exec rmdir {} + 2>/dev/null || echo "lab: could not remove cgroup $cg/$name" >&2
    fi
  done
  rm -f "$LAB/hosts.list" "$LAB/hosts.list.tmp" "$LAB/state.json" "$LAB/inventory.yaml" "$LAB/known_hosts"
  [[ -d "$LAB/hosts" ]] && rmdir "$LAB/hosts" 2>/dev/null || true
}

# True when anything is mounted at or below PATH in this mount namespace.
mountinfo_has() { awk -v p="$1" '$5 == p || index($5, p "/") == 1 { found = 1 } END { exit !found }' /proc/self/mountinfo; }

cmd_stop() {
  mkdir -p "$LAB"
  exec 9>"$LAB/lock"
  flock 9
  stop_all
  echo "lab: stopped"
}

cmd_status() {
  local name addr pool pid alive
  [[ -s "$LAB/hosts.list" ]] || { echo "lab: not running"; return 0; }
  while read -r name addr pool pid; do
    is_host_systemd "$pid" "$LAB/hosts/$name/root" && alive=alive || alive=dead
    printf '%-9s %-11s pid %-7s %-5s %s\n' "$name" "$addr" "$pid" "$alive" "$(system_state "$addr")"
  done < <(recorded_hosts)
}

cmd_exec() {
  local name="${1:-}" pid
  [[ -n "$name" ]] || die "usage: lab.sh exec NAME -- CMD..."
  shift
  [[ "${1:-}" == "--" ]] && shift
  (($# > 0)) || die "usage: lab.sh exec NAME -- CMD..."
  pid="$(awk -v n="$name" '$1 == n { print $4 }' "$LAB/hosts.list" 2>/dev/null || true)"
  is_host_systemd "$pid" "$LAB/hosts/$name/root" || die "host $name is not running"
  exec nsenter -t "$pid" -m -u -i -p -r -w -- env -i "$HOST_PATH" HOME=/root TERM=dumb LANG=C.UTF-8 "$@"
}

cmd="${1:-}"
shift || true
case "$cmd" in
start) check_prereqs; cmd_start "$@" ;;
stop) check_prereqs; cmd_stop ;;
status) cmd_status ;;
exec) cmd_exec "$@" ;;
*) echo "usage: lab.sh start [N] | stop | status | exec NAME -- CMD..." >&2; exit 2 ;;
esac
