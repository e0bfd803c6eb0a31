#!/usr/bin/env bash
# Regenerates the README screenshots (docs/screenshots/*.svg) from the real console in a real
# terminal: tmux at 80x24 against the lab. apache2 is stopped on lab-web2 so the grid shows a red
# host with a finding; it is started again at the end. Needs tmux, the lab (started here when it
# is not running; root, see test/lab/README.md) and a build (`npm run build`, done here if missing).
#
#   bash scripts/screenshots.sh            # REMLITE_LAB_DIR / REMLITE_LAB_ADDR_PREFIX pick the lab
set -euo pipefail
cd "$(dirname "$0")/.."

LAB_DIR="${REMLITE_LAB_DIR:-/tmp/remlite-lab}"
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
[[ -f dist/bundle/remlite.mjs && -f dist/tools/ansi-svg-main.js ]] || npm run build
if ! lab exec "$HOST" -- true 2>/dev/null; then lab start 3; fi

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
  tmux capture-pane -p -e -t "$SESSION" > "$WORK/$name.ansi"
  node dist/tools/ansi-svg-main.js --cols 80 --rows 24 --title "$title" < "$WORK/$name.ansi" > "$OUT/$name.svg"
  echo "screenshots: wrote $OUT/$name.svg"
}

mkdir -p "$OUT" "$WORK/home"
lab exec "$HOST" -- systemctl start apache2
# A fresh state and config dir, so no settings or baselines of yours show up.
tmux new-session -d -s "$SESSION" -x 80 -y 24 \
  "export REMLITE_STATE_DIR='$WORK/state' REMLITE_CONFIG_DIR='$WORK/config' HOME='$WORK/home' TERM=xterm-256color; unset NO_COLOR; \
   node dist/bundle/remlite.mjs --inventory '$LAB_DIR/inventory.yaml' --no-ssh-config --no-local --interval 2; sleep 600"

wait_for 'every lab host ok' "^$HOST .* ok .* 3/3"
lab exec "$HOST" -- systemctl stop apache2
wait_for 'the red host with its finding' "^$HOST .* 2/3 1 crit"
wait_for 'every host polled again' 'poll 0s ago'
shot grid 'remlite: the fleet grid, lab-web2 has a critical finding (apache2 stopped)'

# Open the red host: the grid is sorted by name, lab-web2 is the third row.
keys j j Enter
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
