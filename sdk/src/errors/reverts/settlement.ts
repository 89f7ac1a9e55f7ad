import { Interface } from "ethers";
import { IEpochClock__factory } from "../../contracts/typechain/factories/contracts/interfaces/IEpochClock__factory";
import { IInferenceSettlement__factory } from "../../contracts/typechain/factories/contracts/interfaces/IInferenceSettlement__factory";
import { InsufficientFundsError, InvalidConfigurationError, NotFoundError, TermsChangedError } from "../contractErrors";
import type { RevertTable } from "./table";
import { date, n } from "./format";

/** How the custom errors of InferenceSettlement and EpochClock become SDK errors. */
export const SETTLEMENT_REVERTS: RevertTable = {
  SettlementZeroCalls: [InvalidConfigurationError, () => ["A settlement must pay for at least one call."]],
  SettlementZeroFee: [
    InvalidConfigurationError,
    (a) => [`Model ${a.modelId} is free (price 0), so there is no fee to settle.`],
  ],
  SettlementFeeAboveMax: [
    TermsChangedError,
    (a) => [
      `Model ${a.modelId}'s fee is now ${n(a.fee)}, above the ${n(a.maxFee)} the payer agreed to pay; nothing was paid.`,
      "The model's price changed after the quote: quote again and settle with the new fee as maxFee if it is acceptable.",
    ],
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
  SettlementInvalidReceiver: [InvalidConfigurationError, () => ["Recovered OPEN cannot go to the zero address."]],
  SettlementNoExcess: [
    InsufficientFundsError,
    () => [
      "Settlement holds no OPEN to recover.",
      "Settlement passes every fee through; only OPEN sent to it directly can be recovered.",
    ],
  ],
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
};

/** The ABIs that declare the errors of {@link SETTLEMENT_REVERTS}. */
export const SETTLEMENT_INTERFACES = [
  new Interface(IInferenceSettlement__factory.abi),
  new Interface(IEpochClock__factory.abi),
];
