import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Profile names in an AWS shared config (`[profile NAME]`, `[default]`) or credentials (`[NAME]`) file. Pure. */
export function profileNames(text: string, kind: 'config' | 'credentials'): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (!m) continue;
    const section = m[1]!;
    if (kind === 'credentials') out.push(section);
    else if (section === 'default') out.push('default');
    else if (section.startsWith('profile ')) out.push(section.slice('profile '.length).trim());
  }
  return out;
}

/** The files the SDK reads profiles from, as it finds them (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, else ~/.aws). */
export function awsProfileFiles(env: NodeJS.ProcessEnv, home: string): { config: string; credentials: string } {
  return {
    config: env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'),
    credentials: env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'),
  };
}

function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** Every profile either file defines. */
export function knownProfiles(env: NodeJS.ProcessEnv, home: string): string[] {
  const files = awsProfileFiles(env, home);
  return [...new Set([...profileNames(readOrEmpty(files.config), 'config'), ...profileNames(readOrEmpty(files.credentials), 'credentials')])].sort();
}

/** "profile "x" is in neither ~/.aws/config nor ~/.aws/credentials (profiles there: a, b)", or undefined when it exists. */
export function missingProfileMessage(profile: string, env: NodeJS.ProcessEnv, home: string): string | undefined {
  const known = knownProfiles(env, home);
  if (known.includes(profile)) return undefined;
  const files = awsProfileFiles(env, home);
  const there = known.length ? `profiles there: ${known.join(', ')}` : 'no profile is defined there';
  return `AWS profile "${profile}" is in neither ${files.config} nor ${files.credentials} (${there}); run aws configure --profile ${profile} or aws configure sso`;
}
