import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createServer, request } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  ContentStoreReadOnlyError,
  ContentUnavailableError,
  GatewayContentStore,
  InvalidInputError,
  MemoryContentStore,
  StoredContentMismatchError,
  contentId,
  fetchContribution,
  fetchSettlementLog,
} from "../../sdk/src";
import { FileContentStore, contentStoreFromEnv, serveContentFolder } from "../../sdk/src/node";
import { rejection } from "../helpers/rejection";

const ROOT = resolve(__dirname, "../..");
/** A dag-pb CID (the empty UnixFS folder): a real CID whose digest is not the bytes' sha-256. */
const DAG_PB_CID = "bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354";

interface Run {
  code: number;
  out: string;
}

/** Runs `npm run content -- <args>` as a child process (without npm and a shell). */
function contentCli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "scripts/content.ts", ...args],
      { cwd: ROOT, timeout: 120_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** `npm run content -- serve` on a free loopback port; resolves with its base URL once it listens. */
function startServeCli(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/content.ts", "serve", "--dir", dir, "--port", "0"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((started, fail) => {
    let out = "";
    const timer = setTimeout(() => fail(new Error(`content serve did not start:\n${out}`)), 120_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+)\/ipfs/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        started({ child, url });
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`content serve exited (${code}):\n${out}`));
    });
  });
}

/** A raw HTTP request with the path sent as written (fetch would resolve `..` segments before sending). */
function rawRequest(
  base: string,
  path: string,
  method = "GET",
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { hostname, port } = new URL(base);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, path, method }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => done({ status: response.statusCode!, body, headers: response.headers }));
    });
    req.on("error", fail);
    req.end();
  });
}

/** How the in-test gateway answers a CID. */
type Behaviour = "tampered" | "missing" | "slow" | "drop" | "drop-once" | "unavailable" | "bad-request" | "serve";

/**
 * A misbehaving gateway on a free loopback port: it answers each CID as `behaviours` says, counting the requests.
 * "slow" answers after 2 s, past every timeout the tests set; every request is ended when the server closes.
 */
async function startFakeGateway(behaviours: Map<string, { behaviour: Behaviour; bytes?: Uint8Array }>) {
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const cid = (req.url ?? "").replace(/^\/ipfs\//, "");
    const hit = (hits.get(cid) ?? 0) + 1;
    hits.set(cid, hit);
    const entry = behaviours.get(cid) ?? { behaviour: "missing" };
    switch (entry.behaviour) {
      case "tampered":
        res.writeHead(200).end("not the content you asked for");
        return;
      case "slow":
        setTimeout(() => res.writeHead(200).end(entry.bytes), 2_000).unref();
        return;
      case "drop":
        req.socket.destroy();
        return;
      case "drop-once":
        if (hit === 1) req.socket.destroy();
        else res.writeHead(200).end(entry.bytes);
        return;
      case "unavailable":
        res.writeHead(503).end();
        return;
      case "bad-request":
        res.writeHead(400).end();
        return;
      case "serve":
        res.writeHead(200).end(entry.bytes);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: (cid: string) => hits.get(cid) ?? 0,
    close: () =>
      new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeAllConnections();
      }),
  };
}

const TEXT = "a contribution's bytes ✓";
const LOG = '{"format":"inference-log-v1"}';

