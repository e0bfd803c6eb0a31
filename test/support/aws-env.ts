// A sealed AWS environment for tests: a temp HOME with ~/.aws/config and credentials, fake keys,
// instance metadata off (the SDK never dials 169.254.169.254) and the EC2 endpoint on loopback.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AwsProfileSpec {
  name: string;
  accessKeyId: string;
  region?: string;
}

/** Variables that could make the SDK reach beyond the test: removed from the environments we build. */
const AWS_LEAKS = /^AWS_/;

export function awsTestEnv(endpoint: string, profiles: AwsProfileSpec[], opts: { envKeys?: string } = {}): { home: string; env: Record<string, string> } {
  const home = mkdtempSync(join(tmpdir(), 'remlite-aws-'));
  mkdirSync(join(home, '.aws'));
  const config = profiles.map((p) => `[${p.name === 'default' ? 'default' : `profile ${p.name}`}]\n${p.region ? `region = ${p.region}\n` : ''}`).join('\n');
  const creds = profiles.map((p) => `[${p.name}]\naws_access_key_id = ${p.accessKeyId}\naws_secret_access_key = secret-${p.accessKeyId}\n`).join('\n');
  writeFileSync(join(home, '.aws', 'config'), config);
  writeFileSync(join(home, '.aws', 'credentials'), creds);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!AWS_LEAKS.test(k) && v !== undefined) env[k] = v;
  Object.assign(env, {
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_EC2: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    REMLITE_CONFIG_DIR: join(home, 'config'),
    REMLITE_STATE_DIR: join(home, 'state'),
  });
  if (opts.envKeys) {
    env['AWS_ACCESS_KEY_ID'] = opts.envKeys;
    env['AWS_SECRET_ACCESS_KEY'] = `secret-${opts.envKeys}`;
  }
  return { home, env };
}

/** Makes this process's environment exactly `env` for the AWS_ and HOME parts (in-process SDK tests). */
export function applyEnv(env: Record<string, string>): void {
  for (const k of Object.keys(process.env)) if (AWS_LEAKS.test(k)) delete process.env[k];
  for (const [k, v] of Object.entries(env)) if (AWS_LEAKS.test(k) || k === 'HOME' || k.startsWith('REMLITE_')) process.env[k] = v;
}
