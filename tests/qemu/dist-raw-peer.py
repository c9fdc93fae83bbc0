#!/usr/bin/env python3
"""A hand-made distribution peer for tests/qemu/matrix-dist.sh: does the
version 6 handshake with Armada as NAME (cookie COOKIE) on 127.0.0.1:PORT,
then sends one broken packet of KIND and reports whether Armada closed the
connection:  dist-raw-peer.py PORT NAME COOKIE KIND
KIND: garbage (a control message that is no term), huge (a length of 4 GiB),
untagged (a packet without the pass-through byte). Or KIND again-true /
again-false: with the first connection up, call again under the same name;
Armada answers "alive", and we say true ("replaced": the new connection's
handshake done and the first closed by Armada) or false ("kept": the new one
closed, the first still answering ticks). Or KIND deaf: with a small
receive buffer, link Armada's echo (so ps has a line for us), then send it
{Self, Binary} requests without ever reading its answers, until its
connection process is stuck writing to us ("flooding" once started; stopped
by the harness, or after 30 s)."""
import socket
import struct
import sys

from dist_wire import MANDATORY_25, atom, digest, packet, pid, recv_msg2, send_msg2









def closed(s, seconds):
    """Whether Armada closes s within seconds (its ticks may come first)."""
    s.settimeout(seconds)
    try:
        while s.recv(4096):
            pass
        return True
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True


def again(port, name, cookie, answer):
    """A second call under the same name while the first is up."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    send_msg2(s, b"N" + struct.pack(">QIH", MANDATORY_25 | 0x1, 1, len(name)) + name)
    status = recv_msg2(s)
    print(f"second status {status[1:].decode()}")
    if status != b"salive":
        return None
    send_msg2(s, b"s" + answer)
    if answer == b"true":
        rest(s, cookie)
    return s


def rest(s, cookie):
    """A's part after the status: their challenge, our reply, their ack."""
    challenge = recv_msg2(s)
    (theirs,) = struct.unpack(">I", challenge[9:13])
    ours = 0x12345678
    mine = digest(cookie, theirs)
    send_msg2(s, b"r" + struct.pack(">I", ours) + mine)
    ack = recv_msg2(s)
    if ack != b"a" + digest(cookie, ours):
        print("bad ack")
        return False
    return True


def deaf(s, name):
    """Link echo, then flood it with requests and never read (see the top)."""
    me = pid(name, 1)
    # {LINK, From, To}: To is echo's pid, which we do not know: link by REG_SEND's
    # {From, link_me} instead (echo answers with a process that links to From)
    s.sendall(packet(bytes([104, 4, 97, 6]) + me + atom("") + atom("echo"),
                     bytes([104, 2]) + me + atom("link_me")))
    request = packet(bytes([104, 4, 97, 6]) + me + atom("") + atom("echo"),
                     bytes([104, 2]) + me + bytes([109]) + struct.pack(">I", 3000) + bytes(3000))
    print("flooding", flush=True)
    s.settimeout(30)
    try:
        while True:
            s.sendall(request)
    except (socket.timeout, OSError):
        pass
    return 0


def main():
    port, name, cookie, kind = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4]
    s = socket.socket()
    if kind == "deaf":  # before connect: the window we offer stays small
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    send_msg2(s, b"N" + struct.pack(">QIH", MANDATORY_25 | 0x1, 1, len(name)) + name)
    status = recv_msg2(s)
    if status != b"sok":
        print(f"status {status!r}")
        return 1
    if not rest(s, cookie):
        return 1
    print("handshake done", flush=True)
    if kind == "deaf":
        return deaf(s, name)
    if kind.startswith("again-"):
        second = again(port, name, cookie, kind[6:].encode())
        if second is None:
            return 1
        if kind == "again-true":
            print("replaced" if closed(s, 10) and not closed(second, 2) else "not replaced")
        else:
            s.sendall(struct.pack(">I", 0))  # a tick: the first must still be read
            print("kept" if closed(second, 10) and not closed(s, 2) else "not kept")
        return 0
    if kind == "garbage":
        body = b"p\x83\x01\x02\x03"
        s.sendall(struct.pack(">I", len(body)) + body)
    elif kind == "huge":
        s.sendall(struct.pack(">I", 0xFFFFFFFF) + b"p")
    elif kind == "untagged":
        s.sendall(struct.pack(">I", 3) + b"\x01\x02\x03")
    try:
        while True:
            data = s.recv(4096)  # Armada's ticks may come first
            if not data:
                print("closed by armada")
                return 0
    except socket.timeout:
        print("still open after 10 s")
        return 1
    except ConnectionResetError:
        print("closed by armada")
        return 0


if __name__ == "__main__":
    sys.exit(main())
