#!/usr/bin/env python3
"""A hand-made distribution peer for tests/qemu/matrix-dist.sh: does the
version 6 handshake with Armada as NAME (cookie COOKIE) on 127.0.0.1:PORT,
then sends one broken packet of KIND and reports whether Armada closed the
connection:  dist-raw-peer.py PORT NAME COOKIE KIND
KIND: garbage (a control message that is no term), huge (a length of 4 GiB),
untagged (a packet without the pass-through byte)."""
import hashlib
import socket
import struct
import sys

MANDATORY_25 = 0x4 | 0x10 | 0x80 | 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x20000 | 0x40000 | 0x1000000


def recv_exact(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            raise EOFError(f"closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def recv_msg2(s):
    (n,) = struct.unpack(">H", recv_exact(s, 2))
    return recv_exact(s, n)


def send_msg2(s, body):
    s.sendall(struct.pack(">H", len(body)) + body)


def main():
    port, name, cookie, kind = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3].encode(), sys.argv[4]
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    send_msg2(s, b"N" + struct.pack(">QIH", MANDATORY_25 | 0x1, 1, len(name)) + name)
    status = recv_msg2(s)
    if status != b"sok":
        print(f"status {status!r}")
        return 1
    challenge = recv_msg2(s)
    (theirs,) = struct.unpack(">I", challenge[9:13])
    ours = 0x12345678
    digest = hashlib.md5(cookie + str(theirs).encode()).digest()
    send_msg2(s, b"r" + struct.pack(">I", ours) + digest)
    ack = recv_msg2(s)
    if ack != b"a" + hashlib.md5(cookie + str(ours).encode()).digest():
        print("bad ack")
        return 1
    print("handshake done")
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
