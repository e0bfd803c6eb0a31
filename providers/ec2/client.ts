import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Ec2Account } from './config.js';

/** The SDK module, loaded on first use only: a console without EC2 never pays for it. */
export type Ec2Sdk = typeof import('@aws-sdk/client-ec2');

let sdkPromise: Promise<Ec2Sdk> | undefined;

export function loadSdk(): Promise<Ec2Sdk> {
  sdkPromise ??= import('@aws-sdk/client-ec2');
  return sdkPromise;
}

export interface ClientOptions {
  maxAttempts: number;
}

/**
 * One client per account and region. Credentials come from the SDK's default chain (env, shared
 * config and credentials files, SSO, process, instance role) for the account's profile; the endpoint
 * from the SDK's own AWS_ENDPOINT_URL_EC2 / AWS_ENDPOINT_URL / endpoint_url support.
 */
export class ClientFactory {
  private clients = new Map<string, EC2Client>();

  constructor(
    private readonly sdk: Ec2Sdk,
    private readonly opts: ClientOptions,
  ) {
    // The SDK warns on stderr, once, that later SDK releases will need Node 22; remlite supports Node 20,
    // and a line on stderr in the middle of the full-screen console would garble it. An operator's own
    // setting of the variable is respected.
    process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  }

  get(account: Ec2Account, region: string | undefined): EC2Client {
    const key = `${account.name}\u0000${region ?? ''}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new this.sdk.EC2Client({
        ...(region ? { region } : {}),
        ...(account.profile ? { profile: account.profile } : {}),
        retryMode: 'adaptive',
        maxAttempts: this.opts.maxAttempts,
        requestHandler: { connectionTimeout: 5000, requestTimeout: 20000 },
      });
      this.clients.set(key, client);
    }
    return client;
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
  }
}
