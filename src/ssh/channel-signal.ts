import type { ClientChannel } from 'ssh2';

interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { signal?(channelId: number, signal: string): void } };
}

/**
 * Sends a signal request to the remote command (sshd delivers it to the command's process group).
 * ssh2's public `signal()` refuses once stdin is closed (EOF sent), although RFC 4254 allows it and
 * OpenSSH honours it; our execs always close stdin, so this goes through ssh2's protocol object
 * (checked against ssh2 1.17) and falls back to the public method.
 */
export function signalChannel(channel: ClientChannel, signal: 'KILL' | 'TERM' | 'HUP'): void {
  const internals = channel as unknown as ChannelInternals;
  const state = internals.outgoing?.state;
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  try {
    if ((state === 'open' || state === 'eof') && typeof id === 'number' && typeof protocol?.signal === 'function') {
      protocol.signal(id, signal);
    } else {
      channel.signal(signal);
    }
  } catch {
    // the channel or connection is already gone: nothing left to signal
  }
}
