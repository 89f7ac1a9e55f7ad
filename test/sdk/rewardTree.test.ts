import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, getAddress, hexlify, keccak256, toUtf8Bytes } from "ethers";
import { MerkleTree } from "merkletreejs";
import {
  DuplicateAccountError,
  EmptyRewardTreeError,
  IntegrityError,
  InvalidAccountError,
  InvalidAmountError,
  InvalidInputError,
  MalformedTreeDumpError,
  RewardTree,
  TreeDumpMismatchError,
  UnknownAccountError,
  buildRewardTree,
} from "../../sdk/src";
import type { RewardEntry, RewardTreeDump } from "../../sdk/src";
import { TreeHelperThread, buildRewardTree as buildRewardTreeOnNode, treeHelper } from "../../sdk/src/node";
import { keccakHex, keccakUtf8, wasmKeccak } from "../../sdk/src/rewards/keccak";
import { seededRandom } from "../helpers/random";
import { rewardEntries } from "../../scripts/lib/rewardEntries";

const ENCODING = ["address", "uint256"];
const UINT256_MAX = (1n << 256n) - 1n;

/** OpenZeppelin's tree of the same entries, values as `[account, amount.toString()]`. */
function ozTree(entries: readonly RewardEntry[]): StandardMerkleTree<[string, string]> {
  return StandardMerkleTree.of(
    entries.map((e): [string, string] => [e.account, e.amount.toString()]),
    ENCODING,
  );
}

/** `keccak256(keccak256(abi.encode(account, amount)))`, computed with ethers as a reference. */
function leafOf(account: string, amount: bigint): string {
  return keccak256(keccak256(AbiCoder.defaultAbiCoder().encode(ENCODING, [account, amount])));
}

/**
 * Seeded entries that cover the spellings OpenZeppelin keeps as given (checksummed, lower, upper case) and the
 * amounts at the edges of uint256; every fifth account is a small sequential address, so many share their bytes.
 */
function randomEntries(count: number, random: () => number): RewardEntry[] {
  const seen = new Set<string>();
  const entries: RewardEntry[] = [];
  while (entries.length < count) {
    const bytes =
      entries.length % 5 === 0
        ? Uint8Array.from({ length: 20 }, (_, k) => (k >= 17 ? Math.floor(random() * 256) : 0))
        : Uint8Array.from({ length: 20 }, () => Math.floor(random() * 256));
    const lower = hexlify(bytes);
    if (seen.has(lower)) continue;
    seen.add(lower);
    const spelling = random();
    const account = spelling < 0.5 ? getAddress(lower) : spelling < 0.8 ? lower : "0x" + lower.slice(2).toUpperCase();
    // One amount near 2^256 (the others stay below 2^116, so the total still fits a uint256), some zeros.
    const amount =
      entries.length === 1
        ? UINT256_MAX - (1n << 128n) - BigInt(Math.floor(random() * 1000))
        : random() < 0.05
          ? 0n
          : BigInt(Math.floor(random() * 2 ** 52)) * 10n ** BigInt(Math.floor(random() * 20));
    entries.push({ account, amount });
  }
  return entries;
}

function swapCase(c: string): string {
  return c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
}

/** A deep copy of a dump through JSON, as it arrives from a file. */
function viaJson(dump: unknown): RewardTreeDump {
  return JSON.parse(JSON.stringify(dump));
}

/** Tree sizes: 1 to 3, every power of two up to 1024 and its neighbours, 2000, and seeded sizes in between. */
function interopSizes(): number[] {
  const random = seededRandom(2024);
  const sizes = new Set([1, 2, 3, 2000]);
  for (let k = 2; k <= 10; k++) for (const d of [-1, 0, 1]) sizes.add(2 ** k + d);
  while (sizes.size < 36) sizes.add(4 + Math.floor(random() * 1996));
  return [...sizes].sort((a, b) => a - b);
}

