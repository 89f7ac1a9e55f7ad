#!/usr/bin/env bash
# Runs a Foundry tool (forge) from its npm platform package. The npm shim (npx forge, node_modules/.bin/forge) exits
# 0 even when tests fail, so the platform binary is run directly and its exit code is ours.
set -euo pipefail
tool="${1:?usage: scripts/foundry/bin.sh <forge|anvil> [args...]}"
shift
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) echo "scripts/foundry/bin.sh: no Foundry package for $(uname -s)" >&2; exit 2 ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "scripts/foundry/bin.sh: no Foundry package for $(uname -m)" >&2; exit 2 ;;
esac
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="$root/node_modules/@foundry-rs/$tool-$os-$arch/bin/$tool"
if [ ! -x "$binary" ]; then
  echo "scripts/foundry/bin.sh: $binary is missing: run \`npm ci\` (package.json pins @foundry-rs/$tool)." >&2
  exit 2
fi
cd "$root"
exec "$binary" "$@"
