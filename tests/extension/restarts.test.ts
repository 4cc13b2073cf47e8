// The crash-restart budget and the one-at-a-time restart queue.

import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { RestartBudget, Serial } from "../../extension/src/restarts";
import { FakeClock, sleep } from "./fakes";

describe("RestartBudget", () => {
  test("three restarts within three minutes, not a fourth", () => {
    const clock = new FakeClock();
    const budget = new RestartBudget(3, 180_000, clock.now);
    assert.deepEqual([budget.crashed(), budget.crashed(), budget.crashed(), budget.crashed()], [true, true, true, false]);
  });

  test("old crashes fall out of the window", () => {
    const clock = new FakeClock();
    const budget = new RestartBudget(3, 180_000, clock.now);
    budget.crashed();
    budget.crashed();
    budget.crashed();
    clock.advance(180_000);
    assert.equal(budget.crashed(), true);
  });

  test("reset forgets everything", () => {
    const budget = new RestartBudget(1, 180_000, new FakeClock().now);
    budget.crashed();
    assert.equal(budget.crashed(), false);
    budget.reset();
    assert.equal(budget.crashed(), true);
  });
});

describe("Serial", () => {
  test("jobs run one at a time, in order, even when one fails", async () => {
    const serial = new Serial();
    const events: string[] = [];
    const job = (name: string, ms: number, fail = false) => async () => {
      events.push(`start ${name}`);
      await sleep(ms);
      events.push(`end ${name}`);
      if (fail) {
        throw new Error(name);
      }
      return name;
    };
    const results = await Promise.allSettled([serial.run(job("a", 30)), serial.run(job("b", 5, true)), serial.run(job("c", 1))]);
    assert.deepEqual(events, ["start a", "end a", "start b", "end b", "start c", "end c"]);
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "fulfilled"],
    );
  });
});
