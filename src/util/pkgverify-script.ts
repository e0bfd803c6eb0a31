// Package-managed config files (dpkg conffiles, rpm %config files) that differ from what their
// package installed. Shared by the probe's heavy checks and the accept's capture, so both see the
// same list the same way.

/** Most drifted conffiles reported (a host listing thousands is a mess or a lie). */
export const MAX_CONFFILES = 500;

/**
 * Shell function `pkgverify` (expects LC_ALL=C). Prints `M dpkg|rpm|none`, then `V <verify line>` for
 * each config file the package manager reports as changed or missing, then `P <package> <path>` for
 * those whose package it can name.
 * - dpkg: `dpkg --verify` of the packages that own conffiles (from /var/lib/dpkg/info/*.conffiles,
 *   so the files of packages without any are not hashed); lines `??5?????? c /etc/x`, `missing   c /etc/x`.
 * - rpm: `rpm -Va` (no dependency or script checks); lines `S.5....T.  c /etc/x`, `missing   c /etc/x`.
 * Both run under nice/ionice when available. The parser (pkgverify-parse.ts) checks every line again.
 */
export const PKGVERIFY_FUNCTION = `pkgverify() {
  set +f
  N=''
  command -v nice >/dev/null 2>&1 && N='nice -n 19'
  command -v ionice >/dev/null 2>&1 && N="$N ionice -c 3"
  if command -v dpkg >/dev/null 2>&1 && [ -d /var/lib/dpkg/info ]; then
    m=dpkg
    set --
    for f in /var/lib/dpkg/info/*.conffiles; do
      [ -f "$f" ] || continue
      f=\${f##*/}; set -- "$@" "\${f%.conffiles}"
    done
    V=''
    [ $# -eq 0 ] || V=$($N dpkg --verify -- "$@" 2>/dev/null)
  elif command -v rpm >/dev/null 2>&1; then
    m=rpm
    V=$($N rpm -Va --nodeps --noscripts --nosignature 2>/dev/null)
  else
    echo 'M none'; set -f; return 0
  fi
  echo "M $m"
  n=0
  printf '%s\\n' "$V" | while IFS= read -r l; do
    case $l in *' c /'*) ;; *) continue ;; esac
    n=$((n + 1)); [ $n -le ${MAX_CONFFILES} ] || break
    printf 'V %s\\n' "$l"
    p=/\${l#* c /}
    if [ $m = dpkg ]; then k=$(grep -l -x -F -e "$p" /var/lib/dpkg/info/*.conffiles 2>/dev/null | head -n 1); k=\${k##*/}; k=\${k%.conffiles}
    else k=$(rpm -qf --qf '%{NAME}\\n' -- "$p" 2>/dev/null | head -n 1)
    fi
    [ -z "$k" ] || printf 'P %s %s\\n' "$k" "$p"
  done
  set -f
}`;
