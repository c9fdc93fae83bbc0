#!/usr/bin/env python3
"""A hand-made node for tests/qemu/matrix-dist.sh's simultaneous connect:
it and Armada call each other at the same time, on purpose.

  dist-simul-peer.py EPMD_PORT ARMADA_PORT NAME COOKIE [alive]

It registers NAME with the epmd at EPMD_PORT (a port of its own), prints
"registered", and waits for Armada to call it (the harness types `dping NAME`
on Armada's console). With Armada's name in, and that call held in its
handshake, it calls Armada itself and prints the status Armada gives
("status ok_simultaneous" / "status nok"). Then it plays its part as OTP
does: the connection called by the node with the greater name goes on, the
other gets "nok" (or was given it). With `alive` (a NAME greater than
Armada's), it finishes its own call first and then answers Armada's with
"alive", as a node whose connection came up first does; Armada, whose call
is no longer the pending one, must answer false ("alive answer false"). On the one left it answers Armada's ping
(net_kernel's is_auth), messages Armada's echo and prints "echo answered",
and prints "survivor called-by-us" or "survivor called-by-armada"; then
"other closed" once the losing connection is seen closed. Every step under a
timeout: "timeout WHERE" and exit 1 if one passes."""
import socket
import struct
import sys
import time

from dist_wire import MANDATORY_25, atom, digest, listen_and_register, packet, pid, recv_msg2, send_msg2

FLAGS = MANDATORY_25 | 0x1  # and DFLAG_PUBLISHED
CREATION = 7










def term_len(b, i):
    """The length of the encoded term at b[i] (the kinds Armada's ping uses)."""
    tag = b[i]
    if tag in (100, 118):  # ATOM_EXT, ATOM_UTF8_EXT
        return 3 + struct.unpack(">H", b[i + 1:i + 3])[0]
    if tag in (115, 119):  # SMALL_ATOM(_UTF8)_EXT
        return 2 + b[i + 1]
    if tag == 88:  # NEW_PID_EXT: node, id, serial, creation
        return 1 + term_len(b, i + 1) + 12
    if tag == 90:  # NEWER_REFERENCE_EXT: len, node, creation, ids
        (n,) = struct.unpack(">H", b[i + 1:i + 3])
        return 3 + term_len(b, i + 3) + 4 + 4 * n
    if tag == 104:  # SMALL_TUPLE_EXT
        at = i + 2
        for _ in range(b[i + 1]):
            at += term_len(b, at)
        return at - i
    if tag == 97:  # SMALL_INTEGER_EXT
        return 2
    raise ValueError(f"term tag {tag} at {i}")


def elements(b, i):
    """The encodings of a small tuple's elements at b[i]."""
    out, at = [], i + 2
    for _ in range(b[i + 1]):
        n = term_len(b, at)
        out.append(b[at:at + n])
        at += n
    return out


def our_pid(name):
    return pid(name, CREATION)


def accept_rest(s, cookie, name):
    """B's part after "sok": challenge, their reply, our ack."""
    ours = 0x0BADCAFE
    send_msg2(s, b"N" + struct.pack(">QIIH", FLAGS, ours, CREATION, len(name)) + name)
    reply = recv_msg2(s)
    if reply[:1] != b"r" or reply[5:21] != digest(cookie, ours):
        raise ValueError("bad reply from armada")
    (theirs,) = struct.unpack(">I", reply[1:5])
    send_msg2(s, b"a" + digest(cookie, theirs))


def connect_rest(s, cookie):
    """A's part after "sok"/"sok_simultaneous": their challenge, our reply, their ack."""
    challenge = recv_msg2(s)
    (theirs,) = struct.unpack(">I", challenge[9:13])
    ours = 0x12345678
    send_msg2(s, b"r" + struct.pack(">I", ours) + digest(cookie, theirs))
    if recv_msg2(s) != b"a" + digest(cookie, ours):
        raise ValueError("bad ack from armada")


