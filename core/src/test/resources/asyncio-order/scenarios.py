#!/usr/bin/env python3
"""Reference programs for the io.fgbg.AsyncioOrder*Test classes: how CPython asyncio (3.11)
interleaves them.

Usage:  python3 scenarios.py SCENARIO     prints the scenario's events, one per line
        python3 scenarios.py --list       prints the scenario names
        python3 scenarios.py --all        prints the events of every scenario, in blocks (below)

Each scenario is the `main` coroutine of a program run with asyncio.run(); a test of an
AsyncioOrder*Test class holds the same program written with fgbg (runInForeground(main) on a
fresh loop, then loop.close()) and requires the same events in the same order. Keep the two
versions statement for statement alike.

--all is what AsyncioReference runs, once per JVM. It prints, for each scenario in turn, the lines
that `python3 scenarios.py SCENARIO` prints, as a block "scenario NAME N" followed by those N
lines (split as Java's String.lines() splits), or, if the scenario could not be run, "failed NAME
N" followed by N lines saying why. Every scenario still runs under its own asyncio.run, so in a
fresh event loop, with the event list emptied first and the garbage of the previous ones
collected. A scenario that would see what a process keeps from one event loop to the next (in
3.11 the Task-N counter of task names, a static of the C module that nothing resets) is marked
@own_process: --all runs it as `python3 scenarios.py SCENARIO` in a process of its own.

Conventions shared with the Java side:
  - rec(e) appends an event; booleans print as true/false (s()), None as null;
  - worker(name, n, result) records name0..name{n-1}, yielding (sleep(0)) after each, then
    name-end, and returns result;
  - after asyncio.run: "run-returned-<v>" if main returned something other than None,
    "run-raised-<message>" if it raised, "run-cancelled" if it was cancelled (recorded after
    the shutdown, as asyncio.run does it);
  - ValueError <-> IllegalArgumentException, CancelledError <-> CancellationException,
    TimeoutError <-> TimeoutException.
"""
import asyncio
import concurrent.futures
import gc
import os
import re
import subprocess
import sys
import threading
import traceback

events = []


def rec(e):
    events.append(e)


def s(v):
    """Formats a value the way Java's String.valueOf does for the values used here."""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return "null"
    return str(v)


async def worker(name, n, result=None):
    for i in range(n):
        rec(f"{name}{i}")
        await asyncio.sleep(0)
    rec(f"{name}-end")
    return result


def names(tasks, labels):
    """The labels of `tasks`, sorted and comma-separated (sets have no order worth comparing)."""
    return ",".join(sorted(labels[t] for t in tasks))


SCENARIOS = {}
OWN_PROCESS = set()


def scenario(fn):
    SCENARIOS[fn.__name__] = fn
    return fn


def own_process(fn):
    """Marks a scenario that --all must run in a process of its own (see the module's doc)."""
    OWN_PROCESS.add(fn.__name__)
    return fn


# ---------------------------------------------------------------- yielding and awaiting


@scenario
async def round_robin():
    a = asyncio.create_task(worker("A", 1, 1))
    b = asyncio.create_task(worker("B", 3, 3))
    c = asyncio.create_task(worker("C", 2, 2))
    rec("main-created")
    for i in range(2):
        await asyncio.sleep(0)
        rec(f"main{i}")
    rec(f"main-got-{await b}")
    rec(f"main-got-{await a}")
    rec(f"main-got-{await c}")


@scenario
async def await_done_task_does_not_yield():
    a = asyncio.create_task(worker("A", 0, 1))
    b = asyncio.create_task(worker("B", 3))
    await asyncio.sleep(0)
    rec(f"main-A-done-{s(a.done())}")
    rec(f"main-got-{await a}")
    rec(f"main-got-again-{await a}")
    await b
    rec("main-end")


@scenario
async def await_pending_task_resumes_one_hop_after():
    a = asyncio.create_task(worker("A", 2, "a"))
    c = asyncio.create_task(worker("C", 6))
    rec(f"main-got-{await a}")
    await c
    rec("main-end")


@scenario
async def chain_of_awaits():
    async def cc():
        rec("C-start")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        rec("C-return")
        return 1

    async def bb():
        rec("B-start")
        c = asyncio.create_task(cc())
        v = await c
        rec(f"B-got-{v}")
        return v + 1

    async def aa():
        rec("A-start")
        b = asyncio.create_task(bb())
        v = await b
        rec(f"A-got-{v}")
        return v + 1

    t = asyncio.create_task(worker("T", 8))
    a = asyncio.create_task(aa())
    rec(f"main-got-{await a}")
    await t


@scenario
async def awaiting_a_coroutine_runs_it_inline():
    async def sub(n):
        rec(f"sub-start-{n}")
        for _ in range(n):
            await asyncio.sleep(0)
        rec(f"sub-end-{n}")
        return n * 10

    t = asyncio.create_task(worker("T", 4))
    await asyncio.sleep(0)
    rec(f"main-got-{await sub(0)}")
    rec(f"main-got-{await sub(2)}")
    await t


@scenario
async def tasks_created_inside_tasks():
    async def parent():
        rec("P-start")
        x = asyncio.create_task(worker("X", 2, "x"))
        y = asyncio.create_task(worker("Y", 1, "y"))
        rec("P-created")
        await asyncio.sleep(0)
        rec("P-resumed")
        r = await y
        rec(f"P-got-{r}")
        return r + await x

    t = asyncio.create_task(worker("T", 5))
    p = asyncio.create_task(parent())
    rec(f"main-got-{await p}")
    await t


@scenario
@own_process  # the names count the tasks of the whole process, from Task-1
async def task_names():
    async def inner():
        return asyncio.current_task().get_name()

    async def outer():
        t = asyncio.create_task(inner())
        return f"{asyncio.current_task().get_name()}/{await t}"

    rec(f"main-{asyncio.current_task().get_name()}")
    a = asyncio.create_task(outer())
    b = asyncio.create_task(inner())
    rec(f"a-{a.get_name()}-b-{b.get_name()}")
    rec(f"a-got-{await a}")
    rec(f"b-got-{await b}")


@scenario
async def all_tasks_snapshots():
    async def never():
        rec("B-body")

    labels = {asyncio.current_task(): "main"}
    a = asyncio.create_task(worker("A", 0))
    labels[a] = "A"
    b = asyncio.create_task(never())
    labels[b] = "B"
    c = asyncio.create_task(worker("C", 3))
    labels[c] = "C"
    b.cancel()
    rec(f"all-{names(asyncio.all_tasks(), labels)}")
    await asyncio.sleep(0)
    rec(f"all-{names(asyncio.all_tasks(), labels)}")
    await c
    rec(f"all-{names(asyncio.all_tasks(), labels)}")


# ---------------------------------------------------------------- cancellation


@scenario
async def cancel_before_first_step():
    async def body():
        rec("A-body")
        return 1

    a = asyncio.create_task(body())
    b = asyncio.create_task(worker("B", 3))
    a.add_done_callback(lambda t: rec(f"A-callback-cancelled-{s(t.cancelled())}"))
    rec(f"main-cancel-{s(a.cancel())}")
    rec(f"main-A-done-{s(a.done())}")
    for i in range(3):
        await asyncio.sleep(0)
        rec(f"main{i}-A-done-{s(a.done())}")
    await b


@scenario
async def cancel_while_in_sleep_zero():
    async def body():
        try:
            for i in range(10):
                rec(f"A{i}")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("A-cancelled")
            raise
        finally:
            rec("A-finally")

    a = asyncio.create_task(body())
    b = asyncio.create_task(worker("B", 4))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    try:
        await a
    except asyncio.CancelledError:
        rec(f"main-saw-A-cancelled-{s(a.cancelled())}")
    await b


@scenario
async def cancel_while_sleeping_on_a_timer():
    async def sleeper():
        rec("A-start")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            rec("A-cancelled")
            raise

    a = asyncio.create_task(sleeper())
    t = asyncio.create_task(worker("T", 5))
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")
    await t


