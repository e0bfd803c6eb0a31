import type { HealthCheckDecl, LearnedSocket } from '../model/index.js';
import { parseHealthUrl } from '../util/health-url.js';
import { shQuote } from '../util/shell-quote.js';

/** Seconds a connect or an HTTP answer may take before the check counts as failed (`timeout -k 1`). */
export const REACH_TIMEOUT_SEC = 5;
/** Seconds a declared health command may run. */
export const HEALTH_CMD_TIMEOUT_SEC = 8;
/** Most checks one poll runs (they run side by side, each under its deadline). */
export const MAX_REACH_CHECKS = 32;

const ADDRESS = /^[0-9A-Fa-f.:]{2,45}$/;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

/** One check as the probe runs it: the words of the `rk` call (see reachScript). */
export interface PlannedReach {
  origin: 'learned' | 'declared';
  service: string;
  /** What is checked, in words (printed back by the host, shown in evidence). */
  text: string;
  kind: 'http' | 'tcp' | 'cmd';
  args: string[];
}

/** Service name without the .service suffix, as findings name services. */
export function bareService(unit: string): string {
  return unit.replace(/\.service$/, '');
}

function oneLine(text: string): boolean {
  return !/[\x00-\x1f\x7f]/.test(text);
}

/** The checks of one poll: every learned socket, then every declared health check; unsafe values dropped. */
export function plannedReach(sockets: readonly LearnedSocket[], health: readonly HealthCheckDecl[]): { checks: PlannedReach[]; dropped: number } {
  const checks: PlannedReach[] = [];
  let dropped = 0;
  for (const k of sockets) {
    if (!ADDRESS.test(k.address) || !Number.isInteger(k.port) || k.port < 1 || k.port > 65535) {
      dropped++;
      continue;
    }
    const service = bareService(k.unit);
    const where = k.address.includes(':') ? `[${k.address}]:${k.port}` : `${k.address}:${k.port}`;
    if (k.protocol === 'http') checks.push({ origin: 'learned', service, text: `HEAD / on ${where}`, kind: 'http', args: [k.address, String(k.port), 'HEAD', '/', ''] });
    else checks.push({ origin: 'learned', service, text: `connect to ${where}`, kind: 'tcp', args: [k.address, String(k.port)] });
  }
  for (const h of health) {
    const service = bareService(h.service);
    if ('http' in h) {
      const u = parseHealthUrl(h.http);
      const expect = h.expect === undefined ? '' : String(h.expect);
      if (!u || (expect && !/^[1-5]\d\d$/.test(expect))) {
        dropped++;
        continue;
      }
      checks.push({ origin: 'declared', service, text: `GET ${h.http} (expect ${expect || 'status < 400'})`, kind: 'http', args: [u.host, String(u.port), 'GET', u.path, expect] });
    } else if ('tcp' in h) {
      const host = h.host ?? '127.0.0.1';
      if (!Number.isInteger(h.tcp) || h.tcp < 1 || h.tcp > 65535 || !(ADDRESS.test(host) || HOST_NAME.test(host))) {
        dropped++;
        continue;
      }
      checks.push({ origin: 'declared', service, text: `connect to ${host}:${h.tcp}`, kind: 'tcp', args: [host, String(h.tcp)] });
    } else {
      const max = h.max === undefined ? '' : String(h.max);
      if (!h.cmd.trim() || !oneLine(h.cmd) || (max && !/^\d{1,15}$/.test(max))) {
        dropped++;
        continue;
      }
      checks.push({ origin: 'declared', service, text: `${h.cmd}${max ? ` (max ${max})` : ' (exit 0)'}`, kind: 'cmd', args: [h.cmd, max] });
    }
  }
  const kept = checks.filter((c) => oneLine(c.text) && /^[A-Za-z0-9:_.@\\-]{1,200}$/.test(c.service));
  dropped += checks.length - kept.length;
  const capped = kept.slice(0, MAX_REACH_CHECKS);
  return { checks: capped, dropped: dropped + kept.length - capped.length };
}

/**
 * The reach section: each check runs in the background under `timeout -k 1` (a connect, an HTTP
 * status line, or a declared command), all inside one subshell that waits only for them, so the
 * section ends within the longest deadline. Each prints one line (one write, so lines never mix):
 * `R <exit> <origin> <service>\t<text>\t<detail>`; the detail is only digits (HTTP status, number).
 * Exit: 0 ok, 124/137 timed out, 7 refused, 8 closed without answer, 9 not HTTP, 10 over the
 * expectation, 11 output not a number.
 */
export function reachScript(checks: readonly PlannedReach[]): string {
  if (checks.length === 0) return '';
  const calls = checks.map((c) => `rk ${[c.origin, c.service, c.text, c.kind, ...c.args].map(shQuote).join(' ')} &`).join('\n');
  return `section reach
if have bash && have timeout; then
CR=$(printf '\\r')
rk() {
  d=''
  case $4 in
    http)
      l=$(timeout -k 1 ${REACH_TIMEOUT_SEC} bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 7; printf "%s %s HTTP/1.0\\r\\nHost: %s\\r\\nConnection: close\\r\\n\\r\\n" "$2" "$3" "$0" >&3; IFS= read -r l <&3 || exit 8; printf "%s" "$l"' "$5" "$6" "$7" "$8" </dev/null 2>/dev/null); r=$?
      l=\${l%"$CR"}
      case $l in HTTP/*) d=\${l#* }; d=\${d%% *} ;; esac
      case $d in [1-5][0-9][0-9]) ;; *) d='' ;; esac
      if [ $r -eq 0 ] && [ -z "$d" ]; then r=9; fi
      if [ $r -eq 0 ]; then
        if [ -n "$9" ]; then [ "$d" = "$9" ] || r=10; else [ "$d" -lt 400 ] || r=10; fi
      fi ;;
    tcp)
      timeout -k 1 ${REACH_TIMEOUT_SEC} bash -c 'exec 3<>"/dev/tcp/$0/$1" || exit 7' "$5" "$6" </dev/null >/dev/null 2>&1; r=$? ;;
    cmd)
      o=$(timeout -k 1 ${HEALTH_CMD_TIMEOUT_SEC} sh -c "$5" </dev/null 2>/dev/null); r=$?
      o=\${o%%"$NL"*}
      if [ -n "$6" ] && [ $r -eq 0 ]; then
        d=$(printf '%s' "$o" | tr -d ' \\t\\r')
        case $d in ''|*[!0-9]*) d=''; r=11 ;; *) [ "$d" -le "$6" ] || r=10 ;; esac
      fi ;;
  esac
  printf 'R %s %s %s\\t%s\\t%s\\n' "$r" "$1" "$2" "$3" "$d"
}
o=$(
${calls}
wait
)
put "$o"
else warn 'bash or timeout missing: service ports and health checks not checked'
fi
`;
}
