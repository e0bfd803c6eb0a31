/** Filesystem types served over the network: the probe checks them detached, df never touches them. */
export const NETWORK_FS_TYPES = [
  'nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'ncpfs', 'afs', 'ceph', 'glusterfs', 'lustre', '9p', 'davfs',
  'fuse.sshfs', 'fuse.glusterfs', 'fuse.ceph', 'fuse.cephfs', 'fuse.s3fs', 'fuse.rclone', 'fuse.gcsfuse',
];
