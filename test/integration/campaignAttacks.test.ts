import { expect } from "chai";
import * as fs from "node:fs";
import * as path from "node:path";
import { ATTACKS } from "../invariant/System.campaign";

/*
 * Issue 24: every attack found in review (one file in test/security/, the hostile tokens apart) stays an action of
 * both system campaigns. The Hardhat campaign names it in `ATTACKS` by the file's base name; the forge campaign has a
 * handler function `attack<UpperCamelFileName>` that its invariant test targets. This fails on an attack that either
 * campaign lacks, and on a campaign attack with no file.
 */

const ROOT = path.resolve(__dirname, "../..");
const FOUNDRY = path.join(ROOT, "test/foundry");
const HANDLERS = ["SystemHandler.sol", "OfferingHandler.sol"];

const attackFiles = fs
  .readdirSync(path.join(ROOT, "test/security"))
  .filter((file) => file.endsWith(".test.ts") && !file.startsWith("hostileTokens"))
  .map((file) => file.slice(0, -".test.ts".length))
  .sort();

const forgeName = (attack: string) => `attack${attack[0].toUpperCase()}${attack.slice(1)}`;

/** The `attack…` functions of the forge handlers, each with the handler that declares it. */
const forgeActions = new Map(
  HANDLERS.flatMap((file) =>
    [...fs.readFileSync(path.join(FOUNDRY, file), "utf8").matchAll(/function (attack\w+)\(/g)].map(
      (m) => [m[1], file.replace(/\.sol$/, "")] as const,
    ),
  ),
);
const invariantTest = fs.readFileSync(path.join(FOUNDRY, "System.invariant.t.sol"), "utf8");

describe("Campaign attacks", function () {
  it("finds the attack files", function () {
    expect(attackFiles.length).to.be.at.least(16);
  });

  for (const attack of attackFiles) {
    describe(attack, function () {
      it("is an action of the Hardhat campaign", function () {
        expect(ATTACKS as readonly string[]).to.include(attack);
      });

      it(`is the forge campaign's targeted action ${forgeName(attack)}`, function () {
        const handler = forgeActions.get(forgeName(attack));
        expect(handler, `no function ${forgeName(attack)} in ${HANDLERS.join(" or ")}`).to.not.equal(undefined);
        expect(invariantTest).to.include(`${handler}.${forgeName(attack)}.selector`);
      });
    });
  }

  it("has no campaign attack without a file in test/security/", function () {
    expect([...ATTACKS].sort()).to.deep.equal(attackFiles);
    expect([...forgeActions.keys()].sort()).to.deep.equal(attackFiles.map(forgeName).sort());
  });
});
