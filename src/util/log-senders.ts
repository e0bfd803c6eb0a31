/** Where a log host keeps one file per sender (the common rsyslog layout, the lab's too). */
export const REMOTE_LOG_DIR = '/var/log/remote';

/** A sender's file under REMOTE_LOG_DIR as `stat -c '%Y %n'` prints it: its name, or undefined for anything else. */
export function senderOfPath(path: string): string | undefined {
  return /^\/[^\0]*\/([A-Za-z0-9_.-]{1,253})\.log$/.exec(path)?.[1];
}
