import { InsufficientFundsError, InvalidConfigurationError } from "../contractErrors";
import { n } from "./format";
import type { RevertTable } from "./table";

/**
 * How the OPEN token's custom errors become typed SDK errors: its own, and the ERC-20 ones that any contract pulling
 * OPEN (a bond, a fee, a stake) may revert with.
 */
export const TOKEN_REVERTS: RevertTable = {
  ERC20InsufficientAllowance: [
    InsufficientFundsError,
    (a) => [
      `OPEN allowance of ${a.spender} is ${n(a.allowance)} but ${n(a.needed)} is needed.`,
      "Approve the registry for the bond (DatanetClient.submit does this unless approve is false).",
    ],
  ],
  ERC20InsufficientBalance: [
    InsufficientFundsError,
    (a) => [`${a.sender} holds ${n(a.balance)} OPEN but ${n(a.needed)} is needed.`],
  ],
  TokenTransferShortfall: [
    InsufficientFundsError,
    (a) => [
      `The token delivered ${n(a.received)} of the ${n(a.expected)} pulled: it takes a fee on transfer, which the protocol refuses.`,
      "Deploy the protocol over a plain ERC-20 (see SECURITY.md, Hostile tokens).",
    ],
  ],
  OpenInvalidTreasury: [InvalidConfigurationError, () => ["The OPEN treasury cannot be the zero address."]],
};
