import type { Finding } from '../model/index.js';
import { fit } from './text.js';
import type { Detector } from './types.js';

/** EC2 status checks that mean "broken"; initializing and insufficient-data are not verdicts yet. */
const FAILED_CHECK = new Set(['impaired', 'failed']);

/** A running instance whose system (AWS side) or instance (OS side) status check fails. */
export const detectEc2StatusFailed: Detector = (ctx) => {
  const { machine } = ctx;
  const cloud = machine.cloud;
  const status = cloud?.status;
  if (!cloud || !status || cloud.state !== 'running') return [];
  const failed: string[] = [];
  if (FAILED_CHECK.has(status.system)) failed.push('system');
  if (FAILED_CHECK.has(status.instance)) failed.push('instance');
  if (failed.length === 0) return [];
  const finding: Finding = {
    machineId: machine.id,
    class: 'ec2-status-failed',
    severity: 'critical',
    summary: fit(`EC2 ${failed.join(' and ')} status check failed`),
    evidence: [
      fit(`system check: ${status.system}, instance check: ${status.instance}`),
      fit(`instance ${cloud.instanceId} (${cloud.instanceType}) in ${cloud.az}`),
      failed.includes('system')
        ? 'a failed system check is on the AWS side: a stop and start moves the instance to other hardware'
        : 'a failed instance check is inside the OS (kernel, network config, full disk): a reboot often helps',
    ],
    subject: cloud.instanceId,
    repairs: [{ action: 'ec2.reboot', params: {}, label: 'reboot the instance (EC2 API)' }],
  };
  return [finding];
};

/** AWS scheduled maintenance or retirement for the instance. */
export const detectEc2ScheduledEvent: Detector = (ctx) => {
  const { machine } = ctx;
  const cloud = machine.cloud;
  const events = (cloud?.status?.events ?? []).filter((e) => !e.description.startsWith('[Completed]') && !e.description.startsWith('[Canceled]'));
  if (!cloud || events.length === 0) return [];
  return events.map((e) => ({
    machineId: machine.id,
    class: 'ec2-scheduled-event' as const,
    severity: 'warning' as const,
    summary: fit(`EC2 scheduled ${e.code}${e.notBefore ? ` from ${e.notBefore}` : ''}`),
    evidence: [fit(`event: ${e.code}: ${e.description}`), fit(`instance ${cloud.instanceId} in ${cloud.az}`)],
    subject: e.code,
    repairs: [],
  }));
};
