import { Interface } from "ethers";
import { IEpochClock__factory, IInferenceSettlement__factory } from "../../../../typechain-types";
import { InvalidConfigurationError, NotFoundError, UnauthorizedError } from "../revert";
import type { RevertTable } from "../revert";
import { date, n } from "../format";

/*
 * Functions rather than constants: revert.ts imports this module and this module imports revert.ts's error classes,
 * so a table built while this module loads would hold undefined classes. revert.ts calls these once its classes exist.
 */

/** How the custom errors of InferenceSettlement, EpochClock and their `Ownable` owner check become SDK errors. */
export function settlementReverts(): RevertTable {
  return {
    SettlementZeroCalls: [InvalidConfigurationError, () => ["A settlement must pay for at least one call."]],
    SettlementZeroFee: [
      InvalidConfigurationError,
      (a) => [`Model ${a.modelId} is free (price 0), so there is no fee to settle.`],
    ],
    SettlementInvalidLogRoot: [
      InvalidConfigurationError,
      () => ["The log root is zero.", "Pass the root of the inference logs the settlement pays for."],
    ],
    SettlementInvalidSplit: [
      InvalidConfigurationError,
      (a) => [`The fee split sums to ${n(a.sum)} basis points; it must sum to 10,000.`],
    ],
    SettlementInvalidTreasury: [InvalidConfigurationError, () => ["The treasury cannot be the zero address."]],
    EpochBeforeGenesis: [
      InvalidConfigurationError,
      (a) => [
        `${date(a.timestamp)} is before epoch 1, which starts at ${date(a.genesis)}.`,
        "Nothing can be settled before genesis.",
      ],
    ],
    EpochInvalidLength: [
      InvalidConfigurationError,
      (a) => [`An epoch length of ${n(a.length)} s is outside [1 hour, 365 days].`],
    ],
    EpochNonexistent: [NotFoundError, (a) => [`Epoch ${a.epoch} does not exist; epochs start at 1.`]],
    OwnableUnauthorizedAccount: [
      UnauthorizedError,
      (a) => [`${a.account} is not the owner.`, "Parameters are set by governance, through the timelock."],
    ],
    OwnableInvalidOwner: [InvalidConfigurationError, (a) => [`${a.owner} cannot be the owner.`]],
  };
}

/** The ABIs that declare the errors of {@link settlementReverts}. */
export function settlementInterfaces(): Interface[] {
  return [
    new Interface(IInferenceSettlement__factory.abi),
    new Interface(IEpochClock__factory.abi),
    new Interface(["error OwnableUnauthorizedAccount(address account)", "error OwnableInvalidOwner(address owner)"]),
  ];
}
