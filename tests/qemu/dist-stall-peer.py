#!/usr/bin/env python3
"""A hand-made node for tests/qemu/matrix-dist.sh's dist-send-no-wait: it
registers with epmd and takes Armada's call, then never answers, so Armada's
handshake with it stalls until Armada gives up.

  dist-stall-peer.py EPMD_PORT NAME SECONDS

Prints "registered" once epmd has NAME, "called by NODE" when Armada's
handshake arrives, and "closed" if Armada closes it within SECONDS (it then
exits); "timeout WHERE" and exit 1 if a step passes SECONDS."""
import socket
import struct
import sys
import time

from dist_wire import listen_and_register, recv_msg2


def main():
    epmd_port, name, seconds = int(sys.argv[1]), sys.argv[2].encode(), float(sys.argv[3])
    where = "epmd"
    try:
        lsock, epmd = listen_and_register(epmd_port, name.split(b"@")[0], timeout=seconds)
        print("registered", flush=True)
        where = "armada's call"
        theirs, _ = lsock.accept()
        theirs.settimeout(seconds)
        hello = recv_msg2(theirs)  # Armada's 'N': its name; it now waits for our status, which never comes
        (nlen,) = struct.unpack(">H", hello[13:15])
        print(f"called by {hello[15:15 + nlen].decode()}", flush=True)
        where = "armada's close"
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if not theirs.recv(4096):
                print("closed", flush=True)
                epmd.close()
                return 0
        raise socket.timeout()
    except (socket.timeout, TimeoutError, EOFError, ConnectionError, OSError) as e:
        print(f"timeout {where} ({e})", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
