import type { ContractTransactionResponse } from "ethers";

/** Gas used by a mined transaction, including the 21,000 base. */
export async function gasOf(tx: Promise<ContractTransactionResponse>): Promise<bigint> {
  return (await (await tx).wait())!.gasUsed;
}

/**
 * A list of labelled gas figures that a suite fills in its tests and prints once in `after`, so the figures the README
 * quotes are in every test log.
 */
export function gasTable(): [string, bigint][] {
  const measured: [string, bigint][] = [];
  after(function () {
    console.log("\n    gas used (including the 21,000 base):");
    for (const [what, gas] of measured)
      console.log(`      ${what.padEnd(62)} ${gas.toLocaleString("en-US").padStart(8)}`);
  });
  return measured;
}
