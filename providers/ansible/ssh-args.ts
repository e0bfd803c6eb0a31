/** What remlite takes from ansible_ssh_common_args / ansible_ssh_extra_args. */
export interface SshArgs {
  jump?: string;
  knownHostsFile?: string;
  /** Options remlite does not apply; the host is not probed rather than probed differently than Ansible would. */
  unsupported: string[];
}

/** Reads -J / -o ProxyJump= / -o UserKnownHostsFile= (and harmless -o StrictHostKeyChecking); anything else is unsupported. */
export function parseSshArgs(text: string): SshArgs {
  const out: SshArgs = { unsupported: [] };
  const tokens = text.match(/'[^']*'|"[^"]*"|\S+/g)?.map((t) => t.replace(/^(['"])(.*)\1$/, '$2')) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '-J' && tokens[i + 1]) out.jump = tokens[++i]!;
    else if (t.startsWith('-J') && t.length > 2) out.jump = t.slice(2);
    else if (t === '-o' && tokens[i + 1]) option(out, tokens[++i]!);
    else if (t.startsWith('-o') && t.length > 2) option(out, t.slice(2));
    else out.unsupported.push(t);
  }
  return out;
}

function option(out: SshArgs, opt: string): void {
  const m = /^([A-Za-z]+)\s*[= ]\s*(.+)$/.exec(opt);
  const key = m?.[1]?.toLowerCase();
  if (key === 'proxyjump') out.jump = m![2]!;
  else if (key === 'userknownhostsfile') out.knownHostsFile = m![2]!;
  else out.unsupported.push(`-o ${opt}`);
}
