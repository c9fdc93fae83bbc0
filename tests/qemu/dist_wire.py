"""The distribution's wire, shared by the hand-made peers of matrix-dist.sh
(dist-raw-peer.py, dist-simul-peer.py): 2-byte-length handshake messages and
the MD5 challenge digest, as OTP 25 speaks them."""
import hashlib
import struct

# The distribution flags OTP 25 requires (and the peers offer).
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


def digest(cookie, challenge):
    return hashlib.md5(cookie + str(challenge).encode()).digest()