@scenario
async def cancel_while_awaiting_task_cancels_inner():
    async def inner():
        try:
            for i in range(10):
                rec(f"B{i}")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("B-cancelled")
            raise

    async def outer(b):
        try:
            await b
        except asyncio.CancelledError:
            rec(f"A-cancelled-B-done-{s(b.done())}")
            raise

    b = asyncio.create_task(inner())
    a = asyncio.create_task(outer(b))
    t = asyncio.create_task(worker("T", 4))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}-B-cancelled-{s(b.cancelled())}")
    try:
        await a
    except asyncio.CancelledError:
        rec(f"main-saw-A-cancelled-B-cancelled-{s(b.cancelled())}")
    await t


@scenario
async def cancel_task_awaiting_unstarted_task():
    holder = []

    async def inner():
        rec("B-body")
        return 1

    async def outer():
        rec("A-start")
        b = asyncio.create_task(inner())
        holder.append(b)
        try:
            await b
        except asyncio.CancelledError:
            rec(f"A-cancelled-B-cancelled-{s(b.cancelled())}")
            raise

    a = asyncio.create_task(outer())
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}-B-done-{s(holder[0].done())}")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")


@scenario
async def awaiting_task_that_swallows_cancellation_returns_its_result():
    async def inner():
        try:
            while True:
                rec("B-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("B-swallowed")
            return "b-value"

    async def outer(b):
        v = await b
        rec(f"A-got-{v}")
        await asyncio.sleep(0)
        rec("A-after-yield")
        return v

    b = asyncio.create_task(inner())
    a = asyncio.create_task(outer(b))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    rec(f"main-got-{await a}-A-cancelled-{s(a.cancelled())}")


@scenario
async def catch_cancel_and_return_value():
    async def body():
        try:
            while True:
                rec("A-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("A-caught")
            return 42

    a = asyncio.create_task(body())
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    rec(f"main-got-{await a}")
    rec(f"main-A-cancelled-{s(a.cancelled())}")


@scenario
async def catch_cancel_and_keep_yielding():
    async def body():
        try:
            await asyncio.sleep(0)
            rec("A-not-cancelled")
        except asyncio.CancelledError:
            rec("A-caught")
        for i in range(3):
            rec(f"A-after{i}")
            await asyncio.sleep(0)
        rec("A-return")
        return "late"

    a = asyncio.create_task(body())
    b = asyncio.create_task(worker("B", 6))
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    rec(f"main-got-{await a}")
    await b


@scenario
async def cancel_return_values():
    async def body():
        for i in range(3):
            try:
                await asyncio.sleep(0)
                rec(f"A-step{i}")
            except asyncio.CancelledError:
                rec(f"A-caught{i}")
        return "done"

    async def never():
        rec("B-body")

    a = asyncio.create_task(body())
    b = asyncio.create_task(never())
    rec(f"cancel-B-{s(b.cancel())}")
    rec(f"cancel-B-again-{s(b.cancel())}")
    await asyncio.sleep(0)
    rec(f"cancel-A-{s(a.cancel())}")
    rec(f"cancel-A-again-{s(a.cancel())}")
    await asyncio.sleep(0)
    rec(f"cancel-A-third-{s(a.cancel())}")
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"A-done-{s(a.done())}-B-done-{s(b.done())}")
    rec(f"cancel-A-after-done-{s(a.cancel())}")
    rec(f"cancel-B-after-done-{s(b.cancel())}")
    rec(f"A-result-{a.result()}")


@scenario
async def self_cancel_then_return():
    async def body():
        rec("A-start")
        rec(f"A-self-cancel-{s(asyncio.current_task().cancel())}")
        rec("A-after-cancel")
        return 5

    a = asyncio.create_task(body())
    try:
        rec(f"main-got-{await a}")
    except asyncio.CancelledError:
        rec(f"main-saw-A-cancelled-{s(a.cancelled())}")


@scenario
async def self_cancel_then_yield():
    async def body():
        asyncio.current_task().cancel()
        try:
            await asyncio.sleep(0)
            rec("A-not-cancelled")
        except asyncio.CancelledError:
            rec("A-caught")
        return 7

    a = asyncio.create_task(body())
    t = asyncio.create_task(worker("T", 3))
    rec(f"main-got-{await a}")
    await t


@scenario
async def self_cancel_then_await_pending_task():
    async def inner():
        try:
            rec("B-start")
            await asyncio.sleep(0)
            return "b"
        except asyncio.CancelledError:
            rec("B-cancelled")
            raise

    async def body():
        b = asyncio.create_task(inner())
        rec(f"A-self-cancel-{s(asyncio.current_task().cancel())}")
        try:
            v = await b
            rec(f"A-got-{v}")
        except asyncio.CancelledError:
            rec(f"A-caught-B-cancelled-{s(b.cancelled())}")
        return 1

    a = asyncio.create_task(body())
    rec(f"main-got-{await a}-A-cancelled-{s(a.cancelled())}")


@scenario
async def cancel_after_awaited_task_finished_before_waiter_resumed():
    b = asyncio.create_task(worker("B", 1, 1))

    async def waiter():
        try:
            v = await b
            rec(f"A-got-{v}")
        except asyncio.CancelledError:
            rec(f"A-cancelled-B-result-{b.result()}")
            raise

    a = asyncio.create_task(waiter())
    while not b.done():
        await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")


@scenario
async def cancelling_waiter_of_running_task_cancels_that_task():
    async def uu():
        rec("U-start")
        await asyncio.sleep(0)
        rec(f"U-cancels-T-{s(t.cancel())}")
        try:
            await asyncio.sleep(0)
            rec("U-not-cancelled")
        except asyncio.CancelledError:
            rec("U-cancelled")
            raise
        return "u"

    async def tt():
        try:
            await u
        except asyncio.CancelledError:
            rec("T-cancelled")
            raise

    u = asyncio.create_task(uu())
    t = asyncio.create_task(tt())
    try:
        await t
    except asyncio.CancelledError:
        rec(f"main-saw-T-cancelled-U-{s(u.cancelled())}-T-{s(t.cancelled())}")


# ---------------------------------------------------------------- exceptions and callbacks


@scenario
async def exception_through_await_chain():
    async def cc():
        rec("C-start")
        await asyncio.sleep(0)
        raise ValueError("boom")

    async def bb():
        c = asyncio.create_task(cc())
        try:
            return await c
        finally:
            rec("B-finally")

    async def aa():
        b = asyncio.create_task(bb())
        try:
            await b
            return "not-reached"
        except ValueError as e:
            rec(f"A-caught-{e}")
            return "recovered"

    t = asyncio.create_task(worker("T", 6))
    a = asyncio.create_task(aa())
    rec(f"main-got-{await a}")
    await t


@scenario
async def exception_in_unawaited_task_leaves_others_alone():
    async def bad():
        rec("A-start")
        await asyncio.sleep(0)
        raise ValueError("lost")

    a = asyncio.create_task(bad())
    b = asyncio.create_task(worker("B", 4))
    await b
    rec(f"main-A-exception-{a.exception()}")


@scenario
async def done_callbacks_order():
    a = asyncio.create_task(worker("A", 1, 3))
    a.add_done_callback(lambda t: rec(f"cb1-{t.result()}"))
    a.add_done_callback(lambda t: rec(f"cb2-{t.result()}"))

    async def adder():
        rec("D-adds-cb3")
        a.add_done_callback(lambda t: rec(f"cb3-{t.result()}"))

    d = asyncio.create_task(adder())
    t = asyncio.create_task(worker("T", 5))
    rec(f"main-got-{await a}")
    a.add_done_callback(lambda t: rec(f"cb4-{t.result()}"))
    rec("main-added-cb4")
    await asyncio.sleep(0)
    rec("main-after-yield")
    await d
    await t


@scenario
async def done_callback_sees_no_current_task():
    a = asyncio.create_task(worker("A", 1))
    a.add_done_callback(
        lambda t: rec(f"cb-current-task-is-none-{s(asyncio.current_task() is None)}"))
    await a
    await asyncio.sleep(0)
    rec("main-end")


# ---------------------------------------------------------------- gather


@scenario
async def gather_results_in_argument_order():
    a = asyncio.create_task(worker("A", 3, "a"))
    b = asyncio.create_task(worker("B", 1, "b"))
    c = asyncio.create_task(worker("C", 0, "c"))
    t = asyncio.create_task(worker("T", 8))
    r = await asyncio.gather(a, b, c)
    rec(f"main-got-{','.join(r)}")
    await t


@scenario
async def gather_first_failure_leaves_others_running():
    async def bad():
        rec("A-start")
        await asyncio.sleep(0)
        raise ValueError("a-failed")

    a = asyncio.create_task(bad())
    b = asyncio.create_task(worker("B", 4, "b"))
    try:
        await asyncio.gather(a, b)
    except ValueError as e:
        rec(f"main-caught-{e}-B-done-{s(b.done())}")
    rec(f"main-got-{await b}")


@scenario
async def gather_of_same_task_twice():
    a = asyncio.create_task(worker("A", 1, "a"))
    t = asyncio.create_task(worker("T", 4))
    r = await asyncio.gather(a, a)
    rec(f"main-got-{','.join(r)}")
    await t


@scenario
async def gather_of_nothing_does_not_yield():
    t = asyncio.create_task(worker("T", 2))
    await asyncio.sleep(0)
    r = await asyncio.gather()
    rec(f"main-got-{len(r)}")
    await t


@scenario
async def cancelling_a_gathering_task_cancels_children():
    async def child(name):
        try:
            for i in range(10):
                rec(f"{name}{i}")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec(f"{name}-cancelled")
            raise

    async def gatherer(a, b):
        try:
            await asyncio.gather(a, b)
        except asyncio.CancelledError:
            rec(f"G-cancelled-A-done-{s(a.done())}-B-done-{s(b.done())}")
            raise

    a = asyncio.create_task(child("A"))
    b = asyncio.create_task(child("B"))
    g = asyncio.create_task(gatherer(a, b))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(g.cancel())}")
    try:
        await g
    except asyncio.CancelledError:
        rec(f"main-saw-G-cancelled-A-{s(a.cancelled())}-B-{s(b.cancelled())}")
    await asyncio.sleep(0)
    rec(f"main-end-A-{s(a.cancelled())}-B-{s(b.cancelled())}")


