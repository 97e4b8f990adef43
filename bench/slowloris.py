"""Slow-client attack for bench/serve_slowloris.sh: CONNECTIONS connections to 127.0.0.1:PORT
from the loopback address FROM, each sending the start of a request ("POST /v1/tag HTTP/1.1",
"Host:") and then one more header line every EVERY seconds, never finishing its head. Every
EVERY seconds the connections the server has closed are opened again (as the slowloris tool
does), so the attack keeps up its count of connections for SECONDS. Then it prints, as JSON, how the server answered: connections opened,
answers by status, connections still open at the end, and for each status the longest a
connection stayed open (from its connect to the server's close) and the longest it waited for
its answer (from its connect to the answer's first byte).

    python3 bench/slowloris.py PORT [--from 127.0.0.2] [--connections 1100] [--every 5] [--seconds 30]
"""

import argparse
import errno
import json
import resource
import selectors
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("--from", dest="source", default="127.0.0.2")
parser.add_argument("--connections", type=int, default=1100)
parser.add_argument("--every", type=float, default=5.0)
parser.add_argument("--seconds", type=float, default=30.0)
args = parser.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, args.connections * 2 + 64)), hard))

selector = selectors.DefaultSelector()
start = time.monotonic()
opened = 0
answers = {}  # status -> count
longest = {}  # status -> longest seconds open
lifetimes = {}  # status -> list of seconds open
answered = {}  # status -> longest seconds from connect to the answer's first byte
connect_errors = 0


class Conn:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.sock.bind((args.source, 0))
        err = self.sock.connect_ex(("127.0.0.1", args.port))
        if err not in (0, errno.EINPROGRESS):
            self.sock.close()
            raise OSError(err, "connect")
        self.opened = time.monotonic()
        self.lines = 0
        self.next_send = self.opened
        self.received = b""
        self.answered = None
        selector.register(self.sock, selectors.EVENT_READ, self)

    def trickle(self, now):
        if now < self.next_send:
            return
        if self.lines == 0:
            piece = b"POST /v1/tag HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        else:
            piece = b"X-Slow-%d: 1\r\n" % self.lines
        try:
            self.sock.send(piece)
        except OSError:
            if self.lines == 0:
                return  # not connected yet: the request line is sent once it is
            # closed by the server: the read side tells
        self.lines += 1
        self.next_send = now + args.every

    def finish(self, now):
        selector.unregister(self.sock)
        self.sock.close()
        status = "none"
        if self.received.startswith(b"HTTP/1.1 "):
            status = self.received[9:12].decode()
        answers[status] = answers.get(status, 0) + 1
        lifetimes.setdefault(status, []).append(now - self.opened)
        if self.answered is not None:
            answered[status] = max(answered.get(status, 0.0), self.answered - self.opened)
        longest[status] = max(longest.get(status, 0.0), now - self.opened)


conns = set()


def open_one():
    global opened, connect_errors
    try:
        conns.add(Conn())
        opened += 1
    except OSError:
        connect_errors += 1


for _ in range(args.connections):
    open_one()
next_tick = start + args.every

while time.monotonic() - start < args.seconds:
    now = time.monotonic()
    for c in list(conns):
        c.trickle(now)
    for key, _ in selector.select(timeout=0.05):
        c = key.data
        try:
            data = c.sock.recv(65536)
        except OSError:
            data = b""
        if data:
            if c.answered is None:
                c.answered = time.monotonic()
            c.received += data
            continue
        c.finish(time.monotonic())
        conns.discard(c)
    if now >= next_tick:
        next_tick += args.every
        for _ in range(args.connections - len(conns)):
            open_one()

still_open = len(conns)
oldest = max((time.monotonic() - c.opened for c in conns), default=0.0)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else 0.0


print(json.dumps({
    "connections_opened": opened,
    "connect_errors": connect_errors,
    "answers": answers,
    "still_open_at_end": still_open,
    "oldest_open_at_end_s": round(oldest, 2),
    "open_seconds_max": {k: round(v, 2) for k, v in longest.items()},
    "open_seconds_p50": {k: round(pct(v, 50), 2) for k, v in lifetimes.items()},
    "answer_seconds_max": {k: round(v, 2) for k, v in answered.items()},
}, sort_keys=True))