describe("RewardTree", function () {
  describe("interop with @openzeppelin/merkle-tree and merkletreejs", function () {
    const random = seededRandom(99);
    for (const size of interopSizes()) {
      it(`gives the same root, proofs and dump as StandardMerkleTree.of for ${size} accounts`, function () {
        const entries = randomEntries(size, random);
        const ours = buildRewardTree(entries);
        const oz = ozTree(entries);

        expect(ours.root).to.equal(oz.root);
        // Same content and the same key order, so the files are byte-identical.
        expect(JSON.stringify(ours.toJSON())).to.equal(JSON.stringify(oz.dump()));
        entries.forEach((e, i) => expect(ours.proof(e.account), `proof ${i}`).to.deep.equal(oz.getProof(i)));
        const visited: number[] = [];
        ours.forEachProof((account, amount, proof, index) => {
          expect([account, amount, proof], `forEachProof at ${index}`).to.deep.equal([
            entries[index].account,
            entries[index].amount,
            oz.getProof(index),
          ]);
          visited.push(index);
        });
        expect(visited.sort((a, b) => a - b)).to.deep.equal(entries.map((_, i) => i));
        expect(ours.total).to.equal(entries.reduce((s, e) => s + e.amount, 0n));

        const loaded = StandardMerkleTree.load(ours.toJSON());
        expect(loaded.root).to.equal(ours.root);

        const dump = ours.toJSON();
        const leaves = entries.map((_, i) => dump.tree[dump.values[i].treeIndex]);
        const other = new MerkleTree(leaves, keccak256, { sortPairs: true });
        entries.forEach((e, i) => {
          expect(leaves[i]).to.equal(leafOf(e.account, e.amount));
          expect(
            other.verify(ours.proof(e.account), leaves[i], ours.root),
            `merkletreejs verifies proof ${i}`,
          ).to.equal(true);
        });

        expect(viaJson(RewardTree.fromJSON(viaJson(ours)).toJSON())).to.deep.equal(viaJson(dump));
        expect(RewardTree.fromJSON(viaJson(oz.dump())).root).to.equal(oz.root);
      });
    }
  });

  describe("with a helper thread", function () {
    const random = seededRandom(31);
    // Every tree is shared with this thread, however small; under Hardhat it starts from treeWorker.ts with ts-node.
    const helper = new TreeHelperThread({ minLeaves: 1 });
    before(async function () {
      expect(await helper.ready(), String(helper.failure)).to.equal(true);
    });
    after(() => helper.close());

    for (const size of [1, 2, 3, 4, 5, 8, 9, 1000, 2000]) {
      it(`gives the same root, proofs and dump as StandardMerkleTree.of for ${size} accounts`, function () {
        const entries = randomEntries(size, random);
        const ours = buildRewardTree(entries, { helper });
        const oz = ozTree(entries);
        expect(JSON.stringify(ours.toJSON())).to.equal(JSON.stringify(oz.dump()));
        entries.forEach((e, i) => expect(ours.proof(e.account), `proof ${i}`).to.deep.equal(oz.getProof(i)));
        expect(RewardTree.fromJSON(viaJson(oz.dump()), { helper }).root).to.equal(oz.root);
      });
    }

    // Trees of several units of leaves and of nodes, which either thread may claim.
    for (const size of [4097, 20_000, 70_001]) {
      it(`builds the same tree as the calling thread alone for ${size} accounts`, function () {
        const entries = rewardEntries(size, 31);
        const shared = buildRewardTree(entries, { helper });
        expect(JSON.stringify(shared.toJSON())).to.equal(JSON.stringify(buildRewardTree(entries).toJSON()));
      });
    }

    it("is passed by default by the node entry's buildRewardTree from 32,768 accounts, and hashes part of the tree", async function () {
      const entries = rewardEntries(33_000);
      expect(await treeHelper().ready(), String(treeHelper().failure)).to.equal(true);
      const before = treeHelper().stats;
      const alone = buildRewardTree(entries);
      // A thread that got no CPU during a build does nothing in it, so allow a few builds.
      for (let attempt = 0; attempt < 5 && treeHelper().stats.leaves === before.leaves; attempt++) {
        const byDefault = buildRewardTreeOnNode(entries);
        expect(JSON.stringify(byDefault.toJSON())).to.equal(JSON.stringify(alone.toJSON()));
      }
      expect(treeHelper().stats.leaves).to.be.greaterThan(before.leaves);
    });

    it("is not used below 32,768 accounts by default", function () {
      const before = treeHelper().stats;
      buildRewardTreeOnNode(rewardEntries(32_767));
      expect(treeHelper().stats).to.deep.equal(before);
    });
  });

  describe("buildRewardTree", function () {
    const random = seededRandom(5);
    const entries = randomEntries(9, random);
    const tree = buildRewardTree(entries);

    it("makes a one-account tree whose root is the leaf and whose proof is empty", function () {
      const only = { account: getAddress("0x" + "ab".repeat(20)), amount: 10n ** 18n };
      const single = buildRewardTree([only]);
      expect(single.root).to.equal(leafOf(only.account, only.amount));
      expect(single.proof(only.account)).to.deep.equal([]);
      expect(single.toJSON()).to.deep.equal(ozTree([only]).dump());
    });

    it("looks accounts up in any letter case", function () {
      for (const { account, amount } of entries) {
        for (const spelling of [account.toLowerCase(), "0x" + account.slice(2).toUpperCase(), getAddress(account)]) {
          expect(tree.has(spelling)).to.equal(true);
          expect(tree.amountOf(spelling)).to.equal(amount);
          expect(tree.proof(spelling)).to.deep.equal(tree.proof(account));
        }
      }
    });

    it("gives the same proofs whatever order the accounts are asked in", function () {
      const inOrder = entries.map((e) => tree.proof(e.account));
      for (const i of [8, 3, 0, 5, 1, 7, 2, 6, 4]) expect(tree.proof(entries[i].account)).to.deep.equal(inOrder[i]);
      for (const i of [8, 0, 0, 1, 3, 2]) expect(tree.amountOf(entries[i].account)).to.equal(entries[i].amount);
    });

    it("throws UnknownAccountError for a non-string account, also right after the last entry", function () {
      tree.proof(entries[entries.length - 1].account);
      expect(() => tree.proof(undefined as unknown as string)).to.throw(UnknownAccountError);
      expect(() => tree.amountOf(42 as unknown as string)).to.throw(UnknownAccountError);
      expect(() => tree.has(undefined as unknown as string)).to.throw(InvalidAccountError);
    });

    it("keeps the entries in input order, spelled as given, frozen", function () {
      expect(tree.entries).to.deep.equal(entries);
      expect(Object.isFrozen(tree.entries)).to.equal(true);
      expect(Object.isFrozen(tree.entries[0])).to.equal(true);
    });

    it("is not changed by later edits to its input", function () {
      const input = randomEntries(4, random);
      const built = buildRewardTree(input);
      const before = viaJson(built);
      input[0].amount += 1n;
      input.pop();
      expect(viaJson(built)).to.deep.equal(before);
    });

    it("serialises through JSON.stringify as the standard-v1 dump", function () {
      expect(JSON.parse(JSON.stringify(tree))).to.deep.equal(viaJson(tree.toJSON()));
      expect(tree.toJSON().format).to.equal("standard-v1");
      expect(tree.toJSON().leafEncoding).to.deep.equal(ENCODING);
    });

    it("answers has() with false and proof() or amountOf() with UnknownAccountError for an absent account", function () {
      const absent = "0x" + "12".repeat(20);
      expect(tree.has(absent)).to.equal(false);
      expect(() => tree.has("not an address")).to.throw(InvalidAccountError, /not an address/);
      expect(() => tree.proof(absent))
        .to.throw(UnknownAccountError, absent)
        .with.property("account", absent);
      expect(() => tree.amountOf(absent)).to.throw(UnknownAccountError);
      expect(() => tree.proof("0x1234")).to.throw(UnknownAccountError);
    });

    it("throws EmptyRewardTreeError for no entries", function () {
      expect(() => buildRewardTree([])).to.throw(EmptyRewardTreeError);
    });

    it("throws DuplicateAccountError naming the account and both positions, whatever the case", function () {
      const account = entries[2].account;
      const input = [...entries, { account: account.toLowerCase(), amount: 1n }];
      expect(() => buildRewardTree(input))
        .to.throw(DuplicateAccountError, `${account.toLowerCase()} appears twice, at entries[2] and entries[9].`)
        .with.property("account", account.toLowerCase());
    });

    const checksummed = getAddress("0x" + "5aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    const BAD_ACCOUNTS: [string, unknown][] = [
      ["a short address", "0x1234"],
      ["an address without 0x", checksummed.slice(2)],
      ["a 0X prefix", "0X" + checksummed.slice(2)],
      ["a non-hex digit", "0x" + "g".repeat(40)],
      ["every letter in the wrong case", "0x" + [...checksummed.slice(2)].map(swapCase).join("")],
      ["a wrong EIP-55 checksum (one letter flipped)", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"],
      ["a number", 42],
      ["undefined", undefined],
    ];
    for (const [what, account] of BAD_ACCOUNTS) {
      it(`throws InvalidAccountError for ${what}`, function () {
        const input = [entries[0], { account: account as string, amount: 1n }];
        expect(() => buildRewardTree(input))
          .to.throw(InvalidAccountError, "entries[1].account")
          .with.property("account", account);
      });
    }

    it("accepts exactly the mixed-case spellings ethers accepts", function () {
      const check = seededRandom(77);
      for (let i = 0; i < 300; i++) {
        const good = getAddress(hexlify(Uint8Array.from({ length: 20 }, () => Math.floor(check() * 256))));
        // Flip the case of one letter: ethers refuses that checksum, and so must we.
        const letters = [...good].flatMap((c, k) => (k >= 2 && /[a-fA-F]/.test(c) ? [k] : []));
        if (letters.length === 0) continue;
        const k = letters[Math.floor(check() * letters.length)];
        const c = good[k];
        const flipped =
          good.slice(0, k) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + good.slice(k + 1);
        expect(() => buildRewardTree([{ account: good, amount: 1n }])).not.to.throw();
        const ethersAccepts = (() => {
          try {
            getAddress(flipped);
            return true;
          } catch {
            return false;
          }
        })();
        const oursAccepts = (() => {
          try {
            buildRewardTree([{ account: flipped, amount: 1n }]);
            return true;
          } catch (e) {
            expect(e).to.be.instanceOf(InvalidAccountError);
            return false;
          }
        })();
        expect(oursAccepts, flipped).to.equal(ethersAccepts);
      }
    });

    const BAD_AMOUNTS: [string, unknown][] = [
      ["a negative amount", -1n],
      ["2^256", 1n << 256n],
      ["a number", 5],
      ["a decimal string", "5"],
    ];
    for (const [what, amount] of BAD_AMOUNTS) {
      it(`throws InvalidAmountError for ${what}`, function () {
        const input = [entries[0], { account: entries[1].account, amount: amount as bigint }];
        expect(() => buildRewardTree(input)).to.throw(InvalidAmountError, "entries[1].amount");
      });
    }

    it("accepts 0 and 2^256 - 1 but throws InvalidAmountError when the total exceeds 2^256 - 1", function () {
      const [a, b] = entries;
      expect(
        buildRewardTree([
          { account: a.account, amount: UINT256_MAX },
          { account: b.account, amount: 0n },
        ]).total,
      ).to.equal(UINT256_MAX);
      expect(() =>
        buildRewardTree([
          { account: a.account, amount: UINT256_MAX },
          { account: b.account, amount: 1n },
        ]),
      ).to.throw(InvalidAmountError, "more than a uint256 holds");
    });

    it("makes every refusal of an entry an InvalidInputError", function () {
      expect(() => buildRewardTree([])).to.throw(InvalidInputError);
      expect(() => buildRewardTree([{ account: "0x", amount: 1n }])).to.throw(InvalidInputError);
      expect(() => buildRewardTree([entries[0], entries[0]])).to.throw(InvalidInputError);
    });
  });

  describe("fromJSON", function () {
    const random = seededRandom(13);
    const entries = randomEntries(9, random);
    const tree = buildRewardTree(entries);
    /** A fresh, editable copy of the dump. */
    const dump = (): RewardTreeDump => viaJson(tree.toJSON());
    const n = entries.length;

    it("round-trips a dump: same root, proofs and dump", function () {
      const loaded = RewardTree.fromJSON(dump());
      expect(loaded.root).to.equal(tree.root);
      expect(loaded.total).to.equal(tree.total);
      expect(loaded.toJSON()).to.deep.equal(tree.toJSON());
      for (const e of entries) expect(loaded.proof(e.account)).to.deep.equal(tree.proof(e.account));
    });

    const MALFORMED: [string, (d: RewardTreeDump) => unknown, string][] = [
      ["null", () => null, "the dump"],
      ["a string", () => "standard-v1", "the dump"],
      ["an unknown format", (d) => ({ ...d, format: "standard-v2" }), "format"],
      ["a missing format", ({ format: _, ...rest }) => rest, "format"],
      ["another leaf encoding", (d) => ({ ...d, leafEncoding: ["address", "uint128"] }), "leafEncoding"],
      ["a longer leaf encoding", (d) => ({ ...d, leafEncoding: [...d.leafEncoding, "bytes32"] }), "leafEncoding"],
      ["an extra key", (d) => ({ ...d, note: "hi" }), "the dump"],
      ["an upper-case node", (d) => ((d.tree[1] = d.tree[1].toUpperCase().replace("0X", "0x")), d), "tree[1]"],
      ["a short node", (d) => ((d.tree[2] = d.tree[2].slice(0, 60)), d), "tree[2]"],
      ["a node without 0x", (d) => ((d.tree[0] = d.tree[0].slice(2) + "00"), d), "tree[0]"],
      ["no values", (d) => ({ ...d, values: [] }), "values"],
      [
        "an account without 0x",
        (d) => ((d.values[3].value[0] = d.values[3].value[0].slice(2)), d),
        "values[3].value[0]",
      ],
      ["a short account", (d) => ((d.values[3].value[0] = "0x0a"), d), "values[3].value[0]"],
      ["a hex amount", (d) => ((d.values[4].value[1] = "0x10"), d), "values[4].value[1]"],
      ["a negative amount", (d) => ((d.values[4].value[1] = "-1"), d), "values[4].value[1]"],
      ["an amount with leading zeros", (d) => ((d.values[4].value[1] = "007"), d), "values[4].value[1]"],
      ["an amount in exponent form", (d) => ((d.values[4].value[1] = "1e3"), d), "values[4].value[1]"],
      ["an amount of 2^256", (d) => ((d.values[4].value[1] = (1n << 256n).toString()), d), "values[4].value[1]"],
      ["a numeric amount", (d) => (((d.values[4].value as unknown[])[1] = 5), d), "values[4].value[1]"],
      ["a value with three fields", (d) => ((d.values[0].value as string[]).push("1"), d), "values[0].value"],
      ["a fractional treeIndex", (d) => ((d.values[1].treeIndex = 9.5), d), "values[1].treeIndex"],
      ["a negative treeIndex", (d) => ((d.values[1].treeIndex = -1), d), "values[1].treeIndex"],
    ];
    for (const [what, edit, path] of MALFORMED) {
      it(`throws MalformedTreeDumpError at ${path} for ${what}`, function () {
        expect(() => RewardTree.fromJSON(edit(dump())))
          .to.throw(MalformedTreeDumpError, `Reward tree dump, ${path}: `)
          .with.property("path", path);
      });
    }

    it("throws MalformedTreeDumpError for a wrong EIP-55 checksum in a value", function () {
      const d = dump();
      const mixed = entries.findIndex((e) => /[a-f]/.test(e.account.slice(2)) && /[A-F]/.test(e.account));
      const account = d.values[mixed].value[0];
      d.values[mixed].value[0] = account.slice(0, 2) + account.slice(2).replace(/[a-f]/, (c) => c.toUpperCase());
      expect(() => RewardTree.fromJSON(d)).to.throw(MalformedTreeDumpError, `values[${mixed}].value[0]`);
    });

    it("throws DuplicateAccountError for an account listed twice", function () {
      const d = dump();
      d.values[5].value[0] = d.values[2].value[0].toLowerCase();
      expect(() => RewardTree.fromJSON(d)).to.throw(DuplicateAccountError, "at values[2] and values[5]");
    });

    it("throws TreeDumpMismatchError at tree when a node is missing", function () {
      const d = dump();
      d.tree.pop();
      expect(() => RewardTree.fromJSON(d))
        .to.throw(TreeDumpMismatchError, `has ${2 * n - 2} nodes; ${n} values make a tree of ${2 * n - 1}.`)
        .with.property("path", "tree");
    });

    it("throws TreeDumpMismatchError at the value when an amount was raised", function () {
      const d = dump();
      d.values[6].value[1] = (BigInt(d.values[6].value[1]) + 1n).toString();
      expect(() => RewardTree.fromJSON(d))
        .to.throw(TreeDumpMismatchError, "which is no leaf of the tree")
        .with.property("path", "values[6]");
    });

    it("throws TreeDumpMismatchError at the value when its leaf node was replaced", function () {
      const d = dump();
      d.tree[d.values[1].treeIndex] = "0x" + "00".repeat(32);
      expect(() => RewardTree.fromJSON(d))
        .to.throw(TreeDumpMismatchError)
        .with.property("path", "values[1]");
    });

    it("throws TreeDumpMismatchError at treeIndex when two values swap their treeIndex", function () {
      const d = dump();
      [d.values[0].treeIndex, d.values[3].treeIndex] = [d.values[3].treeIndex, d.values[0].treeIndex];
      expect(() => RewardTree.fromJSON(d))
        .to.throw(TreeDumpMismatchError, `but this value's leaf is tree[${tree.toJSON().values[0].treeIndex}]`)
        .with.property("path", "values[0].treeIndex");
    });

    it("throws TreeDumpMismatchError at treeIndex when it points at an internal node or past the tree", function () {
      for (const treeIndex of [0, n - 2, 2 * n - 1]) {
        const d = dump();
        d.values[2].treeIndex = treeIndex;
        expect(() => RewardTree.fromJSON(d))
          .to.throw(TreeDumpMismatchError, "is not a leaf")
          .with.property("path", "values[2].treeIndex");
      }
    });

    it("throws TreeDumpMismatchError at treeIndex for a valid tree whose leaves are not sorted", function () {
      // OpenZeppelin builds and loads this tree, but it is not the one StandardMerkleTree.of makes by default.
      const unsorted = StandardMerkleTree.of(
        entries.map((e): [string, string] => [e.account, e.amount.toString()]),
        ENCODING,
        { sortLeaves: false },
      );
      expect(() => StandardMerkleTree.load(unsorted.dump())).not.to.throw();
      expect(() => RewardTree.fromJSON(viaJson(unsorted.dump())))
        .to.throw(TreeDumpMismatchError, "sorts leaves by hash")
        .that.satisfies((e: TreeDumpMismatchError) => /^values\[\d+\]\.treeIndex$/.test(e.path));
    });

    for (const t of [0, 1, n - 2]) {
      it(`throws TreeDumpMismatchError at tree[${t}] when that internal node was changed`, function () {
        const d = dump();
        d.tree[t] = "0x" + "ff".repeat(32);
        expect(() => RewardTree.fromJSON(d))
          .to.throw(TreeDumpMismatchError, `tree[${t}]: is not the hash of tree[${2 * t + 1}] and tree[${2 * t + 2}]`)
          .with.property("path", `tree[${t}]`);
      });
    }

    it("makes every mismatch an IntegrityError", function () {
      const d = dump();
      d.tree[0] = "0x" + "ab".repeat(32);
      expect(() => RewardTree.fromJSON(d)).to.throw(IntegrityError);
    });
  });

  describe("keccak", function () {
    it("equals ethers' keccak256 for inputs of 0 to 600 bytes", function () {
      const random = seededRandom(8);
      const keccak = wasmKeccak();
      for (let length = 0; length <= 600; length++) {
        const input = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        keccak.buffer.set(input);
        keccak.hash(length);
        expect(hexlify(keccak.digest), `length ${length}`).to.equal(keccak256(input));
      }
    });

    it("hashes input longer than the module's buffer in pieces, as ethers' keccak256", function () {
      const random = seededRandom(9);
      for (const length of [16_383, 16_384, 16_385, 40_000, 100_003]) {
        const input = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        expect(keccakHex(input), `length ${length}`).to.equal(keccak256(input));
      }
    });

    it("keccakUtf8 hashes written text as the UTF-8 of its concatenation, surrogate pairs split or not", function () {
      const random = seededRandom(10);
      const alphabet = ["a", "é", "€", "😀", "\n", '"', "z"];
      const pieces = Array.from({ length: 20_000 }, () => {
        let piece = "";
        for (let k = Math.floor(random() * 5); k > 0; k--) piece += alphabet[Math.floor(random() * alphabet.length)];
        return piece;
      });
      // Splitting each emoji between two writes puts its surrogate halves in different pieces.
      const split = pieces.flatMap((piece) => [...piece].flatMap((c) => (c.length === 2 ? [c[0], c[1]] : [c])));
      const text = pieces.join("");
      const expected = keccak256(toUtf8Bytes(text));
      expect(keccakUtf8((write) => pieces.forEach(write))).to.equal(expected);
      expect(keccakUtf8((write) => split.forEach(write))).to.equal(expected);
      expect(keccakUtf8((write) => write(text))).to.equal(expected);
      expect(keccakUtf8(() => undefined)).to.equal(keccak256(new Uint8Array(0)));
    });
  });
});
