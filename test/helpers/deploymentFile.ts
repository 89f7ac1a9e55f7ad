import { DEPLOYMENT_FILE_FORMAT } from "../../sdk/src/node";
import type { ProtocolDeploymentFile } from "../../sdk/src/node";

/**
 * A deployment file as `npm run deploy` writes one, with the default parameters, deployed by `deployer` who holds
 * every role, complete and of no contract and no step until `changes` says otherwise.
 */
export function deploymentFile(
  deployer: string,
  changes: Partial<ProtocolDeploymentFile> = {},
): ProtocolDeploymentFile {
  return {
    format: DEPLOYMENT_FILE_FORMAT,
    network: "localhost",
    chainId: 31337,
    deployer,
    gitCommit: "unknown",
    startedAt: "2026-01-01T00:00:00.000Z",
    completedAt: "2026-01-01T00:01:00.000Z",
    parameters: {
      genesis: "1767225600",
      epochLength: "604800",
      challengeWindow: "86400",
      feeSplit: { treasuryBps: 1000, modelBps: 2000, stakersBps: 2000, contributorsBps: 5000 },
      unstakeCooldown: "604800",
      maxUnstakeCooldown: "604800",
      stakingRewardPeriod: "86400",
      governance: null,
    },
    roles: { attestor: deployer, guardian: deployer, admin: deployer, treasury: deployer, timelock: null },
    contracts: {},
    steps: [],
    ...changes,
  };
}
