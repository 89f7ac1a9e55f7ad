import { expect } from "chai";
import { ethers } from "hardhat";
import type { Interface } from "ethers";
import { ContractRevertError, decodeRevert } from "../../sdk/src";

/**
 * Expects every custom error of `iface`, encoded with sample arguments, to decode into a subclass of
 * ContractRevertError (not the plain class the SDK falls back to for errors it has no entry for) with a message of its
 * own. Returns the errors' names.
 */
export function expectEveryErrorTyped(iface: Interface): string[] {
  const names: string[] = [];
  iface.forEachError((fragment) => {
    const samples: Record<string, unknown> = {
      address: ethers.ZeroAddress,
      bytes32: ethers.ZeroHash,
      string: "sample",
      bool: true,
    };
    const args = fragment.inputs.map((p) => (p.type in samples ? samples[p.type] : 3n));
    const error = decodeRevert({ data: iface.encodeErrorResult(fragment, args) }) as ContractRevertError;
    expect(error, fragment.name).to.be.instanceOf(ContractRevertError);
    expect(error.constructor, fragment.name).to.not.equal(ContractRevertError);
    expect(error.errorName).to.equal(fragment.name);
    expect(error.shortMessage, fragment.name).to.not.contain("reverted with");
    names.push(fragment.name);
  });
  return names;
}
