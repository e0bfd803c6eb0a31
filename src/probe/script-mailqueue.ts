// The mailqueue section of the probe: the size of the postfix queue, when postfix is installed.
// `postqueue -p` needs no root (setgid postdrop) and ends with "-- N Kbytes in M Requests." or
// "Mail queue is empty" (a stopped postfix too: it then reads the queue directly). It runs only
// where postfix has run (its master.pid is there), not wherever the package merely is; an answer
// other than those two is "unavailable", not 0.

export function mailqueueScript(): string {
  return `section mailqueue
if have postqueue && [ -e /var/spool/postfix/pid/master.pid ]; then
  o=$(postqueue -p 2>&1 </dev/null | tail -n 1); r=$?
  case $o in
    'Mail queue is empty') echo 'count=0' ;;
    '-- '*' Kbytes in '*' Request'*) o=\${o%% Request*}; echo "count=\${o##* }" ;;
    *) put "unavailable=$o" ;;
  esac
fi
`;
}
