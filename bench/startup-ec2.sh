#!/usr/bin/env bash
# Startup cost of the EC2 provider: `remlite status --json` with EC2 off (the AWS SDK is never loaded)
# and on (SDK loaded, two regions listed from a loopback EC2 endpoint). Needs hyperfine and `npm run build`.
# Instances have no address, so no SSH is involved; the local machine is probed in every run.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
node dist/test/support/fake-ec2-serve.js 3 eu-west-1,us-east-1 > "$tmp/url" &
fake=$!
trap 'kill $fake; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [[ -s "$tmp/url" ]] && break; sleep 0.1; done
export HOME=$tmp REMLITE_CONFIG_DIR=$tmp/config REMLITE_STATE_DIR=$tmp/state AWS_EC2_METADATA_DISABLED=true \
  AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=bench AWS_ENDPOINT_URL_EC2=$(cat "$tmp/url")
# status exits 1 because the listed instances have no address (reach no-ssh): -i keeps the run.
hyperfine -N -i --warmup 3 --runs "${RUNS:-20}" \
  -n 'EC2 off' 'node dist/src/cli/main.js status --json --no-ssh-config' \
  -n 'EC2 on (2 regions)' 'node dist/src/cli/main.js status --json --no-ssh-config --ec2 --region eu-west-1 --region us-east-1' \
  -n 'import @aws-sdk/client-ec2 alone' "node --input-type=module -e \"await import('@aws-sdk/client-ec2')\""
