#!/usr/bin/env bash
# The remlite lab: real systemd hosts on this machine, each in its own namespaces, chrooted into
# an overlay of a shared Debian base, reachable by SSH on its own loopback address 127.77.0.N.
#
#   lab.sh start [N]         boot N pool hosts (default 3, or $REMLITE_LAB_HOSTS: web1..web(N-1) and
#                            db1) and, with N >= 3, the REM stack roles fs1, mail1, log1; idempotent
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

# Host i (1-based) of n pool hosts: name, pool, address. With 3 or more hosts the last one is the
# database, and the REM stack roles follow it (addresses n+1..n+3): the file server whose share the
# web hosts mount over sshfs, the mail server and the central syslog host.
STACK_ROLES=(lab-fs1 lab-mail1 lab-log1)
STACK_FS_ADDR="" STACK_LOG_ADDR=""
host_name() {
  local i=$1 n=$2
  if ((n >= 3 && i == n)); then echo lab-db1
  elif ((n >= 3 && i > n)); then echo "${STACK_ROLES[i - n - 1]}"
  else echo "lab-web$i"; fi
}
host_count() { local n=$1; if ((n >= 3)); then echo $((n + ${#STACK_ROLES[@]})); else echo "$n"; fi; }
host_pool() {
  case "$1" in
  lab-db*) echo db ;; lab-fs*) echo files ;; lab-mail*) echo mail ;; lab-log*) echo log ;; *) echo web ;;
  esac
}
host_addr() { echo "$ADDR_PREFIX.$1"; }
# Address of the (first) host of a pool in the recorded list, or of the list being started.
pool_addr() { awk -v p="$1" '$3 == p { print $2; exit }' "$LAB/hosts.list" "$LAB/hosts.list.tmp" 2>/dev/null | head -1; }
# Pool hosts (web + db) in the recorded list: what `start N` counts.
pool_host_count() { awk '$3 == "web" || $3 == "db"' "$LAB/hosts.list" | wc -l; }
SHARE_MOUNT=/var/www/html/shared

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

host_services() {
  case "$(host_pool "$1")" in
  db) echo "mariadb rsyslog ssh" ;;
  files) echo "rsyslog ssh" ;;
  mail) echo "postfix@- rsyslog ssh" ;;
  log) echo "rsyslog ssh" ;;
  *) echo "apache2 rsyslog ssh" ;;
  esac
}

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
  # node_exporter (from the base, not started at boot): on this host's address, with the systemd
  # collector, for `systemctl start prometheus-node-exporter` where a test wants Prometheus to scrape it.
  echo "ARGS=\"--collector.systemd --web.listen-address=$addr:9100\"" >"$r/etc/default/prometheus-node-exporter"
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

  configure_stack_role "$name" "$addr" "$pool" "$r"

  for unit in "${CONTAINER_MASKS[@]}"; do ln -sf /dev/null "$r/etc/systemd/system/$unit"; done
  # mariadb.socket would listen on every address and on the abstract socket @mariadb, which all
  # hosts share (one network namespace): MariaDB itself binds its host's address instead.
  ln -sf /dev/null "$r/etc/systemd/system/mariadb.socket"
  rm -f "$r/etc/systemd/system/sockets.target.wants/mariadb.socket"
  [[ "$pool" == web ]] || rm -f "$r/etc/systemd/system/multi-user.target.wants/apache2.service"
  if [[ "$pool" != db ]]; then
    ln -sf /dev/null "$r/etc/systemd/system/mariadb.service"
    rm -f "$r/etc/systemd/system/multi-user.target.wants/mariadb.service"
  fi
}

# The REM stack: every host forwards its logs to the log host over TCP; the file server exports
# /srv/share over SFTP to the web hosts' sshfs mount; only the mail host runs postfix.
configure_stack_role() {
  local name=$1 addr=$2 pool=$3 r=$4 unit
  if [[ "$pool" != mail ]]; then
    for unit in postfix.service postfix@-.service; do ln -sf /dev/null "$r/etc/systemd/system/$unit"; done
    rm -f "$r/etc/systemd/system/multi-user.target.wants/postfix.service"
  fi
  [[ -n "$STACK_LOG_ADDR" ]] || return 0
  case "$pool" in
  log)
    mkdir -p "$r/var/log/remote"
    # One file per sender, by the host name it sends (every sender's TCP source is 127.0.0.1 here:
    # one loopback); secpath-replace keeps a sender's name from leaving /var/log/remote.
    cat >"$r/etc/rsyslog.d/10-remlite-log-server.conf" <<EOF
module(load="imtcp")
template(name="RemliteBySender" type="string" string="/var/log/remote/%HOSTNAME:::secpath-replace%.log")
ruleset(name="remlite-remote") { action(type="omfile" dynaFile="RemliteBySender") }
input(type="imtcp" address="$addr" port="514" ruleset="remlite-remote")
EOF
    ;;
  *)
    # A disk-assisted queue keeps what the log host did not take yet; retries forever.
    cat >"$r/etc/rsyslog.d/90-remlite-forward.conf" <<EOF
*.* action(type="omfwd" target="$STACK_LOG_ADDR" port="514" protocol="tcp" name="remlite-forward"
           action.resumeRetryCount="-1" action.resumeInterval="5"
           queue.type="LinkedList" queue.filename="remlite-forward" queue.saveOnShutdown="on")
