#!/usr/bin/env python3
"""Host peer of tests/qemu/matrix-net.sh and make bench: talks to an echo
service on 127.0.0.1:PORT (Armada's, or socat's as the reference).
  net-client.py PORT bulk BYTES      one connection: BYTES of random data out,
                                     every byte back, compared by SHA-256
  net-client.py PORT short N         N short connections in a row, 100 bytes each
  net-client.py PORT parallel K BYTES  K connections at once, BYTES each
  net-client.py PORT reset BYTES     a bulk transfer the client resets (SO_LINGER 0)
                                     once a quarter came back; then a bulk that works
  net-client.py PORT flood UDP BYTES a bulk echo while UDP datagrams pour into
                                     127.0.0.1:UDP in ring-filling bursts
  net-client.py PORT serve BYTES     the other way round: listen on PORT, take one
                                     connection (Armada's `nc`), echo it, check the
                                     BYTES that came are nc's pattern
  net-client.py PORT bench BYTES N   print throughput (one BYTES transfer) and the
                                     median round trip of N 64-byte requests
Every socket operation has a timeout; prints PASS/FAIL lines (bench: BENCHNET)."""
import hashlib, os, select, socket, statistics, struct, sys, threading, time

port, mode = int(sys.argv[1]), sys.argv[2]
args = [int(a) for a in sys.argv[3:]]


def read_to_end(s, got=None, echo=False):
    """Everything s receives until the peer closes, appended to got (which
    keeps what came if an error ends it); sent back as it comes if echo."""
    got = bytearray() if got is None else got
    while True:
        b = s.recv(65536)
        if not b:
            return got
        got += b
        if echo:
            s.sendall(b)


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
        got = read_to_end(s)
        t.join(timeout)
        if err:
            raise err[0]
        return bytes(got)
    finally:
        s.close()


def reset_midway(data, reset_after, timeout):
    """Send data and read the echo in one thread (select), and once
    reset_after bytes came back, close with SO_LINGER 0: a RST, mid-transfer.
    Returns what came back."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setblocking(False)
    got, off, deadline = bytearray(), 0, time.time() + timeout
    try:
        while len(got) < reset_after and time.time() < deadline:
            r, w, _ = select.select([s], [s] if off < len(data) else [], [], 1)
            if w:
                off += s.send(data[off:off + 65536])
            if r:
                b = s.recv(65536)
                if not b:
                    break
                got += b
    finally:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    return bytes(got), off


def bulk(name, n, timeout=60):
    data = os.urandom(n)
    start = time.time()
    got = echo_once(data, timeout)
    secs = time.time() - start
    if len(got) != len(data) or hashlib.sha256(got).digest() != hashlib.sha256(data).digest():
        print(f"FAIL {name}: sent {len(data)} bytes, got {len(got)} back, checksum differs")
        return False
    print(f"PASS {name}: every byte back in order ({secs:.1f}s, {n / secs / 1048576:.2f} MiB/s emulated)")
    return True


def pattern(n):  # apps/shell_net.c's pattern(): byte i
    return bytes((((i ^ (i >> 8) ^ (i >> 16)) * 31 + 7) & 255) for i in range(n))


def main():
    if mode == "bulk":
        return bulk(f"echo-bulk-{args[0]}", args[0])
    if mode == "short":
        n = args[0]
        for i in range(n):
            data = os.urandom(100)
            got = echo_once(data, 20)
            if got != data:
                print(f"FAIL echo-short-{n}: connection {i} got {len(got)} bytes back, not the 100 sent")
                return False
        print(f"PASS echo-short-{n}: {n} connections, each echoed")
        return True
    if mode == "parallel":
        k, n = args
        results = [None] * k
        def one(i):
            try:
                data = os.urandom(n)
                results[i] = echo_once(data, 60) == data
            except OSError:
                results[i] = False
        ts = [threading.Thread(target=one, args=(i,)) for i in range(k)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(90)
        ok = sum(1 for r in results if r)
        print(f"{'PASS' if ok == k else 'FAIL'} echo-parallel-{k}x{n}: {ok} of {k} concurrent connections echoed every byte")
        return ok == k
    if mode == "reset":
        n = args[0]
        data = os.urandom(n)
        got, off = reset_midway(data, n // 4, 30)
        if len(got) < n // 4 or got != data[:len(got)] or len(got) >= n:
            print(f"FAIL echo-reset: {len(got)} bytes back ({off} sent) before the reset, or they differ")
            return False
        print(f"PASS echo-reset: reset mid-transfer ({off} of {n} bytes sent), the {len(got)} back intact")
        return bulk("echo-after-reset", n)
    if mode == "flood":
        udp_port, n = args
        stop, sent = threading.Event(), [0]
        def flood():
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            payload = os.urandom(1400)
            # Bursts of 3 rings' worth (128 buffers), 20 ms apart: each fills
            # the ring, and the echo gets through between them. (Without the
            # pause the host sent nothing but datagrams: 1 MiB took 170 s.)
            while not stop.is_set():
                for _ in range(384):
                    try:
                        u.sendto(payload, ("127.0.0.1", udp_port))
                        sent[0] += 1
                    except OSError:
                        pass
                stop.wait(0.02)
            u.close()
        t = threading.Thread(target=flood)
        t.start()
        try:
            ok = bulk(f"echo-under-flood-{n}", n)
        finally:
            stop.set()
            t.join(10)
        print(f"flood: {sent[0]} UDP datagrams of 1400 bytes sent meanwhile")
        return ok
    if mode == "serve":
        n = args[0]
        ls = socket.socket()
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind(("127.0.0.1", port))
        ls.listen(1)
        ls.settimeout(60)
        print(f"listening on 127.0.0.1:{port}", flush=True)
        s, peer = ls.accept()
        s.settimeout(20)
        got = bytearray()
        try:
            read_to_end(s, got, echo=True)
        except OSError as e:
            print(f"connection: {e}")
        s.close()
        ls.close()
        ok = bytes(got) == pattern(n)
        print(f"{'PASS' if ok else 'FAIL'} net-guest-connect-host: {len(got)} of {n} bytes from the guest's nc "
              f"({peer[0]}), {'its pattern' if ok else 'NOT its pattern'}, all echoed back")
        return ok
    if mode == "bench":
        n, rounds = args
        data = os.urandom(n)
        start = time.time()
        got = echo_once(data, 120)
        secs = time.time() - start
        if got != data:
            print("FAIL bench: the bulk transfer came back wrong")
            return False
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        req, times = os.urandom(64), []
        for _ in range(rounds):
            t0 = time.perf_counter()
            s.sendall(req)
            back = b""
            while len(back) < 64:
                b = s.recv(64 - len(back))
                if not b:
                    raise OSError("closed during the latency test")
                back += b
            times.append(time.perf_counter() - t0)
        s.close()
        print(f"BENCHNET throughput {n / secs / 1048576:.2f} MiB/s latency-median {statistics.median(times) * 1e6:.0f} us"
              f" latency-p90 {sorted(times)[int(len(times) * 0.9)] * 1e6:.0f} us")
        return True
    print(f"FAIL net-client: unknown mode {mode}")
    return False


try:
    sys.exit(0 if main() else 1)
except OSError as e:
    print(f"FAIL net-client-{mode}: {e}")
    sys.exit(1)