# ---------------------------------------------------------------- wait


@scenario
async def wait_first_completed():
    a = asyncio.create_task(worker("A", 1, "a"))
    b = asyncio.create_task(worker("B", 3, "b"))
    t = asyncio.create_task(worker("T", 6))
    labels = {a: "A", b: "B"}
    done, pending = await asyncio.wait({a, b}, return_when=asyncio.FIRST_COMPLETED)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    await b
    await t


@scenario
async def wait_first_exception():
    async def bad():
        rec("B-start")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        raise ValueError("b-failed")

    a = asyncio.create_task(worker("A", 1, "a"))
    b = asyncio.create_task(bad())
    c = asyncio.create_task(worker("C", 5, "c"))
    t = asyncio.create_task(worker("T", 7))
    labels = {a: "A", b: "B", c: "C"}
    done, pending = await asyncio.wait({a, b, c}, return_when=asyncio.FIRST_EXCEPTION)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    rec(f"main-B-exception-{b.exception()}")
    await c
    await t


@scenario
async def wait_first_exception_without_failure_waits_for_all():
    a = asyncio.create_task(worker("A", 1, "a"))
    b = asyncio.create_task(worker("B", 3, "b"))
    t = asyncio.create_task(worker("T", 7))
    labels = {a: "A", b: "B"}
    done, pending = await asyncio.wait({a, b}, return_when=asyncio.FIRST_EXCEPTION)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    await t


@scenario
async def wait_all_completed():
    a = asyncio.create_task(worker("A", 1, "a"))
    b = asyncio.create_task(worker("B", 3, "b"))
    t = asyncio.create_task(worker("T", 7))
    labels = {a: "A", b: "B"}
    done, pending = await asyncio.wait({a, b}, return_when=asyncio.ALL_COMPLETED)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    await t


@scenario
async def wait_on_already_done_tasks_still_yields():
    a = asyncio.create_task(worker("A", 0, "a"))
    b = asyncio.create_task(worker("B", 0, "b"))
    t = asyncio.create_task(worker("T", 5))
    labels = {a: "A", b: "B"}
    await asyncio.sleep(0)
    rec(f"main-A-done-{s(a.done())}-B-done-{s(b.done())}")
    done, pending = await asyncio.wait({a, b}, return_when=asyncio.FIRST_COMPLETED)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    await t


@scenario
async def wait_with_timeout_returns_pending_tasks():
    async def sleeper():
        rec("A-start")
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            rec("A-cancelled")
            raise

    a = asyncio.create_task(sleeper())
    labels = {a: "A"}
    done, pending = await asyncio.wait({a}, timeout=0.05)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    rec(f"main-cancel-{s(a.cancel())}")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")


# ---------------------------------------------------------------- wait_for


