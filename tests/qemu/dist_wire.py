"""The distribution's wire, shared by the hand-made peers of matrix-dist.sh
(dist-raw-peer.py, dist-simul-peer.py, dist-stall-peer.py): 2-byte-length
handshake messages, the MD5 challenge digest, as OTP 25 speaks them, and a
node's registration with epmd."""
import hashlib
import socket
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


def listen_and_register(epmd_port, alive, timeout=30):
    """A listening socket on 127.0.0.1, registered with the epmd at epmd_port
    as `alive` (ALIVE2_REQ; epmd keeps it while the returned epmd socket is
    open). Returns (listening socket, epmd socket); raises on a refusal."""
    lsock = socket.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    lsock.settimeout(timeout)
    port = lsock.getsockname()[1]
    epmd = socket.create_connection(("127.0.0.1", epmd_port), timeout=10)
    send_msg2(epmd, b"x" + struct.pack(">HBBHHH", port, 77, 0, 6, 5, len(alive)) + alive + struct.pack(">H", 0))
    resp = recv_exact(epmd, 2)
    if resp[0] not in (ord("v"), ord("y")) or resp[1] != 0:
        raise ConnectionError(f"epmd refused: {resp!r}")
    return lsock, epmd


def atom(text):
    b = text if isinstance(text, bytes) else text.encode()
    return bytes([119, len(b)]) + b  # SMALL_ATOM_UTF8_EXT


def pid(node, creation, number=1):
    """NEW_PID_EXT of a process on node."""
    return bytes([88]) + atom(node) + struct.pack(">III", number, 0, creation)


def packet(control, message=b""):
    """A distribution packet after the handshake: length, pass-through, control[, message]."""
    body = b"p\x83" + control + (b"\x83" + message if message else b"")
    return struct.pack(">I", len(body)) + body
