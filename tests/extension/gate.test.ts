// The inline completion middleware: on/off, snooze and its expiry, per-language enable, debounce and cancellation.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { Debouncer, inlineCompletionMiddleware, parseMinutes, SuggestionGate, TRIGGER_INVOKE } from "../../extension/src/gate";
import { FakeClock, FakeToken, sleep } from "./fakes";

const AUTOMATIC = 1;
type Doc = { languageId: string };

function harness(delayMs = 0, clock = new FakeClock()) {
  const gate = new SuggestionGate(clock.now);
  const debouncer = new Debouncer(delayMs);
  const sent: string[] = [];
  const middleware = inlineCompletionMiddleware<Doc, number, { triggerKind: number }, FakeToken, string>(gate, debouncer);
  const ask = (languageId = "python", token = new FakeToken(), triggerKind = AUTOMATIC, position = 0) =>
    middleware({ languageId }, position, { triggerKind }, token, async (_d, p) => {
      sent.push(`request ${p}`);
      return `suggestion ${p}`;
    });
  return { gate, debouncer, sent, ask, clock };
}

describe("SuggestionGate", () => {
  test("on by default for python only", () => {
    const gate = new SuggestionGate();
    assert.equal(gate.allows("python"), true);
    assert.equal(gate.allows("javascript"), false);
    gate.setLanguages(["python", "cython"]);
    assert.equal(gate.allows("cython"), true);
  });

  test("a snooze ends by itself, or early by resume; listeners hear of changes", () => {
    const clock = new FakeClock();
    const gate = new SuggestionGate(clock.now);
    let changes = 0;
    gate.onDidChange(() => (changes += 1));
    const until = gate.snooze(15);
    assert.equal(until, clock.ms + 15 * 60_000);
    assert.equal(gate.allows("python"), false);
    assert.equal(gate.snoozeLeftMs(), 15 * 60_000);
    clock.advance(15 * 60_000 - 1);
    assert.equal(gate.isSnoozed(), true);
    clock.advance(1);
    assert.equal(gate.isSnoozed(), false);
    assert.equal(gate.allows("python"), true);
    gate.snooze(1);
    gate.resume();
    assert.equal(gate.allows("python"), true);
    assert.equal(changes, 3);
    assert.throws(() => gate.snooze(0), RangeError);
  });

  test("parseMinutes takes 1 to 1440 minutes", () => {
    assert.equal(parseMinutes(" 15 "), 15);
    assert.equal(parseMinutes("2.5"), 2.5);
    for (const bad of ["", "0", "-3", "abc", "1441", "1e3"]) {
      assert.equal(parseMinutes(bad), undefined, bad);
    }
  });
});

describe("inline completion middleware", () => {
  test("passes requests through when on", async () => {
    const h = harness();
    assert.equal(await h.ask(), "suggestion 0");
    assert.deepEqual(h.sent, ["request 0"]);
  });

  test("toggled off: no request reaches the server; back on: it does", async () => {
    const h = harness();
    h.gate.setEnabled(false);
    assert.equal(await h.ask(), null);
    assert.equal(await h.ask("python", new FakeToken(), TRIGGER_INVOKE), null);
    assert.deepEqual(h.sent, []);
    h.gate.setEnabled(true);
    assert.equal(await h.ask(), "suggestion 0");
  });

  test("snoozed: no request until the snooze runs out", async () => {
    const h = harness();
    h.gate.snooze(5);
    assert.equal(await h.ask(), null);
    h.clock.advance(5 * 60_000);
    assert.equal(await h.ask(), "suggestion 0");
    assert.deepEqual(h.sent, ["request 0"]);
  });

  test("a language that is not enabled gets nothing", async () => {
    const h = harness();
    assert.equal(await h.ask("markdown"), null);
    h.gate.setLanguages(["markdown"]);
    assert.equal(await h.ask("markdown"), "suggestion 0");
    assert.equal(await h.ask("python"), null);
  });

  test("debounce: of requests in quick succession, only the last is sent", async () => {
    const h = harness(40);
    const results = await Promise.all([h.ask("python", new FakeToken(), AUTOMATIC, 1), sleep(5).then(() => h.ask("python", new FakeToken(), AUTOMATIC, 2))]);
    assert.deepEqual(results, [null, "suggestion 2"]);
    assert.deepEqual(h.sent, ["request 2"]);
  });

  test("debounce: the request waits for the delay", async () => {
    const h = harness(60);
    const started = Date.now();
    assert.equal(await h.ask(), "suggestion 0");
    assert.ok(Date.now() - started >= 55, `waited ${Date.now() - started} ms`);
  });

  test("a request cancelled while it waits is never sent", async () => {
    const h = harness(50);
    const token = new FakeToken();
    const pending = h.ask("python", token);
    await sleep(10);
    token.cancel();
    assert.equal(await pending, null);
    await sleep(60);
    assert.deepEqual(h.sent, []);
  });

  test("an explicit trigger skips the debounce", async () => {
    const h = harness(10_000);
    const started = Date.now();
    assert.equal(await h.ask("python", new FakeToken(), TRIGGER_INVOKE), "suggestion 0");
    assert.ok(Date.now() - started < 1_000);
  });

  test("suggestions turned off during the debounce: nothing is sent", async () => {
    const h = harness(30);
    const pending = h.ask();
    h.gate.setEnabled(false);
    assert.equal(await pending, null);
    assert.deepEqual(h.sent, []);
  });
});
