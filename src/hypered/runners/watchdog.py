"""Runs a trial's program and kills it when the process that started it dies.

Usage: python -I -S watchdog.py FD PARENT_PID -- PROGRAM [ARGS...]

FD is the read end of a pipe whose only write end the parent holds: when the
parent dies, however it dies, the kernel closes that end and this process wakes
up at once and SIGKILLs its process group (itself, the program and whatever the
program started; the parent started it as a group leader). A change of parent
pid is checked every second too, in case a process forked by the parent holds
the pipe open. This works on any POSIX system, unlike Linux's PR_SET_PDEATHSIG
(which fires when the forking *thread* exits, and Dask runs tasks in threads).

The program's exit is passed on: the same exit code, or death by the same
signal. SIGTERM, SIGINT and SIGHUP do not stop this process: they reach the
program through its group, and it gets the grace period it is owed.

Standard library only, run with -I -S (no site-packages, no .pth files): it starts in milliseconds.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading


def _watch(fd: int, parent: int, program: int) -> None:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while os.getppid() == parent:
        if poller.poll(1000) and not os.read(fd, 1):  # end of file: the parent is gone
            break
    if os.getpgid(0) == os.getpid():  # we lead the trial's group: stop all of it, us included
        os.killpg(0, signal.SIGKILL)
    os.kill(program, signal.SIGKILL)
    os._exit(128 + signal.SIGKILL)


def main(argv: list[str]) -> int:
    fd, parent, separator, *command = argv
    if separator != "--" or not command:
        print(f"usage: watchdog.py FD PARENT_PID -- PROGRAM [ARGS...], got {argv}", file=sys.stderr)
        return 2
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda *_: None)  # caught, not ignored: the program gets the default again
    os.set_inheritable(int(fd), False)  # the program needs no lifeline of its own
    try:  # posix_spawnp, not subprocess: importing subprocess would double this process's start-up
        program = os.posix_spawnp(command[0], command, os.environ)
    except OSError as err:
        print(f"hypered: cannot start {command[0]!r}: {err}", file=sys.stderr)
        return 127
    threading.Thread(target=_watch, args=(int(fd), int(parent), program), daemon=True).start()
    _, status = os.waitpid(program, 0)
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # die the way the program died
        if -code not in (signal.SIGKILL, signal.SIGSTOP):
            signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code  # a signal whose default is not to die
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
