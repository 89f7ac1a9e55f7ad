// The SDK's generator, so that the demo, the tests and the gateway's sampler draw the same sequences from a seed.
export { seededRandom } from "../../sdk/src/internal/random";
