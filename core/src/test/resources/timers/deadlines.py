"""A reply at the deadline under asyncio, on a virtual clock: wait_for, wait, timeout and
timeout_at with a reply just before the deadline and exactly at it, scheduled before or after the
deadline's own timer. Prints one line per case: what the waiter got, and the loop's time then.
VirtualClockDeadlinesTest runs the same cases on EventLoop.createVirtual() and compares.

asyncio's loop runs here on a virtual clock (the loop's time() is a number that its selector
moves, when asyncio would wait, to the next timer's deadline), so that a reply 1 ms before the
deadline is exactly that, whatever the machine's load; on the real clock asyncio gives the same
answers, but a 1 ms margin is lost in the noise of a busy machine."""
import asyncio
import selectors


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """asyncio's event loop whose clock jumps to the next timer when nothing is ready."""

    def __init__(self):
        self._virtual_now = 0.0
        super().__init__(selector=JumpingSelector(self))

    def time(self):
        return self._virtual_now


class JumpingSelector(selectors.DefaultSelector):
    """Where asyncio would wait for a timer, moves the loop's clock to it instead."""

    def __init__(self, loop):
        super().__init__()
        self._loop = loop

    def select(self, timeout=None):
        ready = super().select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        scheduled = self._loop._scheduled  # its head is not cancelled: _run_once dropped those
        if timeout is None or not scheduled:
            return super().select(timeout)  # no timer to jump to: wait as asyncio does
        self._loop._virtual_now = scheduled[0]._when
        return []


lines = []


def case(name, coroutine_function):
    loop = VirtualClockLoop()
    try:
        outcome = loop.run_until_complete(coroutine_function())
        lines.append(f"{name}: {outcome} at {loop.time():.3f}")
    finally:
        loop.close()


async def reply_after(delay):
    await asyncio.sleep(delay)
    return "reply"


def wait_for_a_reply(delay):
    async def main():
        try:
            return await asyncio.wait_for(reply_after(delay), 1.0)
        except asyncio.TimeoutError:
            return "timeout"
    return main


def wait_for_a_reply_scheduled_first(delay):
    async def main():
        replier = asyncio.create_task(reply_after(delay))
        await asyncio.sleep(0)  # the replier's timer is set before the deadline's
        try:
            return await asyncio.wait_for(replier, 1.0)
        except asyncio.TimeoutError:
            return "timeout"
    return main


def wait_for_a_reply_scheduled_an_iteration_earlier(delay):
    async def main():
        replier = asyncio.create_task(reply_after(delay))
        await asyncio.sleep(0)
        await asyncio.sleep(0)  # the deadline's timer is set one iteration after the replier's
        try:
            return await asyncio.wait_for(replier, 1.0)
        except asyncio.TimeoutError:
            return "timeout"
    return main


def timeout_around_a_sleep(delay):
    async def main():
        try:
            async with asyncio.timeout(1.0):
                await asyncio.sleep(delay)
            return "ok"
        except TimeoutError:
            return "timeout"
    return main


def timeout_at_around_a_sleep(delay):
    async def main():
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout_at(loop.time() + 1.0):
                await asyncio.sleep(delay)
            return "ok"
        except TimeoutError:
            return "timeout"
    return main


def wait_with_timeout(delay):
    async def main():
        task = asyncio.create_task(reply_after(delay))
        done, pending = await asyncio.wait([task], timeout=1.0)
        outcome = "done" if task in done else "pending"
        task.cancel()
        return outcome
    return main


async def timeout_at_now():
    loop = asyncio.get_running_loop()
    steps = []
    try:
        async with asyncio.timeout_at(loop.time()):
            steps.append("body")
            await asyncio.sleep(0)
            steps.append("after the first suspension")
        return "ok"
    except TimeoutError:
        return "timeout after " + ", ".join(steps)


async def wait_for_a_future_never_done():
    try:
        return await asyncio.wait_for(asyncio.get_running_loop().create_future(), 1.0)
    except asyncio.TimeoutError:
        return "timeout"


for d in (0.999, 1.0):
    case(f"wait_for a reply at {d}", wait_for_a_reply(d))
for d in (0.999, 1.0):
    case(f"wait_for a reply at {d} scheduled first", wait_for_a_reply_scheduled_first(d))
case("wait_for a reply at 1.0 scheduled an iteration earlier",
     wait_for_a_reply_scheduled_an_iteration_earlier(1.0))
for d in (0.999, 1.0):
    case(f"timeout around a sleep of {d}", timeout_around_a_sleep(d))
for d in (0.999, 1.0):
    case(f"timeout_at around a sleep of {d}", timeout_at_around_a_sleep(d))
for d in (0.999, 1.0):
    case(f"wait with a reply at {d}", wait_with_timeout(d))
case("timeout_at now", timeout_at_now)
case("wait_for a future never done", wait_for_a_future_never_done)
for line in lines:
    print(line)
