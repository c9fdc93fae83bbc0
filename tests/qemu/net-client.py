#!/usr/bin/env python3
"""Host peer of tests/qemu/matrix-net.sh: talks to Armada's TCP echo service.
  net-client.py PORT bulk BYTES   one connection: BYTES of random data out,
                                  every byte back, compared by SHA-256
  net-client.py PORT short N      N short connections in a row, each echoing
                                  100 bytes
Every socket operation has a timeout; prints PASS/FAIL lines."""
import hashlib, os, socket, sys, threading, time

port, mode, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def echo_once(data, timeout):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        err = []
        def tx():
            try:
                s.sendall(data)
                s.shutdown(socket.SHUT_WR)
            except OSError as e:
                err.append(e)
        t = threading.Thread(target=tx)
        t.start()
        got = bytearray()
        while True:
            b = s.recv(65536)
            if not b:
                break
            got += b
        t.join(timeout)
        if err:
            raise err[0]
        return bytes(got)
    finally:
        s.close()

try:
    if mode == "bulk":
        data = os.urandom(n)
        start = time.time()
        got = echo_once(data, 60)
        secs = time.time() - start
        if len(got) != len(data) or hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
            print(f"FAIL echo-bulk-{n}: sent {len(data)} bytes, got {len(got)} back, checksum differs")
            sys.exit(1)
        print(f"PASS echo-bulk-{n}: every byte back in order ({secs:.1f}s, {n / secs / 1048576:.2f} MiB/s emulated)")
    else:
        for i in range(n):
            data = os.urandom(100)
            got = echo_once(data, 20)
            if got != data:
                print(f"FAIL echo-short-{n}: connection {i} got {len(got)} bytes back, not the 100 sent")
                sys.exit(1)
        print(f"PASS echo-short-{n}: {n} connections, each echoed")
except OSError as e:
    print(f"FAIL echo-{mode}-{n}: {e}")
    sys.exit(1)
