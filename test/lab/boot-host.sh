#!/usr/bin/env bash
# Boots one lab host: a real systemd in its own PID, mount, UTS, IPC and cgroup namespaces,
# chrooted into the host's overlay root. Started by lab.sh (setsid, output to console.log).
#
#   boot-host.sh outer  NAME ROOT PIDFILE CGROUP   (host namespaces: exec unshare → inner)
#   boot-host.sh inner  ...                        (PID 1 of the new PID namespace)
#   boot-host.sh cgroup ...                        (same process, now in its own cgroup namespace)
#
# The host gets a fresh read-only sysfs, its own cgroup2 tree, a minimal /dev and a read-only
# /proc/sys, never the real /sys or /dev: several systemds sharing the real cgroup tree would
# kill each other's services, and a writable /sys or /dev would let them touch real devices.
set -euo pipefail

stage="$1" name="$2" root="$3" pidfile="$4" cgroup="$5"
self="$(readlink -f "$0")"

case "$stage" in
outer)
  exec unshare --uts --mount --pid --ipc --fork --propagation private \
    "$self" inner "$name" "$root" "$pidfile" "$cgroup"
  ;;
inner)
  # /proc is still the real one here, so /proc/self/stat names this process as seen from outside;
  # exec keeps the pid, so this is the pid of the host's systemd.
  read -r outer_pid _ </proc/self/stat
  echo "$outer_pid" >"$pidfile.tmp" && mv "$pidfile.tmp" "$pidfile"
  mkdir -p "$cgroup"
  echo 0 >"$cgroup/cgroup.procs"
  exec unshare --cgroup "$self" cgroup "$name" "$root" "$pidfile" "$cgroup"
  ;;
cgroup) ;;
*) echo "boot-host: unknown stage $stage" >&2; exit 2 ;;
esac

cd "$root"
mount -t proc -o nosuid,nodev,noexec proc proc
for ro in proc/sys proc/sysrq-trigger; do
  [[ -e "$ro" ]] || continue
  mount --bind "$ro" "$ro"
  mount -o remount,bind,ro "$ro"
done
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs sys
mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 sys/fs/cgroup

mount -t tmpfs -o mode=755,nosuid,size=4m tmpfs dev
mknod -m 666 dev/null c 1 3
mknod -m 666 dev/zero c 1 5
mknod -m 666 dev/full c 1 7
mknod -m 666 dev/random c 1 8
mknod -m 666 dev/urandom c 1 9
mknod -m 666 dev/tty c 5 0
# FUSE (the web hosts mount the file server's share over sshfs): the kernel has no NFS client here.
[[ -c /dev/fuse ]] && mknod -m 600 dev/fuse c 10 229
mkdir -m 755 dev/pts
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts dev/pts
ln -s pts/ptmx dev/ptmx
mkdir -m 1777 dev/shm
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs dev/shm
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin
ln -s /proc/self/fd/1 dev/stdout
ln -s /proc/self/fd/2 dev/stderr
# systemd writes its status to /dev/console: let it land in console.log.
touch dev/console
mount --bind /proc/self/fd/1 dev/console

mount -t tmpfs -o mode=755,nosuid,nodev,size=64m tmpfs run
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs tmp
hostname "$name"

# container= tells systemd it is in a container: it then skips real-hardware work, and at
# shutdown it neither unmounts everything nor detaches loop/DM devices.
exec env -i container=remlite-lab PATH=/usr/sbin:/usr/bin:/sbin:/bin \
  setpriv --bounding-set -sys_module,-sys_time,-syslog,-sys_rawio,-wake_alarm \
  chroot . /lib/systemd/systemd --system --unit=multi-user.target
