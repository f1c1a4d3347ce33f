import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventsConfigError, parsePeers } from "../../src/events/config.ts";
import { DEMO_FOOTPRINT_IDS } from "../../src/testing/demo-data.ts";
import { startTestHost, type TestHost } from "./host.ts";
import { type Requester, startRequester } from "./requester.ts";

describe("peers.pactVersion", () => {
  const peer = { baseUrl: "https://peer.example", clientId: "a", clientSecret: "b" };
  it("defaults to 2 and accepts 2 or 3 (number or string)", () => {
    assert.equal(parsePeers([peer], {})[0]?.pactVersion, "2");
    assert.equal(parsePeers([{ ...peer, pactVersion: 3 }], {})[0]?.pactVersion, "3");
    assert.equal(parsePeers([{ ...peer, pactVersion: "3" }], {})[0]?.pactVersion, "3");
    assert.throws(() => parsePeers([{ ...peer, pactVersion: "2.3" }], {}), EventsConfigError);
  });
});

describe("Published events to a PACT v3 peer", () => {
  let requester: Requester;
  let host: TestHost;
  before(async () => {
    requester = await startRequester();
    host = await startTestHost({ requesterUrl: requester.baseUrl, subscribe: true, pactVersion: "3" });
  });
  after(async () => {
    await host?.close();
    await requester?.close();
  });

  it("are PublishedEvent.3 posted to the peer's /3/events", async () => {
    assert.equal(await host.host.events.footprintsChanged([DEMO_FOOTPRINT_IDS.sfRoad]), 1);
    await requester.waitFor(1);
    const got = requester.events[0];
    assert.equal(got?.path, "/3/events");
    assert.equal(got?.body.type, "org.wbcsd.pact.ProductFootprint.PublishedEvent.3");
    assert.deepEqual(got?.body.data, { pfIds: [DEMO_FOOTPRINT_IDS.sfRoad] });
    assert.equal(typeof got?.body.time, "string");
  });
});