EOF
    ;;
  esac
  case "$pool" in
  files)
    mkdir -p "$r/srv/share"
    echo "static content shared by $name" >"$r/srv/share/index.html"
    echo "restrict $(cat "$LAB/share_ed25519.pub")" >>"$r/root/.ssh/authorized_keys"
    ;;
  web)
    install -m 0600 "$LAB/share_ed25519" "$r/root/.ssh/lab_share_ed25519"
    mkdir -p "$r$SHARE_MOUNT"
    # As a sysadmin would: an fstab line (no nofail: sshfs rejects it). The file server boots beside
    # it, so the mount at boot may fail; lab.sh mounts it once every host is up.
    echo "root@$STACK_FS_ADDR:/srv/share $SHARE_MOUNT fuse.sshfs _netdev,allow_other,IdentityFile=/root/.ssh/lab_share_ed25519,UserKnownHostsFile=/etc/ssh/lab_share_known_hosts,StrictHostKeyChecking=yes,BatchMode=yes 0 0" >>"$r/etc/fstab"
    ;;
  mail)
    cat >"$r/etc/postfix/main.cf" <<EOF
# remlite lab: local delivery only, listening on this host's own address.
compatibility_level = 3.6
myhostname = $name
myorigin = \$myhostname
mydestination = $name, localhost
# "all": postfix finds no interface holding 127.0.N.M (lo has 127.0.0.1/8); smtpd binds the
# host's address in master.cf instead.
inet_interfaces = all
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost =
alias_maps =
alias_database =
mailbox_size_limit = 0
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
EOF
    sed -i "s/^smtp      inet /$addr:smtp inet /" "$r/etc/postfix/master.cf"
    grep -q "^$addr:smtp inet " "$r/etc/postfix/master.cf" || die "$name: master.cf has no smtp inet line to bind"
    ;;
  esac
}

# After boot: the web hosts trust the file server's key and mount its share.
mount_shares() {
  local name addr pool pid fs_name fs_key
  fs_name="$(awk '$3 == "files" { print $1; exit }' "$LAB/hosts.list")"
  [[ -n "$fs_name" ]] || return 0
  fs_key="$(cut -d' ' -f1-2 "$LAB/hosts/$fs_name/root/etc/ssh/ssh_host_ed25519_key.pub")"
  while read -r name addr pool pid; do
    [[ "$pool" == web ]] || continue
    echo "$STACK_FS_ADDR $fs_key" >"$LAB/hosts/$name/root/etc/ssh/lab_share_known_hosts"
    lab_ssh "$addr" "mountpoint -q $SHARE_MOUNT || mount $SHARE_MOUNT; test -r $SHARE_MOUNT/index.html" ||
      { echo "lab: $name: could not mount the file server's share on $SHARE_MOUNT" >&2; return 1; }
  done < <(recorded_hosts)
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
      case "$pool" in
      db)
        echo "    role: database"
        echo "    services: [mariadb, rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log]" ;;
      files)
        echo "    role: fileserver"
        echo "    services: [rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log]" ;;
      mail)
        echo "    role: mail"
        echo "    services: [postfix@-, rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log, /var/log/mail.log]" ;;
      log)
        echo "    role: loghost"
        echo "    services: [rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log]" ;;
      *)
        echo "    role: frontend"
        echo "    services: [apache2, rsyslog, ssh]"
        echo "    logs: [/var/log/remlite-lab.log, /var/log/apache2/error.log]" ;;
      esac
    done < <(recorded_hosts)
  } >"$LAB/inventory.yaml.tmp"
  mv "$LAB/inventory.yaml.tmp" "$LAB/inventory.yaml"
}

# The base the running lab was booted on (from its state.json).
running_base() { sed -n 's/^  "base": "\(.*\)",$/\1/p' "$LAB/state.json" 2>/dev/null; }

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
    if [[ "$(running_base)" != "$(bash "$HERE/build-base.sh" --path)" ]]; then
      echo "lab: running on an older base ($(running_base)), restarting on the current one" >&2
    elif ((explicit == 0)) || (($(pool_host_count) == n)); then
      print_info
      return 0
    else
      echo "lab: running with a different host count, restarting with $n hosts" >&2
    fi
  fi
  stop_all

  # Each host's systemd and its services take inotify instances, counted per user (root) across
  # every lab on the machine: past the limit a systemd exits at once, silently (inotify_init1 EMFILE).
  if (($(cat /proc/sys/fs/inotify/max_user_instances) < 1024)); then echo 1024 >/proc/sys/fs/inotify/max_user_instances; fi

  local base cg
  base="$(bash "$HERE/build-base.sh")" || { local rc=$?; [[ $rc -eq 3 ]] && exit 3; die "base build failed"; }
  cg="$(cgroup_root)"
  mkdir -p "$cg"
  [[ -f "$LAB/client_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C remlite-lab-client -f "$LAB/client_ed25519"
  [[ -f "$LAB/share_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C remlite-lab-share -f "$LAB/share_ed25519"

  local i name addr pool h total
  total="$(host_count "$n")"
  STACK_FS_ADDR="" STACK_LOG_ADDR=""
  if ((total > n)); then STACK_FS_ADDR="$(host_addr $((n + 1)))" STACK_LOG_ADDR="$(host_addr $((n + 3)))"; fi
  : >"$LAB/hosts.list.tmp"
  : >"$LAB/known_hosts"
  for ((i = 1; i <= total; i++)); do
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
  local pid deadline=$((SECONDS + BOOT_TIMEOUT))
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
  mount_shares || { cmd_status >&2; exit 1; }
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
      # is-active answers 0 when any one unit is active: every line must say active.
      if [[ "$state" == running || "$state" == degraded ]] &&
        [[ "$(lab_ssh "$addr" systemctl is-active $(host_services "$name") 2>/dev/null | sort -u)" == active ]]; then
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
