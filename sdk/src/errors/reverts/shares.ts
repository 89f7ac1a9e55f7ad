import { Interface } from "ethers";
import {
  InvalidConfigurationError,
  NothingToClaimError,
  OfferingStateError,
  UnauthorizedError,
} from "../contractErrors";
import { n } from "./format";
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
    (a) => [`${a.from} cannot send shares to the offering.`, "The offering holds only the shares minted to it."],
  ],
  ControllerUnauthorized: [
    UnauthorizedError,
    (a) => [
      `${a.caller} may not make this decision for the model.`,
      "A launched model's price, revenue recipient and URI belong to its holders' timelock; versions too, unless the launch left them to the creator.",
    ],
  ],
  ControllerPriceBelowFloor: [
    OfferingStateError,
    (a) => [
      `A price of ${n(a.price)} per call is below the launch price ${n(a.floor)}.`,
      "While a settled-calls milestone waits for release the price may not fall below the launch price.",
    ],
  ],
  ControllerRevenueLocked: [
    OfferingStateError,
    () => ["The model's revenue stays with its share token while the offering still escrows part of the raise."],
  ],
};

/**
 * The errors of {@link SHARES_REVERTS} as declared by IModelShares and IModelController: their fragments only, so that
 * the browser bundle does not carry the two contracts' whole ABIs for them (`test/sdk/errors.test.ts` decodes every
 * error of both interfaces, which fails if a declaration here drifts from the contracts').
 */
export const SHARES_INTERFACES = [
  new Interface([
    "error SharesUnauthorizedEscrow(address caller)",
    "error SharesInvalidAddress()",
    "error SharesZeroSupply()",
    "error SharesNothingToClaim(address account)",
    "error SharesEscrowReceive(address from)",
    "error ControllerUnauthorized(address caller)",
    "error ControllerPriceBelowFloor(uint256 price, uint256 floor)",
    "error ControllerRevenueLocked()",
  ]),
];
