"""communicate() results and return codes under asyncio: one line per case, in order.
SubprocessAsyncioReferenceTest runs the same cases on fgbg and compares the lines (with the one
difference the JDK imposes: a child killed by a signal from elsewhere is 128+N, not -N)."""
import asyncio
from asyncio.subprocess import DEVNULL, PIPE, STDOUT

lines = []


def show(name, out, err, code):
    lines.append(f"{name}: stdout={out!r} stderr={err!r} returncode={code}")


async def communicate(name, argv, data=None, stdin=PIPE, stdout=PIPE, stderr=PIPE):
    proc = await asyncio.create_subprocess_exec(*argv, stdin=stdin, stdout=stdout, stderr=stderr)
    out, err = await proc.communicate(data)
    show(name, out, err, proc.returncode)


async def main():
    await communicate("cat", ["cat"], b"some data")
    await communicate("exit_3", ["sh", "-c", "echo out; echo err >&2; exit 3"], stdin=DEVNULL)
    await communicate("stdout_devnull", ["sh", "-c", "echo out; echo err >&2"], stdout=DEVNULL)
    await communicate("stderr_devnull", ["sh", "-c", "echo out; echo err >&2"], stderr=DEVNULL)
    await communicate("stderr_to_stdout", ["sh", "-c", "echo one; echo two >&2; echo three"],
                      stdin=DEVNULL, stderr=STDOUT)
    await communicate("empty_input", ["wc", "-c"], b"")
    await communicate("input_not_read", ["sh", "-c", "exit 0"], b"x" * (1 << 20))
    await communicate("self_kill_9", ["sh", "-c", "kill -9 $$"], stdin=DEVNULL)
    await communicate("self_term_15", ["sh", "-c", "kill -15 $$"], stdin=DEVNULL)

    proc = await asyncio.create_subprocess_shell("exit 7", stdin=DEVNULL)
    before = proc.returncode
    code = await proc.wait()
    again = await proc.wait()
    lines.append(f"shell_exit_7: before={before} wait={code} again={again} returncode={proc.returncode}")

    for name in ("kill", "terminate"):
        proc = await asyncio.create_subprocess_exec("sleep", "3600", stdin=DEVNULL)
        getattr(proc, name)()
        code = await proc.wait()
        lines.append(f"{name}: wait={code} returncode={proc.returncode}")

    proc = await asyncio.create_subprocess_shell(
        "for i in 1 2 3; do echo line $i; done; exit 2", stdin=DEVNULL, stdout=PIPE)
    got = []
    while line := await proc.stdout.readline():
        got.append(line)
    lines.append(f"readline: {got} wait={await proc.wait()}")


asyncio.run(main())
for line in lines:
    print(line)
