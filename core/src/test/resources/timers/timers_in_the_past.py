"""Timers in the past under asyncio: the order in which call_soon, call_later with negative,
zero and positive delays, and call_at in the past run, scheduled before the loop runs and from a
callback. Prints one event a line, in the order they ran. TimersInThePastTest runs the same
program on fgbg's EventSources and compares."""
import asyncio

loop = asyncio.new_event_loop()
events = []


def rec(name):
    events.append(name)


def nested():
    events.append("nested")
    loop.call_later(-5, rec, "nested later -5")
    loop.call_soon(rec, "nested soon")
    loop.call_later(0, rec, "nested later 0")
    loop.call_at(loop.time() - 10, rec, "nested at now-10")


loop.call_later(0, rec, "later 0")
loop.call_later(-1, rec, "later -1")
loop.call_soon(rec, "soon")
loop.call_later(-2, rec, "later -2")
loop.call_at(loop.time() - 3, rec, "at now-3")
loop.call_later(-1, rec, "later -1 again")
loop.call_later(-1000000, rec, "later -1000000")
loop.call_soon(nested)
loop.call_later(0.05, rec, "later 0.05")
loop.call_later(0.1, loop.stop)
loop.run_forever()
loop.close()
for event in events:
    print(event)
