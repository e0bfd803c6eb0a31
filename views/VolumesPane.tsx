import type React from 'react';
import { Box, Text } from 'ink';
import type { EbsVolume, VolumeStatus } from '../src/model/index.js';
import { formatBytes } from '../src/util/format-bytes.js';
import { sanitizeLine } from '../src/util/sanitize.js';
import { useView } from './context.js';
import { ListScreen, useList } from './ListScreen.js';
import type { PaneProps } from './pane.js';
import { Table, type Column } from './Table.js';
import { pct } from './text.js';
import type { Theme } from './theme.js';

const usedPct = (v: VolumeStatus) => (v.sizeBytes > 0 ? (v.usedBytes / v.sizeBytes) * 100 : undefined);
const inodePct = (v: VolumeStatus) => (v.inodesTotal > 0 ? (v.inodesUsed / v.inodesTotal) * 100 : undefined);

function columns(t: Theme): Column<VolumeStatus>[] {
  const level = (p: number | undefined) => (p === undefined ? undefined : p >= 90 ? t.critical : p >= 80 ? t.warning : undefined);
  return [
    { key: 'mount', header: 'MOUNT', width: 'flex', minWidth: 14, value: (v) => sanitizeLine(v.mount) },
    { key: 'device', header: 'DEVICE', width: 'flex', minWidth: 10, dropOrder: 1, value: (v) => sanitizeLine(v.device), color: () => t.muted },
    { key: 'fs', header: 'FS', width: 6, value: (v) => sanitizeLine(v.fstype) },
    { key: 'size', header: 'SIZE', width: 9, align: 'right', value: (v) => formatBytes(v.sizeBytes) },
    { key: 'used', header: 'USED', width: 5, align: 'right', value: (v) => pct(usedPct(v)), color: (v) => level(usedPct(v)) },
    { key: 'inodes', header: 'INODES', width: 6, align: 'right', value: (v) => pct(inodePct(v)), color: (v) => level(inodePct(v)) },
    { key: 'ro', header: 'RO', width: 3, value: (v) => (v.readOnly ? 'ro' : ''), color: (v) => (v.readOnly ? t.critical : undefined) },
  ];
}

function ebsColumns(t: Theme): Column<EbsVolume>[] {
  const bad = (v: EbsVolume) => v.state === 'error' || (v.attachState !== 'attached' && v.attachState !== '');
  return [
    { key: 'id', header: 'EBS VOLUME', width: 22, value: (v) => sanitizeLine(v.volumeId) },
    { key: 'device', header: 'DEVICE', width: 'flex', minWidth: 10, value: (v) => sanitizeLine(v.device), color: () => t.muted },
    { key: 'size', header: 'SIZE', width: 6, align: 'right', value: (v) => `${v.sizeGiB}G` },
    { key: 'type', header: 'TYPE', width: 8, value: (v) => sanitizeLine(v.type) },
    { key: 'state', header: 'STATE', width: 16, value: (v) => sanitizeLine(v.attachState && v.attachState !== 'attached' ? `${v.state}/${v.attachState}` : v.state), color: (v) => (bad(v) ? t.critical : undefined) },
    { key: 'enc', header: 'ENC', width: 3, dropOrder: 1, value: (v) => (v.encrypted ? 'yes' : 'no') },
  ];
}

export function VolumesPane(props: PaneProps): React.JSX.Element {
  const { theme } = useView();
  const volumes = props.host.probe?.volumes ?? [];
  const ebs = props.host.machine.cloud?.volumes;
  const list = useList(volumes, (v) => v.mount);
  // EC2 hosts: the EBS volumes (what the cloud API says) below the mounted filesystems (what the probe sees).
  const ebsHeight = ebs ? Math.min(ebs.length + 2, Math.max(3, Math.floor(props.height / 2))) : 0;
  const tableHeight = Math.max(1, props.height - 1 - ebsHeight);

  const mounted = (
    <ListScreen
      list={list}
      columns={columns(theme)}
      height={tableHeight}
      width={props.width}
      inputRef={props.inputRef}
      emptyText={props.host.probe ? 'no volumes reported' : 'not probed yet'}
    />
  );
  if (!ebs) return mounted;
  return (
    <Box flexDirection="column">
      {mounted}
      <Text color={theme.accent} wrap="truncate-end">
        {`EBS (EC2 API) · ${ebs.length} volume${ebs.length === 1 ? '' : 's'}`.slice(0, props.width)}
      </Text>
      <Table data={ebs} columns={ebsColumns(theme)} height={ebsHeight - 1} width={props.width} rowKey={(v) => v.volumeId} emptyText="no EBS volumes attached" />
    </Box>
  );
}