def serve(s, name):
    """On the connection left: answer Armada's ping and message its echo, until both are done."""
    me = our_pid(name)
    echo_sent = pinged = answered = False
    buf = b""
    while True:
        if not echo_sent:
            # {REG_SEND, From, '', echo} ! {From, hello_through_the_survivor}
            ctrl = bytes([104, 4, 97, 6]) + me + atom("") + atom("echo")
            s.sendall(packet(ctrl, bytes([104, 2]) + me + atom("hello_through_the_survivor")))
            echo_sent = True
        data = s.recv(4096)
        if not data:
            raise EOFError("the surviving connection closed")
        buf += data
        while len(buf) >= 4:
            (n,) = struct.unpack(">I", buf[:4])
            if len(buf) < 4 + n:
                break
            p, buf = buf[4:4 + n], buf[4 + n:]
            if n == 0:
                s.sendall(struct.pack(">I", 0))  # a tick back
                continue
            ctrl_len = term_len(p, 2)
            ctrl = elements(p, 2)
            msg = p[2 + ctrl_len + 1:]
            if ctrl[0] == bytes([97, 6]) and b"net_kernel" in ctrl[3]:
                # {'$gen_call', {From, Tag}, {is_auth, _}} -> From ! {Tag, yes}
                from_pid, tag = elements(elements(msg, 0)[1], 0)
                s.sendall(packet(bytes([104, 3, 97, 2]) + atom("") + from_pid, bytes([104, 2]) + tag + atom("yes")))
                pinged = True
            elif b"hello_through_the_survivor" in msg:
                print("echo answered", flush=True)
                answered = True
            if pinged and answered:
                return True


def main():
    epmd_port, armada_port, name, cookie = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode()
    alive_mode = len(sys.argv) > 5 and sys.argv[5] == "alive"
    alive = name.split(b"@")[0]
    where = "epmd"
    try:
        try:
            lsock, epmd = listen_and_register(epmd_port, alive)
        except ConnectionError as e:
            print(e)
            return 1
        print("registered", flush=True)
        where = "armada's call"
        theirs, _ = lsock.accept()
        theirs.settimeout(20)
        hello = recv_msg2(theirs)  # Armada's 'N': its name; its call now waits for our status
        (nlen,) = struct.unpack(">H", hello[13:15])
        armada = hello[15:15 + nlen]
        print(f"called by {armada.decode()}", flush=True)
        where = "our call"
        ours = socket.create_connection(("127.0.0.1", armada_port), timeout=20)
        send_msg2(ours, b"N" + struct.pack(">QIH", FLAGS, CREATION, len(name)) + name)
        status = recv_msg2(ours)
        print(f"status {status[1:].decode()}", flush=True)
        if name > armada:  # ours wins: Armada said ok_simultaneous; its call gets nok
            if status != b"sok_simultaneous":
                return 1
            if alive_mode:  # as a node whose call came up first: "alive" to Armada's call, which must say false
                connect_rest(ours, cookie)
                send_msg2(theirs, b"salive")
                answer = recv_msg2(theirs)
                print(f"alive answer {answer[1:].decode()}", flush=True)
            else:
                send_msg2(theirs, b"snok")
                time.sleep(1)  # Armada's ping, its call given up, must wait for this one to come up
                connect_rest(ours, cookie)
            survivor, other, which = ours, theirs, "called-by-us"
        else:  # Armada's call wins: it said nok to ours; we say ok to its
            if status != b"snok":
                return 1
            send_msg2(theirs, b"sok")
            accept_rest(theirs, cookie, name)
            survivor, other, which = theirs, ours, "called-by-armada"
        where = "the survivor"
        serve(survivor, name)
        print(f"survivor {which}", flush=True)
        where = "the other's close"
        other.settimeout(10)
        try:
            while other.recv(4096):
                pass
        except ConnectionResetError:
            pass
        print("other closed", flush=True)
        survivor.settimeout(10)
        try:
            while True:  # Armada's console shows pong meanwhile; stay until the harness is done
                data = survivor.recv(4096)
                if not data:
                    break
                if data == b"\0\0\0\0":
                    survivor.sendall(data)
        except socket.timeout:
            pass
        return 0
    except (socket.timeout, EOFError, ValueError, OSError) as e:
        print(f"timeout {where}: {e}", flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
