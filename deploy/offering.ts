import {
  ModelController__factory,
  ModelGovernor__factory,
  ModelOffering__factory,
  ModelShares__factory,
  ModelTimelock__factory,
  OfferingFactory__factory,
} from "../typechain-types";
import { addressOf, creationStep } from "./steps";
import type { DeployStep } from "./steps";

/** The protocol's default fee on a successful offering's raise: 1%, in bps (governance may set up to 10%). */
export const DEFAULT_OFFERING_FEE_BPS = 100;

/** The step names of the implementations every launch clones, by the field of `OfferingContracts` they fill. */
export const OFFERING_IMPLEMENTATIONS = {
  offering: "offeringImplementation",
  shares: "sharesImplementation",
  controller: "controllerImplementation",
  governor: "governorImplementation",
  timelock: "timelockImplementation",
} as const;

/** Options of {@link offeringSteps}. */
export interface OfferingStepsOptions {
  /** Receives the protocol fee on raises. */
  treasury: string;
  /** The fee, in bps; {@link DEFAULT_OFFERING_FEE_BPS} by default. */
  feeBps?: number;
  /** Sets the fee and the treasury until handed over to the protocol's timelock. */
  owner: string;
}

/**
 * The Initial AI Offering's deployment as steps: the five implementations a launch clones (each locked against
 * initialization), then the factory ("offeringFactory") over OPEN, the model registry and settlement, which earlier
 * steps deployed ("open", "models", "settlement").
 */
export function offeringSteps(o: OfferingStepsOptions): DeployStep[] {
  const i = OFFERING_IMPLEMENTATIONS;
  return [
    creationStep(i.offering, "ModelOffering", ModelOffering__factory, (a) => [
      addressOf(a, "open"),
      addressOf(a, "models"),
      addressOf(a, "settlement"),
    ]),
    creationStep(i.shares, "ModelShares", ModelShares__factory, (a) => [addressOf(a, "open")]),
    creationStep(i.controller, "ModelController", ModelController__factory, () => []),
    creationStep(i.governor, "ModelGovernor", ModelGovernor__factory, () => []),
    creationStep(i.timelock, "ModelTimelock", ModelTimelock__factory, () => []),
    creationStep("offeringFactory", "OfferingFactory", OfferingFactory__factory, (a) => [
      addressOf(a, "open"),
      addressOf(a, "models"),
      addressOf(a, "settlement"),
      {
        offering: addressOf(a, i.offering),
        shares: addressOf(a, i.shares),
        controller: addressOf(a, i.controller),
        governor: addressOf(a, i.governor),
        timelock: addressOf(a, i.timelock),
      },
      o.treasury,
      o.feeBps ?? DEFAULT_OFFERING_FEE_BPS,
      o.owner,
    ]),
  ];
}
