import { Interface } from "ethers";
import { IModelController__factory, IModelShares__factory } from "../../contracts/typechain";
import { InvalidConfigurationError, NothingToClaimError, UnauthorizedError } from "../contractErrors";
import type { RevertTable } from "./table";

/** How the custom errors of a model's shares (ModelShares) and its controller (ModelController) become SDK errors. */
export const SHARES_REVERTS: RevertTable = {
  SharesUnauthorizedEscrow: [
    UnauthorizedError,
    (a) => [`${a.caller} is not the offering: only the model's offering burns shares.`],
  ],
  SharesInvalidAddress: [
    InvalidConfigurationError,
    () => ["Shares need a nonzero escrow and revenue sink, other than each other, and OPEN as their revenue token."],
  ],
  SharesZeroSupply: [InvalidConfigurationError, () => ["A model's share supply cannot be zero."]],
  SharesNothingToClaim: [
    NothingToClaimError,
    (a) => [
      `${a.account} has no model revenue to claim.`,
      "Revenue accrues to shares held when it arrives; shares still in the offering carry theirs to whoever receives them.",
    ],
  ],
  SharesEscrowReceive: [
    InvalidConfigurationError,
    (a) => [
      `${a.from} cannot send shares to the offering.`,
      "The offering holds only the shares minted to it; holders redeem through the offering instead.",
    ],
  ],
  ControllerUnauthorized: [
    UnauthorizedError,
    (a) => [
      `${a.caller} may not make this decision for the model.`,
      "A launched model's price, revenue recipient and URI belong to its holders' timelock; versions too, unless the launch left them to the creator.",
    ],
  ],
};

/** The ABIs that declare the errors of {@link SHARES_REVERTS}. */
export const SHARES_INTERFACES = [
  new Interface(IModelShares__factory.abi),
  new Interface(IModelController__factory.abi),
];
