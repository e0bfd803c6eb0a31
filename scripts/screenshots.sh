#!/usr/bin/env bash
# Regenerates the README screenshots (docs/screenshots/*.svg) from the real console in a real
# terminal: tmux at 80x24 against the lab. apache2 is stopped on lab-web2 so the grid shows a red
# host with a finding; it is started again at the end. Besides the grid and the host view: the Events
# screen, a pool log (L on the web pool header, Enter) and marks (a reload on lab-web1 adds its lines). Needs tmux, the lab (started here when it
# is not running; root, see test/lab/README.md) and a build (`npm run build`, done here if missing).
#
#   bash scripts/screenshots.sh            # REMLITE_LAB_DIR / REMLITE_LAB_ADDR_PREFIX pick the lab
set -euo pipefail
cd "$(dirname "$0")/.."

LAB_DIR="${REMLITE_LAB_DIR:-/tmp/remlite-lab}"
LAB_PREFIX_RE="$(printf %s "${REMLITE_LAB_ADDR_PREFIX:-127.77.0}." | sed 's/[.]/[.]/g')"
export REMLITE_LAB_DIR="$LAB_DIR"
OUT=docs/screenshots
HOST=lab-web2
SESSION="remlite-shots-$$"
WORK="$(mktemp -d /tmp/remlite-shots-XXXXXX)"

lab() { bash test/lab/lab.sh "$@"; }

cleanup() {
  tmux kill-session -t "$SESSION" 2>/dev/null || true
  lab exec "$HOST" -- systemctl start apache2 >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

command -v tmux >/dev/null || { echo "screenshots: tmux is not installed (apt-get install tmux)" >&2; exit 3; }
[[ -f dist/bundle/remlite.cjs && -f dist/tools/ansi-svg-main.js ]] || npm run build
if ! lab exec "$HOST" -- true 2>/dev/null; then lab start; fi

screen() { tmux capture-pane -p -t "$SESSION"; }

# Waits until the screen matches an extended regex (20 s), else prints the screen and fails.
wait_for() {
  local what="$1" pattern="$2" i
  for ((i = 0; i < 200; i++)); do
    screen | grep -Eq -- "$pattern" && return 0
    sleep 0.1
  done
  echo "screenshots: timed out waiting for $what; the screen was:" >&2
  screen >&2
  exit 1
}

keys() { tmux send-keys -t "$SESSION" "$@"; }

# Captures the pane with its colours and writes docs/screenshots/NAME.svg.
shot() {
  local name="$1" title="$2"
  # The lab shares this machine's kernel and a per-user address prefix: both are shown as the default
  # lab's (kernel "linux", prefix 127.77.0), so the pictures say nothing of the machine they were made on.
  tmux capture-pane -p -e -t "$SESSION" | sed -e "s/$(uname -r | sed 's/[.]/[.]/g')/linux/g" -e "s/$LAB_PREFIX_RE/127.77.0./g" > "$WORK/$name.ansi"
  node dist/tools/ansi-svg-main.js --cols 80 --rows 24 --title "$title" < "$WORK/$name.ansi" > "$OUT/$name.svg"
  echo "screenshots: wrote $OUT/$name.svg"
}

mkdir -p "$OUT" "$WORK/home"
lab exec "$HOST" -- systemctl start apache2
# A fresh state and config dir, so no settings or baselines of yours show up.
tmux new-session -d -s "$SESSION" -x 80 -y 24 \
  "export REMLITE_STATE_DIR='$WORK/state' REMLITE_CONFIG_DIR='$WORK/config' HOME='$WORK/home' TERM=xterm-256color TZ=UTC; unset NO_COLOR; \
   node dist/bundle/remlite.cjs --inventory '$LAB_DIR/inventory.yaml' --no-ssh-config --no-local --interval 2; sleep 600"

wait_for 'every lab host ok' "^$HOST .* ok .* 3/3"
lab exec "$HOST" -- systemctl stop apache2
wait_for 'the red host with its finding' "^$HOST .* 2/3 +[0-9]+ crit"
wait_for 'every host polled again' 'poll 0s ago'
shot grid 'remlite: the fleet grid, lab-web2 has a critical finding (apache2 stopped)'

# Open the red host by name (its row number depends on how many hosts the lab has).
keys :
keys -l "host $HOST"
keys Enter
wait_for 'the Services tab' 'apache2 +inactive'
shot host-services 'remlite: the host view of lab-web2, Services tab, apache2 inactive'

keys r
wait_for 'the confirmation' 'systemctl restart -- apache2.service'
shot confirm 'remlite: the confirmation shows the exact command before anything runs'
keys n
wait_for 'the confirmation cancelled' 'r restart'

keys 3
wait_for 'the log sources' 'unit +apache2'
keys Enter
wait_for 'the apache2 journal' 'Stopped apache2'
keys w
sleep 1
shot host-logs 'remlite: the apache2 journal followed live, lines wrapped'

keys Escape
wait_for 'the log closed' 'choose a log source'
keys 4
wait_for 'the Findings tab' 'service-down'
shot host-findings 'remlite: the Findings tab, service-down with its repairs'

# The events timeline: the finding raised when apache2 stopped.
keys Escape
wait_for 'the grid' 'NAME +PROVIDER'
keys :
keys -l events
keys Enter
wait_for 'the apache2 finding raised' 'service apache2 is inactive'
shot events 'remlite: the Events screen, findings raised and cleared, newest first'

keys q
wait_for 'the grid' 'NAME +PROVIDER'
# Pool logs: grouped by pool, L on the web header proposes :plogs web -u apache2; Enter follows it on both hosts.
keys /
keys -l pool:web
keys Enter p g L
wait_for 'the proposed pool log command' ':plogs web -u apache2'
keys Enter
wait_for 'the pool log' 'pool web · unit:apache2 · 2 hosts'
wait_for 'the journal of lab-web2' 'lab-web2 +│.*Stopped apache2'
# A reload on lab-web1 writes new lines of the other host under the ones already there.
lab exec lab-web1 -- systemctl reload apache2
wait_for 'the reload on lab-web1' 'lab-web1 +│.*Reloaded'
shot pool-logs 'remlite: the apache2 journal of both web hosts interleaved, each line behind its host'

# Marks: :mark pool:web marks the two web hosts (Space marks one); actions then apply to both.
keys q
wait_for 'the grid, still grouped' 'by pool'
keys p :
keys -l 'hosts'
keys Enter
keys :
keys -l 'mark pool:web'
keys Enter
wait_for 'two marked hosts' '2 marked'
shot marks 'remlite: the fleet grid with the two web hosts marked'