@scenario
async def wait_for_zero_timeout_cancels_and_waits():
    async def body():
        try:
            while True:
                rec("A-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("A-cancelled")
            await asyncio.sleep(0)
            rec("A-cleanup-done")
            raise

    a = asyncio.create_task(body())
    t = asyncio.create_task(worker("T", 6))
    await asyncio.sleep(0)
    try:
        await asyncio.wait_for(a, 0)
        rec("main-not-timed-out")
    except asyncio.TimeoutError:
        rec(f"main-timeout-A-cancelled-{s(a.cancelled())}")
    await t


@scenario
async def wait_for_zero_timeout_on_done_task_returns_result():
    a = asyncio.create_task(worker("A", 0, "a"))
    t = asyncio.create_task(worker("T", 3))
    await asyncio.sleep(0)
    rec(f"main-got-{await asyncio.wait_for(a, 0)}")
    await t


# ---- building blocks: queues, locks, events, conditions, semaphores, barriers, timeouts, task
# groups (AsyncioOrderBuildingBlocksTest)


@scenario
async def queue_bounded_producer_consumer_with_join():
    q = asyncio.Queue(2)

    async def producer():
        for i in range(5):
            rec(f"P-put-{i}")
            await q.put(i)
            rec(f"P-put-{i}-done-size-{q.qsize()}")
        rec("P-end")

    async def consumer():
        for _ in range(5):
            x = await q.get()
            rec(f"C-got-{x}")
            await asyncio.sleep(0)
            q.task_done()
        rec("C-end")

    p = asyncio.create_task(producer())
    c = asyncio.create_task(consumer())
    await asyncio.sleep(0)
    rec("main-joining")
    await q.join()
    rec("main-joined")
    await p
    await c


@scenario
async def queue_getters_are_woken_in_fifo_order_and_a_cancelled_one_passes_its_turn():
    q = asyncio.Queue()

    async def getter(name):
        try:
            rec(f"{name}-got-{await q.get()}")
        except asyncio.CancelledError:
            rec(f"{name}-cancelled")
            raise

    a = asyncio.create_task(getter("A"))
    b = asyncio.create_task(getter("B"))
    c = asyncio.create_task(getter("C"))
    await asyncio.sleep(0)
    b.cancel()
    q.put_nowait(1)
    q.put_nowait(2)
    rec(f"main-put-size-{q.qsize()}")
    await asyncio.sleep(0)
    rec("main-after-yield")
    await asyncio.wait([a, b, c])
    rec(f"main-left-{q.qsize()}")


@scenario
async def lock_waiters_acquire_in_fifo_order_and_a_cancelled_one_gives_its_turn():
    lock = asyncio.Lock()
    await lock.acquire()

    async def locker(name):
        try:
            await lock.acquire()
        except asyncio.CancelledError:
            rec(f"{name}-cancelled")
            raise
        rec(f"{name}-acquired")
        await asyncio.sleep(0)
        rec(f"{name}-releasing")
        lock.release()

    a = asyncio.create_task(locker("A"))
    b = asyncio.create_task(locker("B"))
    c = asyncio.create_task(locker("C"))
    await asyncio.sleep(0)
    b.cancel()
    rec(f"main-releasing-locked-{s(lock.locked())}")
    lock.release()
    await asyncio.wait([a, b, c])
    rec(f"main-end-locked-{s(lock.locked())}")


@scenario
async def event_wakes_every_waiter_and_a_set_event_does_not_yield():
    ev = asyncio.Event()

    async def waiter(name):
        await ev.wait()
        rec(f"{name}-woke")

    ws = [asyncio.create_task(waiter(n)) for n in ("A", "B", "C")]
    t = asyncio.create_task(worker("T", 3))
    await asyncio.sleep(0)
    rec("main-set")
    ev.set()
    await ev.wait()
    rec("main-waited-set-event")
    await asyncio.wait(ws)
    await t


@scenario
async def condition_notify_one_then_all():
    cond = asyncio.Condition()

    async def waiter(name):
        async with cond:
            rec(f"{name}-waiting")
            await cond.wait()
            rec(f"{name}-notified")

    ws = [asyncio.create_task(waiter(n)) for n in ("A", "B", "C")]
    await asyncio.sleep(0)
    async with cond:
        rec("main-notify-1")
        cond.notify(1)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    async with cond:
        rec("main-notify-all")
        cond.notify_all()
    await asyncio.wait(ws)
    rec("main-end")


@scenario
async def semaphore_of_two_lets_two_workers_in_at_a_time():
    sem = asyncio.Semaphore(2)

    async def work(name):
        async with sem:
            rec(f"{name}-in")
            await asyncio.sleep(0)
            rec(f"{name}-out")

    ws = [asyncio.create_task(work(n)) for n in ("A", "B", "C", "D")]
    await asyncio.wait(ws)
    rec(f"main-end-locked-{s(sem.locked())}")


@scenario
async def barrier_of_three_gives_arrival_indices():
    barrier = asyncio.Barrier(3)

    async def party(name, yields):
        for _ in range(yields):
            await asyncio.sleep(0)
        rec(f"{name}-arrives")
        i = await barrier.wait()
        rec(f"{name}-passed-{i}")

    ps = [asyncio.create_task(party(n, y)) for n, y in (("A", 2), ("B", 0), ("C", 1))]
    await asyncio.wait(ps)
    rec(f"main-end-waiting-{barrier.n_waiting}-broken-{s(barrier.broken)}")


@scenario
async def timeout_cancels_the_body_runs_its_cleanup_and_raises_timeout_error():
    t = asyncio.create_task(worker("T", 3))
    try:
        async with asyncio.timeout(0.01):
            try:
                rec("body-sleeping")
                await asyncio.sleep(10)
                rec("body-woke")
            except asyncio.CancelledError:
                rec("body-cancelled")
                await asyncio.sleep(0)
                rec("body-cleanup-done")
                raise
    except TimeoutError:
        rec("main-timed-out")
    await t
    rec(f"main-cancelling-{asyncio.current_task().cancelling()}")


@scenario
async def nested_timeouts_convert_only_their_own_cancellation():
    try:
        async with asyncio.timeout(0.01):
            try:
                async with asyncio.timeout(10):
                    await asyncio.sleep(10)
            except TimeoutError:
                rec("inner-timed-out")
            except asyncio.CancelledError:
                rec("inner-saw-cancellation")
                raise
    except TimeoutError:
        rec("outer-timed-out")


@scenario
async def task_group_first_failure_cancels_the_others_and_the_body():
    async def fails():
        for i in range(2):
            rec(f"F{i}")
            await asyncio.sleep(0)
        raise ValueError("F-failed")

    async def loops(name):
        try:
            while True:
                rec(f"{name}-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec(f"{name}-cancelled")
            raise

    try:
        async with asyncio.TaskGroup() as group:
            group.create_task(fails())
            group.create_task(loops("L"))
            rec("body-waiting")
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                rec("body-cancelled")
                raise
    except* ValueError as eg:
        rec(f"main-caught-{eg.exceptions[0]}-of-{len(eg.exceptions)}")


@scenario
async def task_group_waits_for_every_child_and_returns():
    async with asyncio.TaskGroup() as group:
        a = group.create_task(worker("A", 2, "a"))
        b = group.create_task(worker("B", 3, "b"))
        rec("body-done")
    rec(f"main-after-group-{a.result()}-{b.result()}")


@scenario
async def wait_for_zero_timeout_swallowed_cancellation_returns_value():
    async def body():
        try:
            while True:
                rec("A-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("A-caught")
            return 9

    a = asyncio.create_task(body())
    await asyncio.sleep(0)
    rec(f"main-got-{await asyncio.wait_for(a, 0)}-A-cancelled-{s(a.cancelled())}")


@scenario
async def wait_for_generous_timeout_resumes_two_hops_after_completion():
    a = asyncio.create_task(worker("A", 2, "a"))
    t = asyncio.create_task(worker("T", 7))
    rec(f"main-got-{await asyncio.wait_for(a, 10)}")
    await t


@scenario
async def wait_for_expired_timer_cancels_task():
    async def sleeper():
        rec("A-start")
        try:
            await asyncio.sleep(10)
            rec("A-woke")
        except asyncio.CancelledError:
            rec("A-cancelled")
            raise
        finally:
            rec("A-finally")

    a = asyncio.create_task(sleeper())
    try:
        await asyncio.wait_for(a, 0.05)
        rec("main-not-timed-out")
    except asyncio.TimeoutError:
        rec(f"main-timeout-A-cancelled-{s(a.cancelled())}")


@scenario
async def wait_for_coroutine_with_timeout_runs_it_as_a_task():
    main_task = asyncio.current_task()

    async def body():
        rec(f"body-in-main-{s(asyncio.current_task() is main_task)}")
        await asyncio.sleep(0)
        return "w"

    t = asyncio.create_task(worker("T", 5))
    rec(f"main-got-{await asyncio.wait_for(body(), 10)}")
    rec(f"main-got-inline-{await asyncio.wait_for(body(), None)}")
    await t


@scenario
async def cancelling_wait_for_caller_cancels_and_waits_for_task():
    async def body():
        try:
            while True:
                rec("A-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("A-cancelled")
            await asyncio.sleep(0)
            rec("A-cleanup-done")
            raise

    async def caller(a):
        try:
            await asyncio.wait_for(a, 10)
        except asyncio.CancelledError:
            rec(f"W-cancelled-A-done-{s(a.done())}")
            raise

    a = asyncio.create_task(body())
    w = asyncio.create_task(caller(a))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(w.cancel())}")
    try:
        await w
    except asyncio.CancelledError:
        rec(f"main-saw-W-cancelled-A-cancelled-{s(a.cancelled())}")


# ---------------------------------------------------------------- the end of asyncio.run


@scenario
async def leftover_task_cancelled_after_main_returns():
    async def body():
        try:
            for i in range(100):
                rec(f"L{i}")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("L-cancelled")
            raise
        finally:
            rec("L-finally")

    asyncio.create_task(body())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec("main-return")
    return "m"


@scenario
async def leftover_created_as_main_returns_runs_first_step():
    async def body():
        rec("L-start")
        try:
            while True:
                rec("L-tick")
                await asyncio.sleep(0)
        finally:
            rec("L-finally")

    asyncio.create_task(body())
    rec("main-return")


@scenario
async def leftover_created_after_main_returns_never_starts():
    async def late():
        rec("L-body")

    async def spawner():
        rec("S-start")
        lt = asyncio.create_task(late())
        lt.add_done_callback(lambda t: rec(f"L-callback-cancelled-{s(t.cancelled())}"))
        rec("S-end")

    asyncio.create_task(spawner())
    rec("main-return")


@scenario
async def leftover_swallows_cancellation_and_keeps_yielding():
    async def body():
        try:
            while True:
                rec("L-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("L-caught")
        for i in range(3):
            rec(f"L-cleanup{i}")
            await asyncio.sleep(0)
        rec("L-return")
        return "l"

    asyncio.create_task(body())
    await asyncio.sleep(0)
    rec("main-return")


@scenario
async def two_leftovers_at_sleep_zero():
    # Order-robust although asyncio cancels leftovers in set order: both are suspended at a bare
    # yield, so cancel() only sets a flag and their steps still run in ready-queue order.
    async def body(name):
        try:
            for i in range(100):
                rec(f"{name}{i}")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec(f"{name}-cancelled")
            await asyncio.sleep(0)
            rec(f"{name}-cleanup-done")
            raise

    asyncio.create_task(body("L"))
    asyncio.create_task(body("M"))
    await asyncio.sleep(0)
    rec("main-return")


@scenario
async def main_raises_with_a_leftover_task():
    async def body():
        try:
            while True:
                rec("L-tick")
                await asyncio.sleep(0)
        finally:
            rec("L-finally")

    asyncio.create_task(body())
    await asyncio.sleep(0)
    rec("main-raise")
    raise ValueError("main-failed")


# ---------------------------------------------------------------- more interleaving questions


@scenario
async def several_tasks_awaiting_one_task_wake_in_the_order_they_awaited():
    t = asyncio.create_task(worker("T", 2, "t"))

    async def waiter(name):
        rec(f"{name}-awaits")
        v = await t
        rec(f"{name}-got-{v}")

    c = asyncio.create_task(waiter("C"))
    b = asyncio.create_task(waiter("B"))
    d = asyncio.create_task(waiter("D"))
    await asyncio.sleep(0)
    t.add_done_callback(lambda f: rec("cb"))
    rec(f"main-got-{await t}")
    await c
    await b
    await d


@scenario
async def sleep_zero_with_a_result_yields_once_and_returns_it():
    t = asyncio.create_task(worker("T", 2))
    rec(f"main-got-{await asyncio.sleep(0, 'r')}")
    await t


@scenario
async def awaiting_a_cancelled_task_raises_at_once():
    async def never():
        rec("A-body")

    a = asyncio.create_task(never())
    t = asyncio.create_task(worker("T", 3))
    a.cancel()
    await asyncio.sleep(0)
    rec(f"main-A-cancelled-{s(a.cancelled())}")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled-again")
    await t


@scenario
async def self_cancel_then_raise_ends_with_the_exception():
    async def body():
        asyncio.current_task().cancel()
        raise ValueError("raised-after-self-cancel")

    a = asyncio.create_task(body())
    try:
        await a
    except ValueError as e:
        rec(f"main-caught-{e}-A-cancelled-{s(a.cancelled())}")
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")


@scenario
async def cancelled_task_that_raises_another_exception_fails_with_it():
    async def body():
        try:
            while True:
                rec("A-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("A-converts")
            raise ValueError("converted")

    a = asyncio.create_task(body())
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}")
    try:
        await a
    except ValueError as e:
        rec(f"main-caught-{e}-A-cancelled-{s(a.cancelled())}")
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")


@scenario
async def cancel_propagates_down_a_chain_of_awaits():
    async def cc():
        try:
            while True:
                rec("C-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("C-cancelled")
            raise

    async def link(name, inner):
        try:
            await inner
        except asyncio.CancelledError:
            rec(f"{name}-cancelled")
            raise

    c = asyncio.create_task(cc())
    b = asyncio.create_task(link("B", c))
    a = asyncio.create_task(link("A", b))
    t = asyncio.create_task(worker("T", 5))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(a.cancel())}-C-cancelled-{s(c.cancelled())}")
    try:
        await a
    except asyncio.CancelledError:
        rec(f"main-saw-A-cancelled-B-{s(b.cancelled())}-C-{s(c.cancelled())}")
    await t


@scenario
async def done_callback_that_creates_a_task_and_cancels_another():
    loop = asyncio.get_running_loop()
    holder = []

    async def spawned():
        rec("N-start")
        await asyncio.sleep(0)
        rec("N-end")

    async def ticker():
        try:
            for i in range(10):
                rec(f"T{i}")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("T-cancelled")
            raise

    t = asyncio.create_task(ticker())

    def callback(f):
        rec(f"cb-A-got-{f.result()}")
        holder.append(loop.create_task(spawned()))
        rec(f"cb-cancels-T-{s(t.cancel())}")

    a = asyncio.create_task(worker("A", 1, "a"))
    a.add_done_callback(callback)
    rec(f"main-got-{await a}")
    await holder[0]
    try:
        await t
    except asyncio.CancelledError:
        rec("main-saw-T-cancelled")


@scenario
async def gather_child_cancelled_from_outside_raises_cancellation_in_awaiter():
    a = asyncio.create_task(worker("A", 3, "a"))
    b = asyncio.create_task(worker("B", 5, "b"))

    async def canceller():
        await asyncio.sleep(0)
        rec(f"X-cancels-A-{s(a.cancel())}")

    x = asyncio.create_task(canceller())
    try:
        await asyncio.gather(a, b)
        rec("main-not-cancelled")
    except asyncio.CancelledError:
        rec(f"main-caught-cancellation-A-{s(a.cancelled())}-B-done-{s(b.done())}")
    rec(f"main-got-{await b}")
    await x


@scenario
async def cancelled_gather_whose_children_swallow_still_raises_cancellation():
    async def child(name, value):
        try:
            while True:
                rec(f"{name}-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec(f"{name}-swallowed")
            return value

    a = asyncio.create_task(child("A", "a"))
    b = asyncio.create_task(child("B", "b"))

    async def gatherer():
        try:
            r = await asyncio.gather(a, b)
            rec(f"G-got-{','.join(r)}")
        except asyncio.CancelledError:
            rec(f"G-cancelled-A-{a.result()}-B-{b.result()}")
            raise

    g = asyncio.create_task(gatherer())
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(g.cancel())}")
    try:
        await g
    except asyncio.CancelledError:
        rec(f"main-saw-G-cancelled-{s(g.cancelled())}")


@scenario
async def cancelling_a_waiting_task_leaves_the_waited_tasks_alone():
    a = asyncio.create_task(worker("A", 3, "a"))
    b = asyncio.create_task(worker("B", 5, "b"))

    async def waiter():
        try:
            await asyncio.wait({a, b})
        except asyncio.CancelledError:
            rec(f"W-cancelled-A-done-{s(a.done())}-B-done-{s(b.done())}")
            raise

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(w.cancel())}")
    try:
        await w
    except asyncio.CancelledError:
        rec("main-saw-W-cancelled")
    rec(f"main-got-{await a}-{await b}")


@scenario
async def wait_for_propagates_the_task_exception():
    async def bad():
        rec("A-start")
        await asyncio.sleep(0)
        raise ValueError("a-failed")

    a = asyncio.create_task(bad())
    t = asyncio.create_task(worker("T", 5))
    try:
        await asyncio.wait_for(a, 10)
        rec("main-not-failed")
    except ValueError as e:
        rec(f"main-caught-{e}")
    await t


@scenario
async def cancelling_wait_for_after_the_task_finished_returns_the_result():
    a = asyncio.create_task(worker("A", 1, "a"))

    async def caller():
        v = await asyncio.wait_for(a, 10)
        rec(f"W-got-{v}")
        return v

    w = asyncio.create_task(caller())
    while not a.done():
        await asyncio.sleep(0)
    rec(f"main-cancel-{s(w.cancel())}")
    try:
        rec(f"main-got-{await w}-W-cancelled-{s(w.cancelled())}")
    except asyncio.CancelledError:
        rec("main-saw-W-cancelled")


@scenario
async def timers_fire_in_deadline_order_then_creation_order():
    async def sleeper(name, delay):
        rec(f"{name}-sleeps")
        await asyncio.sleep(delay)
        rec(f"{name}-woke")

    a = asyncio.create_task(sleeper("A", 0.15))
    b = asyncio.create_task(sleeper("B", 0.02))
    c = asyncio.create_task(sleeper("C", 0.15))
    await a
    await b
    await c


@scenario
async def main_cancelled_by_a_child_task():
    main_task = asyncio.current_task()

    async def killer():
        rec("K-start")
        await asyncio.sleep(0)
        rec(f"K-cancels-main-{s(main_task.cancel())}")
        await asyncio.sleep(0)
        rec("K-end")

    asyncio.create_task(killer())
    try:
        for i in range(10):
            rec(f"main{i}")
            await asyncio.sleep(0)
    finally:
        rec("main-finally")


@scenario
async def leftover_awaiting_another_leftover():
    # Order-robust although asyncio cancels leftovers in set order: whichever of O and I is
    # cancelled first, I ends up with the cancel flag (it is at a bare yield) and O keeps waiting.
    async def inner():
        try:
            while True:
                rec("I-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("I-cancelled")
            raise

    async def outer(i):
        try:
            await i
        except asyncio.CancelledError:
            rec(f"O-cancelled-I-cancelled-{s(i.cancelled())}")
            raise

    i = asyncio.create_task(inner())
    asyncio.create_task(outer(i))
    await asyncio.sleep(0)
    rec("main-return")


@scenario
async def leftover_cleanup_creates_a_task():
    # asyncio.run cancels the leftovers once; a task their cleanup creates is not cancelled: it
    # runs during the shutdown iterations (it finishes within them here).
    async def helper():
        try:
            for i in range(3):
                rec(f"N{i}")
                await asyncio.sleep(0)
            rec("N-end")
        except asyncio.CancelledError:
            rec("N-cancelled")
            raise

    async def body():
        try:
            while True:
                rec("L-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("L-cancelled-creates-N")
            asyncio.create_task(helper())
            raise

    asyncio.create_task(body())
    await asyncio.sleep(0)
    rec("main-return")


# ---------------------------------------------------------------- cancelling at every hop (sweeps)
#
# Each sweep is one program run for k = 0..6 (HOPS), one scenario per k: a task G awaits
# something (gather, wait, wait_for) while a ticker T runs, and main cancels G after k hops of its
# own, so that the cancel lands at every stage of G's wait: before G starts, while the children
# run, while they clean up, once they are done but before G has woken, once G is done. The
# children end as their keyword arguments say when they are cancelled. AsyncioOrderCancelSweepTest
# holds the Java twins, one parameterized test per sweep, under the same names.

HOPS = range(7)


async def child(name, n, value, cleanup_yields=0, cleanup_raises=False, swallow=False):
    """A worker(name, n, value) that, if cancelled, records name-cancelled, yields cleanup_yields
    times (recording name-cleanup0, ...), then raises ValueError("name-cleanup-failed") if
    cleanup_raises, returns value-swallowed if swallow, and re-raises the cancellation otherwise."""
    try:
        for i in range(n):
            rec(f"{name}{i}")
            await asyncio.sleep(0)
        rec(f"{name}-end")
        return value
    except asyncio.CancelledError:
        rec(f"{name}-cancelled")
        for j in range(cleanup_yields):
            await asyncio.sleep(0)
            rec(f"{name}-cleanup{j}")
        if cleanup_raises:
            raise ValueError(f"{name}-cleanup-failed")
        if swallow:
            return value + "-swallowed"
        raise


async def cancel_at_hop(k, body):
    """Runs `await body()` in a task G next to a ticker T, cancels G after k hops of the caller,
    then awaits G and T. G records what its await gave: a value, a cancellation, a ValueError or
    a timeout."""
    async def outer():
        try:
            r = await body()
            rec(f"G-got-{r}")
            return "g"
        except asyncio.CancelledError:
            rec("G-cancelled")
            raise
        except ValueError as e:
            rec(f"G-exc-{e}")
            return "gv"
        except asyncio.TimeoutError:
            rec("G-timeout")
            return "gt"

    g = asyncio.create_task(outer())
    t = asyncio.create_task(worker("T", 10))
    for _ in range(k):
        await asyncio.sleep(0)
    rec(f"main-cancel-{s(g.cancel())}")
    try:
        rec(f"main-got-{await g}")
    except asyncio.CancelledError:
        rec("main-saw-cancelled")
    await t


def gather_cancelled_at_hop(k, **ending):
    async def main():
        a = asyncio.create_task(child("A", 1, "a", **ending))
        b = asyncio.create_task(child("B", 3, "b", **ending))

        async def body():
            r = await asyncio.gather(a, b)
            return ",".join(r)

        await cancel_at_hop(k, body)
        rec(f"end-A{s(a.cancelled())}-B{s(b.cancelled())}")

    return main


def wait_cancelled_at_hop(k, return_when):
    async def main():
        a = asyncio.create_task(child("A", 1, "a"))
        b = asyncio.create_task(child("B", 3, "b"))
        labels = {a: "A", b: "B"}

        async def body():
            done, pending = await asyncio.wait({a, b}, return_when=return_when)
            return "d" + names(done, labels) + "p" + names(pending, labels)

        await cancel_at_hop(k, body)
        rec(f"end-A{s(a.done())}-B{s(b.done())}")

    return main


def wait_for_cancelled_at_hop(k, timeout, **ending):
    async def main():
        a = asyncio.create_task(child("A", 2, "a", **ending))

        async def body():
            return await asyncio.wait_for(a, timeout)

        await cancel_at_hop(k, body)
        rec(f"end-A{s(a.cancelled())}")

    return main


def wait_for_of_a_waiting_task_cancelled_at_hop(k, timeout):
    # wait_for(A) where A awaits B: cancelling A cancels B; both yield once in their cleanup
    async def main():
        b = asyncio.create_task(child("B", 3, "b", cleanup_yields=1))

        async def aa():
            try:
                v = await b
                rec(f"A-got-{v}")
                return v
            except asyncio.CancelledError:
                rec("A-cancelled")
                await asyncio.sleep(0)
                rec("A-cleanup")
                raise

        a = asyncio.create_task(aa())

        async def body():
            return await asyncio.wait_for(a, timeout)

        await cancel_at_hop(k, body)
        rec(f"end-A{s(a.cancelled())}-B{s(b.cancelled())}")

    return main


def gather_in_an_inner_task_cancelled_at_hop(k):
    # G awaits a task I that awaits gather(A, B); B swallows the cancellation
    async def main():
        a = asyncio.create_task(child("A", 2, "a"))
        b = asyncio.create_task(child("B", 4, "b", swallow=True))

        async def inner():
            r = await asyncio.gather(a, b)
            return ",".join(r)

        async def body():
            i = asyncio.create_task(inner())
            return await i

        await cancel_at_hop(k, body)
        rec(f"end-A{s(a.cancelled())}-B{s(b.cancelled())}")

    return main


# How the children end when cancelled: the end of the scenario's name, child()'s arguments.
GATHER_CHILDREN_ENDINGS = {
    "children_reraise": {},
    "children_yield_in_cleanup": {"cleanup_yields": 1},
    "children_raise_in_cleanup": {"cleanup_raises": True},
    "children_swallow": {"swallow": True},
}
WAIT_FOR_CHILD_ENDINGS = {
    "child_reraises": {},
    "child_yields_twice_in_cleanup": {"cleanup_yields": 2},
    "child_raises_in_cleanup": {"cleanup_raises": True},
    "child_swallows": {"swallow": True},
}
WAIT_FOR_ZERO_CHILD_ENDINGS = {
    "child_yields_twice_in_cleanup": {"cleanup_yields": 2},
    "child_raises_in_cleanup": {"cleanup_raises": True},
}


def add_the_sweeps():
    """Adds the scenarios of every sweep, one per hop k, to SCENARIOS."""
    for k in HOPS:
        for ending, kwargs in GATHER_CHILDREN_ENDINGS.items():
            SCENARIOS[f"gather_cancel_at_hop_{k}_{ending}"] = gather_cancelled_at_hop(k, **kwargs)
        SCENARIOS[f"wait_all_completed_cancel_at_hop_{k}"] = wait_cancelled_at_hop(
            k, asyncio.ALL_COMPLETED)
        SCENARIOS[f"wait_first_completed_cancel_at_hop_{k}"] = wait_cancelled_at_hop(
            k, asyncio.FIRST_COMPLETED)
        for ending, kwargs in WAIT_FOR_CHILD_ENDINGS.items():
            SCENARIOS[f"wait_for_cancel_at_hop_{k}_{ending}"] = wait_for_cancelled_at_hop(
                k, 10, **kwargs)
        for ending, kwargs in WAIT_FOR_ZERO_CHILD_ENDINGS.items():
            SCENARIOS[f"wait_for_zero_cancel_at_hop_{k}_{ending}"] = wait_for_cancelled_at_hop(
                k, 0, **kwargs)
        SCENARIOS[f"wait_for_of_a_waiting_task_cancel_at_hop_{k}"] = (
            wait_for_of_a_waiting_task_cancelled_at_hop(k, 10))
        SCENARIOS[f"wait_for_zero_of_a_waiting_task_cancel_at_hop_{k}"] = (
            wait_for_of_a_waiting_task_cancelled_at_hop(k, 0))
        SCENARIOS[f"gather_in_an_inner_task_cancel_at_hop_{k}"] = (
            gather_in_an_inner_task_cancelled_at_hop(k))


add_the_sweeps()


# ---------------------------------------------------------------- corner cases
#
# Done callbacks that add callbacks, create tasks and cancel them; cancels that land while a task
# cleans up or before a gather has woken; zero and negative timeouts; a leftover's done callback
# at close; the order of the ready queue with call_soon, call_soon_threadsafe, call_later(0) and
# the result of an executor's call. AsyncioOrderCornerCasesTest holds their Java twins.


@scenario
async def done_callbacks_added_inside_a_done_callback():
    a = asyncio.create_task(worker("A", 1, "a"))
    b = asyncio.create_task(worker("B", 3, "b"))

    def cb1(f):
        rec("cb1")
        f.add_done_callback(lambda f: rec("cb1-inner-on-A"))
        b.add_done_callback(lambda f: rec("cb1-inner-on-B"))
        n = asyncio.create_task(worker("N", 1, "n"))
        n.add_done_callback(lambda f: rec("N-cb"))

    a.add_done_callback(cb1)
    a.add_done_callback(lambda f: rec("cb2"))
    t = asyncio.create_task(worker("T", 6))
    rec(f"main-got-{await a}")
    await b
    await t


@scenario
async def done_callback_cancels_a_waiter_of_the_same_task():
    # the callback was added before W awaited A, so it runs before W's wake-up
    a = asyncio.create_task(worker("A", 1, "a"))

    async def waiter():
        try:
            v = await a
            rec(f"W-got-{v}")
            await asyncio.sleep(0)
            rec("W-after")
        except asyncio.CancelledError:
            rec("W-cancelled")
            raise

    w = asyncio.create_task(waiter())
    a.add_done_callback(lambda f: rec(f"cb-cancels-W-{s(w.cancel())}"))
    t = asyncio.create_task(worker("T", 5))
    try:
        await w
    except asyncio.CancelledError:
        rec("main-saw-W-cancelled")
    await t


@scenario
async def done_callback_creates_a_task_that_the_next_callback_cancels_before_it_starts():
    holder = []
    a = asyncio.create_task(worker("A", 1, "a"))

    def cb1(f):
        holder.append(asyncio.create_task(worker("N", 2, "n")))
        rec("cb1-created-N")

    def cb2(f):
        rec(f"cb2-cancels-N-{s(holder[0].cancel())}")

    a.add_done_callback(cb1)
    a.add_done_callback(cb2)
    t = asyncio.create_task(worker("T", 4))
    await a
    try:
        await holder[0]
    except asyncio.CancelledError:
        rec("main-saw-N-cancelled")
    await t


@scenario
async def awaiting_a_task_that_a_done_callback_of_the_awaited_task_created():
    holder = []
    a = asyncio.create_task(worker("A", 2, "a"))
    a.add_done_callback(lambda f: holder.append(asyncio.create_task(worker("N", 1, "n"))))
    t = asyncio.create_task(worker("T", 6))
    rec(f"main-got-{await a}")
    rec(f"main-got-{await holder[0]}")
    await t


@scenario
async def cancelling_a_task_three_times_while_it_cleans_up():
    b = asyncio.create_task(child("B", 5, "b", cleanup_yields=2))

    async def aa():
        try:
            return await b
        except asyncio.CancelledError:
            rec("A-cancelled")
            await asyncio.sleep(0)
            rec("A-cleanup")
            raise

    a = asyncio.create_task(aa())
    t = asyncio.create_task(worker("T", 8))
    await asyncio.sleep(0)
    rec(f"c1-{s(a.cancel())}")
    await asyncio.sleep(0)
    rec(f"c2-{s(a.cancel())}")
    await asyncio.sleep(0)
    rec(f"c3-{s(a.cancel())}")
    try:
        await a
    except asyncio.CancelledError:
        rec("main-saw-A-cancelled")
    await t


@scenario
async def wait_first_exception_does_not_return_for_a_cancelled_task():
    a = asyncio.create_task(child("A", 3, "a"))
    b = asyncio.create_task(child("B", 5, "b"))
    c = asyncio.create_task(worker("C", 6, "c"))
    labels = {a: "A", b: "B", c: "C"}

    async def canceller():
        await asyncio.sleep(0)
        rec(f"X-cancels-A-{s(a.cancel())}")

    x = asyncio.create_task(canceller())
    done, pending = await asyncio.wait({a, b, c}, return_when=asyncio.FIRST_EXCEPTION)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    await x


@scenario
async def cancelling_a_gathering_task_after_a_child_failed_but_before_it_woke():
    async def bad():
        rec("A-start")
        raise ValueError("a-failed")

    a = asyncio.create_task(bad())
    b = asyncio.create_task(child("B", 4, "b"))

    async def gatherer():
        try:
            await asyncio.gather(a, b)
        except ValueError as e:
            rec(f"G-exc-{e}")
        except asyncio.CancelledError:
            rec("G-cancelled")
            raise

    g = asyncio.create_task(gatherer())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(g.cancel())}")
    try:
        await g
    except asyncio.CancelledError:
        rec("main-saw-G-cancelled")
    await b


@scenario
async def gather_child_that_cancels_itself_cancels_the_gather():
    async def cc():
        rec("C-start")
        asyncio.current_task().cancel()
        await asyncio.sleep(0)
        rec("C-not-reached")

    c = asyncio.create_task(cc())
    b = asyncio.create_task(child("B", 3, "b"))
    try:
        await asyncio.gather(c, b)
    except asyncio.CancelledError:
        rec(f"main-caught-cancel-B-done-{s(b.done())}")
    rec(f"main-got-{await b}")


@scenario
async def main_cancelled_by_a_child_while_awaiting_gather():
    main_task = asyncio.current_task()
    a = asyncio.create_task(child("A", 4, "a"))

    async def killer():
        await asyncio.sleep(0)
        rec(f"K-cancels-main-{s(main_task.cancel())}")

    asyncio.create_task(killer())
    try:
        await asyncio.gather(a)
    except asyncio.CancelledError:
        rec(f"main-cancelled-A-{s(a.cancelled())}")
        raise


@scenario
async def wait_with_zero_timeout_returns_the_task_as_pending():
    a = asyncio.create_task(worker("A", 2, "a"))
    labels = {a: "A"}
    done, pending = await asyncio.wait({a}, timeout=0)
    rec(f"main-woke-done-{names(done, labels)}-pending-{names(pending, labels)}")
    await a


@scenario
async def wait_for_with_negative_timeout_cancels_a_task_that_has_not_started():
    # a timeout <= 0 cancels the pending task at once, without a timer
    a = asyncio.create_task(child("A", 3, "a", cleanup_yields=1))
    try:
        await asyncio.wait_for(a, -1)
    except asyncio.TimeoutError:
        rec(f"main-timeout-A-cancelled-{s(a.cancelled())}")


@scenario
async def leftover_whose_done_callback_creates_a_task_at_close():
    async def body():
        try:
            while True:
                rec("L-tick")
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            rec("L-cancelled")
            raise

    leftover = asyncio.create_task(body())
    leftover.add_done_callback(lambda f: asyncio.create_task(worker("N", 2, "n")))
    await asyncio.sleep(0)
    rec("main-return")


@scenario
async def call_soon_threadsafe_on_the_loop_thread_queues_like_call_soon():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(worker("T", 3))
    loop.call_soon_threadsafe(lambda: rec("threadsafe"))
    loop.call_soon(lambda: rec("soon"))
    rec("main-posted")
    await asyncio.sleep(0)
    rec("main1")
    await asyncio.sleep(0)
    rec("main2")
    await t


@scenario
async def call_soon_threadsafe_from_a_callback_queues_like_call_soon():
    loop = asyncio.get_running_loop()

    def cb():
        rec("cb")
        loop.call_soon_threadsafe(lambda: rec("threadsafe"))
        loop.call_soon(lambda: rec("soon"))

    loop.call_soon(cb)
    t = asyncio.create_task(worker("T", 4))
    await t


@scenario
async def call_later_zero_runs_after_the_ready_callbacks_of_the_next_iteration():
    loop = asyncio.get_running_loop()
    loop.call_later(0, lambda: rec("later0"))
    loop.call_soon(lambda: rec("soon"))
    t = asyncio.create_task(worker("T", 3))
    await t


@scenario
async def cancelled_handle_does_not_run_and_a_failing_callback_does_not_stop_the_loop():
    loop = asyncio.get_running_loop()
    h = loop.call_soon(lambda: rec("cancelled-handle-ran"))

    def bad():
        rec("bad")
        raise ValueError("cb")

    loop.call_soon(bad)
    loop.call_soon(lambda: rec("after-bad"))
    h.cancel()
    t = asyncio.create_task(worker("T", 2))
    await t


class ThreadPerCall(concurrent.futures.Executor):
    """Runs each call on a thread of its own; `posted` is set once the call's outcome has been
    handed to the loop: set_result runs the future's done callbacks, among them the one that
    passes the outcome on with call_soon_threadsafe, before it returns."""

    def __init__(self):
        self.posted = threading.Event()

    def submit(self, fn, *args):
        f = concurrent.futures.Future()

        def run():
            f.set_result(fn(*args))
            self.posted.set()

        threading.Thread(target=run).start()
        return f


@scenario
async def executor_result_posted_during_a_step_keeps_its_place_in_the_ready_queue():
    # the call ends while main's step runs: its outcome is queued before the work main adds after
    loop = asyncio.get_running_loop()
    go = threading.Event()
    executor = ThreadPerCall()

    def call():
        go.wait()
        return "v"

    fut = loop.run_in_executor(executor, call)

    async def waiter():
        rec(f"W-got-{await fut}")

    w = asyncio.create_task(waiter())
    await asyncio.sleep(0)
    go.set()
    executor.posted.wait()
    t = asyncio.create_task(worker("T", 4))
    rec("main-step-end")
    await asyncio.sleep(0)
    rec("main1")
    await w
    await t


# ---------------------------------------------------------------- shield and as_completed


@scenario
async def shield_wakes_awaiter_two_hops_after_inner():
    a = asyncio.create_task(worker("A", 2, "a"))
    t = asyncio.create_task(worker("T", 6))
    rec(f"main-got-{await asyncio.shield(a)}")
    await t


@scenario
async def shield_of_done_task_does_not_yield_and_passes_failure():
    async def bad():
        rec("B-start")
        await asyncio.sleep(0)
        raise ValueError("boom")

    a = asyncio.create_task(worker("A", 0, "a"))
    t = asyncio.create_task(worker("T", 4))
    await asyncio.sleep(0)
    rec(f"main-A-done-{s(a.done())}")
    rec(f"main-got-{await asyncio.shield(a)}")
    b = asyncio.create_task(bad())
    try:
        await asyncio.shield(b)
    except ValueError as e:
        rec(f"main-caught-{e}")
    await t


@scenario
async def cancelling_task_awaiting_shield_leaves_inner_running():
    inner = asyncio.create_task(worker("I", 4, "i"))

    async def guard():
        try:
            return await asyncio.shield(inner)
        except asyncio.CancelledError:
            rec(f"G-cancelled-I-done-{s(inner.done())}")
            raise

    g = asyncio.create_task(guard())
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    rec(f"main-cancel-{s(g.cancel())}")
    try:
        await g
    except asyncio.CancelledError:
        rec(f"main-saw-G-cancelled-I-cancelled-{s(inner.cancelled())}")
    rec(f"main-got-{await inner}")


@scenario
async def shielded_inner_cancelled_cancels_awaiter():
    inner = asyncio.create_task(worker("I", 5, "i"))

    async def guard():
        try:
            return await asyncio.shield(inner)
        except asyncio.CancelledError:
            rec("G-cancelled")
            raise

    g = asyncio.create_task(guard())
    await asyncio.sleep(0)
    rec(f"main-cancel-inner-{s(inner.cancel())}")
    try:
        await g
    except asyncio.CancelledError:
        rec(f"main-saw-G-cancelled-{s(g.cancelled())}")


@scenario
async def as_completed_in_completion_order_two_hops_after_each():
    async def bad():
        rec("C-start")
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        raise ValueError("c-failed")

    a = asyncio.create_task(worker("A", 3, "a"))
    b = asyncio.create_task(worker("B", 1, "b"))
    c = asyncio.create_task(bad())
    t = asyncio.create_task(worker("T", 8))
    for f in asyncio.as_completed([a, b, c]):
        try:
            rec(f"main-got-{await f}")
        except ValueError as e:
            rec(f"main-caught-{e}")
    await t


@scenario
async def as_completed_timeout_raises_for_each_remaining():
    a = asyncio.create_task(worker("A", 1, "a"))
    b = asyncio.create_task(asyncio.sleep(10, "b"))
    c = asyncio.create_task(asyncio.sleep(10, "c"))
    for f in asyncio.as_completed([a, b, c], timeout=0.05):
        try:
            rec(f"main-got-{await f}")
        except asyncio.TimeoutError:
            rec(f"main-timeout-B-done-{s(b.done())}-C-cancelled-{s(c.cancelled())}")
    rec("main-end")


def run(fn):
    """Runs the scenario `fn` under asyncio.run and returns its events, with how the run ended."""
    events.clear()
    try:
        result = asyncio.run(fn())
        if result is not None:
            rec(f"run-returned-{s(result)}")
    except asyncio.CancelledError:
        rec("run-cancelled")
    except Exception as e:
        rec(f"run-raised-{e}")
    return list(events)


def java_lines(text):
    r"""The lines of `text` as Java's String.lines() gives them: \n, \r or \r\n end a line."""
    lines = re.split(r"\r\n|\r|\n", text)
    if lines[-1] == "":
        lines.pop()
    return lines


def run_in_own_process(name):
    """The lines `python3 scenarios.py NAME` prints, or the reason it failed; and whether it did."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    done = subprocess.run(
        [sys.executable, os.path.abspath(__file__), name], capture_output=True, env=env)
    if done.returncode != 0:
        reason = f"python3 scenarios.py {name} exited with {done.returncode}:\n"
        return java_lines(reason + done.stderr.decode("utf-8", "replace")), False
    return java_lines(done.stdout.decode("utf-8")), True


def run_all():
    """Prints the block of every scenario, as the module's doc describes."""
    for name, fn in SCENARIOS.items():
        if name in OWN_PROCESS:
            lines, ok = run_in_own_process(name)
        else:
            try:
                lines, ok = java_lines("".join(e + "\n" for e in run(fn))), True
            except KeyboardInterrupt:
                raise
            except BaseException:  # what asyncio.run lets out, e.g. SystemExit: this scenario fails
                lines, ok = java_lines(traceback.format_exc()), False
            events.clear()
            gc.collect()  # so that no finalizer of this scenario's objects runs in the next one
        print(f"{'scenario' if ok else 'failed'} {name} {len(lines)}")
        for line in lines:
            print(line)
    return 0


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "--list":
        for name in SCENARIOS:
            print(name)
        return 0
    if argv[1] == "--all":
        return run_all()
    fn = SCENARIOS.get(argv[1])
    if fn is None:
        print(f"unknown scenario {argv[1]!r}", file=sys.stderr)
        return 2
    for e in run(fn):
        print(e)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