describe("Content over HTTP: content serve and the gateway store", function () {
  // The command runs start tsx: a second or more apiece on a busy machine.
  this.timeout(180_000);

  let dir: string;
  let folder: string;
  /** The folder the `content serve` started before the tests serves. */
  let servedDir: string;
  let serveCli: { child: ChildProcess; url: string };

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "content-gateway-"));
    folder = join(dir, "content");
    await writeFile(join(dir, "text.txt"), TEXT);
    await writeFile(join(dir, "log.json"), LOG);
    servedDir = join(dir, "served");
    await mkdir(servedDir);
    serveCli = await startServeCli(servedDir);
  });

  after(async function () {
    if (serveCli?.child.exitCode === null) {
      const exited = new Promise((done) => serveCli.child.once("exit", done));
      serveCli.child.kill("SIGTERM");
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  describe("npm run content", function () {
    it("publishes files into the folder and prints each CID, ipfs:// URI and file", async function () {
      const run = await contentCli(["publish", "--dir", folder, join(dir, "text.txt"), join(dir, "log.json")]);
      expect(run.code, run.out).to.equal(0);
      const { cid } = contentId(TEXT);
      const logCid = contentId(LOG).cid;
      expect(run.out.trim().split("\n")).to.deep.equal([
        `${cid}\tipfs://${cid}\t${join(dir, "text.txt")}`,
        `${logCid}\tipfs://${logCid}\t${join(dir, "log.json")}`,
      ]);
      expect(await readFile(join(folder, cid), "utf8")).to.equal(TEXT);
    });

    it("prints its commands and exits 2 when none is named", async function () {
      const run = await contentCli([]);
      expect(run.code).to.equal(2);
      expect(run.out).to.contain("npm run content -- <serve | publish>");
    });

    it("prints help for itself and each command, and exits 0", async function () {
      const runs = await Promise.all([["--help"], ["serve", "--help"], ["publish", "-h"]].map((a) => contentCli(a)));
      expect(runs.map((r) => r.code)).to.deep.equal([0, 0, 0]);
      expect(runs[0].out)
        .to.contain("npm run content -- <serve | publish>")
        .and.contain("publish")
        .and.contain("serve");
      expect(runs[1].out).to.contain("--port").and.contain("--host").and.contain("CONTENT_GATEWAY");
      expect(runs[2].out).to.contain("<file...>").and.contain("Example");
    });

    it("refuses bad usage with one line and exit code 2", async function () {
      const cases: [string[], string][] = [
        [["fetch"], 'unknown command "fetch"'],
        [["serve", "--port", "abc"], "--port must be a port number"],
        [["serve", "--dir", join(dir, "nowhere")], "does not exist"],
        [["serve", "--bogus"], "Unknown option '--bogus'"],
        [["publish", "--dir", folder], "needs at least one file"],
        [["publish", "--dir", folder, join(dir, "missing.txt")], "cannot read"],
      ];
      const runs = await Promise.all(cases.map(([args]) => contentCli(args)));
      cases.forEach(([args, message], i) => {
        const { code, out } = runs[i];
        expect(code, `content ${args.join(" ")}: ${out}`).to.equal(2);
        expect(out, args.join(" ")).to.contain(message);
        expect(out.trim().split("\n"), args.join(" ")).to.have.length(1);
      });
    });
  });

  describe("content serve with the gateway store", function () {
    it("gives back through a gateway store exactly the bytes published, by URI or CID", async function () {
      const file = join(dir, "round-trip.bin");
      const content = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251);
      await writeFile(file, content);
      const published = await contentCli(["publish", "--dir", servedDir, file]);
      expect(published.code, published.out).to.equal(0);
      const [cid, uri] = published.out.trim().split("\t");
      const gateway = new GatewayContentStore(`${serveCli.url}/`);
      expect(gateway.urlOf(uri)).to.equal(`${serveCli.url}/ipfs/${cid}`);
      expect(await gateway.get(uri)).to.deep.equal(content);
      expect(await gateway.get(cid)).to.deep.equal(content);
    });

    it("answers a CID with the bytes as immutable octets, HEAD with the headers alone", async function () {
      const store = new FileContentStore(join(dir, "served-headers"));
      const { cid } = await store.put(TEXT);
      const server = await serveContentFolder({ dir: store.dir, port: 0 });
      try {
        const got = await rawRequest(server.url, `/ipfs/${cid}`);
        expect(got.status).to.equal(200);
        expect(got.body).to.equal(TEXT);
        expect(got.headers["content-type"]).to.equal("application/octet-stream");
        expect(got.headers["cache-control"]).to.contain("immutable");
        const head = await rawRequest(server.url, `/ipfs/${cid}`, "HEAD");
        expect([head.status, head.body, head.headers["content-length"]]).to.deep.equal([
          200,
          "",
          String(new TextEncoder().encode(TEXT).length),
        ]);
      } finally {
        await server.close();
      }
    });

    it("gets undefined for a CID the folder does not hold (404)", async function () {
      const { cid } = contentId("never published");
      expect((await rawRequest(serveCli.url, `/ipfs/${cid}`)).status).to.equal(404);
      expect(await new GatewayContentStore(serveCli.url).get(cid)).to.equal(undefined);
    });

    it("refuses a tampered file: the server answers 500 and the gateway store fails naming the URL", async function () {
      const { url } = serveCli;
      const { cid } = await new FileContentStore(servedDir).put("to be tampered with");
      await writeFile(join(servedDir, cid), "tampered with");
      const got = await rawRequest(url, `/ipfs/${cid}`);
      expect(got.status).to.equal(500);
      expect(got.body).to.contain("damaged").and.not.contain("tampered with");
      const gateway = new GatewayContentStore(url, { retries: 1, retryDelayMs: 1 });
      const error = await rejection(gateway.get(cid), ContentUnavailableError);
      expect(error.reason).to.equal("unreachable");
      expect(error.message).to.contain(`${url}/ipfs/${cid}`).and.contain("HTTP 500").and.contain("2 attempts");
    });

    it("answers 400 or 404 to paths that try to leave the folder, and 405 to any method but GET and HEAD", async function () {
      const paths = [
        "/ipfs/../package.json",
        "/ipfs/..%2fpackage.json",
        "/ipfs/%2e%2e%2fpackage.json",
        "/ipfs/%2E%2E/package.json",
        "/ipfs/..%5cpackage.json",
        "/../package.json",
        "/package.json",
        "/ipfs/",
        "/ipfs/not-a-cid",
        `/ipfs/${DAG_PB_CID}`,
        `/ipfs/${contentId(TEXT).cid}/../../package.json`,
      ];
      for (const path of paths) {
        const got = await rawRequest(serveCli.url, path);
        expect([400, 404], path).to.include(got.status);
        expect(got.body, path).to.not.contain("open-attribution-protocol");
      }
      expect((await rawRequest(serveCli.url, "/ipfs/not-a-cid")).status).to.equal(400);
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        const got = await rawRequest(serveCli.url, `/ipfs/${contentId(TEXT).cid}`, method);
        expect(got.status, method).to.equal(405);
        expect(got.headers.allow).to.equal("GET, HEAD");
      }
    });
  });

  describe("the gateway store against a misbehaving gateway", function () {
    const bytes = new TextEncoder().encode(TEXT);
    const cids = {
      tampered: contentId("tampered").cid,
      slow: contentId("slow").cid,
      drop: contentId("drop").cid,
      dropOnce: contentId(TEXT).cid,
      unavailable: contentId("unavailable").cid,
      badRequest: contentId("bad request").cid,
    };
    let fake: Awaited<ReturnType<typeof startFakeGateway>>;

    before(async function () {
      fake = await startFakeGateway(
        new Map<string, { behaviour: Behaviour; bytes?: Uint8Array }>([
          [cids.tampered, { behaviour: "tampered" }],
          [cids.slow, { behaviour: "slow", bytes: new TextEncoder().encode("slow") }],
          [cids.drop, { behaviour: "drop" }],
          [cids.dropOnce, { behaviour: "drop-once", bytes }],
          [cids.unavailable, { behaviour: "unavailable" }],
          [cids.badRequest, { behaviour: "bad-request" }],
        ]),
      );
    });

    after(async function () {
      await fake?.close();
    });

    const quick = () => new GatewayContentStore(fake.url, { timeoutMs: 200, retries: 2, retryDelayMs: 10 });

    it("refuses bytes that do not hash to the CID, naming the URL, without retrying", async function () {
      const error = await rejection(quick().get(cids.tampered), StoredContentMismatchError);
      expect(error.cid).to.equal(cids.tampered);
      expect(error.url).to.equal(`${fake.url}/ipfs/${cids.tampered}`);
      expect(error.message).to.contain(error.url);
      expect(fake.hits(cids.tampered)).to.equal(1);
    });

    it("gives up on an answer slower than its timeout after its retries, naming the URL", async function () {
      const started = Date.now();
      const error = await rejection(quick().get(cids.slow), ContentUnavailableError);
      expect(Date.now() - started).to.be.below(1_500);
      expect(error.reason).to.equal("unreachable");
      expect(error.url).to.equal(`${fake.url}/ipfs/${cids.slow}`);
      expect(error.message).to.contain(error.url!).and.contain("no answer within 200 ms").and.contain("3 attempts");
      expect(fake.hits(cids.slow)).to.equal(3);
    });

    it("retries dropped connections and 503s a bounded number of times", async function () {
      await rejection(quick().get(cids.drop), ContentUnavailableError);
      expect(fake.hits(cids.drop)).to.equal(3);
      await rejection(quick().get(cids.unavailable), ContentUnavailableError);
      expect(fake.hits(cids.unavailable)).to.equal(3);
    });

    it("gets the content when a retry succeeds after a dropped connection", async function () {
      expect(await quick().get(cids.dropOnce)).to.deep.equal(bytes);
      expect(fake.hits(cids.dropOnce)).to.equal(2);
    });

    it("does not retry a 400, and gets undefined for a 404", async function () {
      const error = await rejection(quick().get(cids.badRequest), ContentUnavailableError);
      expect(error.message).to.contain("HTTP 400");
      expect(fake.hits(cids.badRequest)).to.equal(1);
      expect(await quick().get(contentId("absent").cid)).to.equal(undefined);
    });

    it("refuses puts unless given a store to write to", async function () {
      const error = await rejection(quick().put(TEXT), ContentStoreReadOnlyError);
      expect(error.gateway).to.equal(fake.url);
      const writeTo = new MemoryContentStore();
      const stored = await new GatewayContentStore(fake.url, { writeTo }).put(TEXT);
      expect(await writeTo.get(stored.cid)).to.deep.equal(bytes);
    });

    it("refuses a gateway that is not an http(s) URL and options out of range", function () {
      expect(() => new GatewayContentStore("127.0.0.1:8080")).to.throw(InvalidInputError);
      expect(() => new GatewayContentStore("file:///tmp/content")).to.throw(InvalidInputError);
      expect(() => new GatewayContentStore(fake.url, { retries: -1 })).to.throw(InvalidInputError);
      expect(() => new GatewayContentStore(fake.url, { timeoutMs: 0 })).to.throw(InvalidInputError);
    });

    describe("fetchContribution and fetchSettlementLog", function () {
      it("return the bytes of a contribution and of a settlement's log", async function () {
        const store = new MemoryContentStore();
        const text = await store.put(TEXT);
        const log = await store.put(LOG);
        const contribution = { id: 7n, uri: "https://example.org/mail-7", contentHash: text.contentHash };
        expect(await fetchContribution(store, contribution)).to.deep.equal(bytes);
        expect(await fetchSettlementLog(store, { id: "0xab:1", logURI: log.uri })).to.deep.equal(
          new TextEncoder().encode(LOG),
        );
      });

      it("name the contribution or the settlement and the CID when the content is missing", async function () {
        const store = new MemoryContentStore();
        const { cid, contentHash } = contentId(TEXT);
        const uri = `ipfs://${cid}`;
        const missing = await rejection(
          fetchContribution(store, { id: "7", uri, contentHash }),
          ContentUnavailableError,
        );
        expect(missing.reason).to.equal("missing");
        expect(missing.shortMessage).to.equal(`Contribution 7 (${uri}): content ${cid} is not in the store.`);
        const noLog = await rejection(
          fetchSettlementLog(store, { id: "0xab:1", logURI: uri }),
          ContentUnavailableError,
        );
        expect(noLog.shortMessage).to.equal(`The log of settlement 0xab:1: content ${cid} is not in the store.`);
        const https = await rejection(
          fetchSettlementLog(store, { id: "0xab:2", logURI: "https://example.org/log" }),
          ContentUnavailableError,
        );
        expect([https.reason, https.cid]).to.deep.equal(["not-addressed", undefined]);
        expect(https.shortMessage).to.contain("settlement 0xab:2").and.contain("https://example.org/log");
      });

      it("name the item, the CID and the URL when a gateway serves other bytes or cannot be reached", async function () {
        const contentHash = contentId("tampered").contentHash;
        const contribution = { id: "9", uri: `ipfs://${cids.tampered}`, contentHash };
        const mismatch = await rejection(fetchContribution(quick(), contribution), StoredContentMismatchError);
        expect(mismatch.shortMessage).to.match(/^Contribution 9 \(ipfs:\/\/[a-z0-9]+\): the bytes served at /);
        expect(mismatch.shortMessage).to.contain(`${fake.url}/ipfs/${cids.tampered}`).and.contain(cids.tampered);
        const log = { id: "0xcd:0", logURI: `ipfs://${cids.unavailable}` };
        const down = await rejection(fetchSettlementLog(quick(), log), ContentUnavailableError);
        expect(down.reason).to.equal("unreachable");
        expect(down.shortMessage).to.match(/^The log of settlement 0xcd:0: /);
        expect(down.shortMessage).to.contain(`${fake.url}/ipfs/${cids.unavailable}`);
      });

      it("name the contribution when a folder holds a damaged copy", async function () {
        const store = new FileContentStore(join(dir, "damaged"));
        const { cid, contentHash, uri } = await store.put(TEXT);
        await writeFile(join(store.dir, cid), "damaged");
        const error = await rejection(
          fetchContribution(store, { id: 3n, uri, contentHash }),
          StoredContentMismatchError,
        );
        expect(error.shortMessage).to.equal(
          `Contribution 3 (${uri}): the content stored as ${cid} hashes to ${contentId("damaged").contentHash}, not to its CID.`,
        );
      });
    });
  });

  describe("contentStoreFromEnv", function () {
    it("reads through CONTENT_GATEWAY when it is set, else from the folder data/content", function () {
      const gateway = contentStoreFromEnv({}, { CONTENT_GATEWAY: "http://127.0.0.1:8080/" });
      expect(gateway).to.be.instanceOf(GatewayContentStore);
      expect((gateway as GatewayContentStore).gateway).to.equal("http://127.0.0.1:8080");
      const folderStore = contentStoreFromEnv({}, {});
      expect(folderStore).to.be.instanceOf(FileContentStore);
      expect((folderStore as FileContentStore).dir).to.equal("data/content");
      expect((contentStoreFromEnv({ dir: folder }, { CONTENT_GATEWAY: "" }) as FileContentStore).dir).to.equal(folder);
      expect(contentStoreFromEnv({ gateway: "https://ipfs.example" }, {})).to.be.instanceOf(GatewayContentStore);
      expect(() => contentStoreFromEnv({}, { CONTENT_GATEWAY: "not a url" })).to.throw(InvalidInputError);
    });

    it("puts through a gateway into the folder it is given with one", async function () {
      const store = contentStoreFromEnv({ dir: folder }, { CONTENT_GATEWAY: "http://127.0.0.1:1" });
      const { cid } = await store.put("published by the pipeline");
      expect(await readFile(join(folder, cid), "utf8")).to.equal("published by the pipeline");
      await rejection(
        contentStoreFromEnv({}, { CONTENT_GATEWAY: "http://127.0.0.1:1" }).put("x"),
        ContentStoreReadOnlyError,
      );
    });
  });
});
