"""End-to-end test of the Spark Gateway with real Spark Connect servers and the real pyspark client.

Starts two Spark Connect servers, two gateway replicas (A over TLS, B over h2c on loopback) reading
the compiler's route ConfigMaps, signs tokens with a test issuer whose JWKS the gateways read from a
file, and checks what a user of `sc://ds-dev.doordash.team` would see. Prints 'N passed, N failed'.
"""

import argparse
import datetime
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
import uuid

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HOST = "ds-dev.doordash.team"  # route.sjns-ds-dev.default: okta:data-science-leads, okta:data-science
SERVICE_KEY = "sjns-ds-dev/sc-default"
ISSUER = "https://issuer.e2e.test/oauth2/default"
AUDIENCE = "spark"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout, process=None, what="server"):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not open port {port} within {timeout}s")


class Keys:
    """A test issuer (RSA key + JWKS) and a CA-signed TLS certificate for *.doordash.team."""

    def __init__(self, folder):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        public.update({"kid": "e2e-1", "use": "sig", "alg": "RS256"})
        self.jwks = os.path.join(folder, "jwks.json")
        with open(self.jwks, "w") as f:
            json.dump({"keys": [public]}, f)
        ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = datetime.datetime.now(datetime.timezone.utc)
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pedregal e2e CA")])
        ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
              .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
              .not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True).sign(ca_key, hashes.SHA256()))
        server_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        server = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)]))
                  .issuer_name(ca_name).public_key(server_key.public_key()).serial_number(x509.random_serial_number())
                  .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
                  .add_extension(x509.SubjectAlternativeName([x509.DNSName("*.doordash.team")]), critical=False)
                  .sign(ca_key, hashes.SHA256()))
        self.ca = os.path.join(folder, "ca.pem")
        self.cert = os.path.join(folder, "tls.crt")
        self.tls_key = os.path.join(folder, "tls.key")
        with open(self.ca, "wb") as f:
            f.write(ca.public_bytes(serialization.Encoding.PEM))
        with open(self.cert, "wb") as f:
            f.write(server.public_bytes(serialization.Encoding.PEM))
        with open(self.tls_key, "wb") as f:
            f.write(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))

    def token(self, subject, groups=("data-science",), lifetime=3600, key=None, issuer=ISSUER, audience=AUDIENCE):
        now = int(time.time())
        claims = {"iss": issuer, "sub": subject, "aud": audience, "iat": now - 5, "nbf": now - 5, "exp": now + lifetime,
                  "groups": list(groups)}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "e2e-1"})


class Cluster:
    """Spark Connect servers and gateway replicas, all on free loopback ports."""

    def __init__(self, args, folder, keys):
        self.args, self.folder, self.keys = args, folder, keys
        self.spark = {}
        self.gateways = {}
        self.spark_ports = [free_port(), free_port()]
        self.routes = os.path.join(folder, "routes")
        shutil.copytree(args.routes, self.routes)
        self.backends = os.path.join(folder, "backends.yaml")
        with open(self.backends, "w") as f:
            f.write("services:\n  %s: [%s]\n" % (SERVICE_KEY, ", ".join(f"127.0.0.1:{p}" for p in self.spark_ports)))

    def start_spark(self, port):
        import pyspark
        home = os.path.dirname(pyspark.__file__)
        env = dict(os.environ, SPARK_HOME=home, PYSPARK_PYTHON=sys.executable)
        log = open(os.path.join(self.folder, f"spark-{port}.log"), "w")
        process = subprocess.Popen(
            [os.path.join(home, "bin", "spark-submit"), "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
             "--master", "local[2]", "--driver-memory", "768m", "--conf", f"spark.connect.grpc.binding.port={port}",
             "--conf", "spark.connect.grpc.binding.address=127.0.0.1", "--conf", "spark.ui.enabled=false",
             "--conf", f"spark.driver.extraJavaOptions=-Djava.io.tmpdir={self.folder}", "spark-internal"],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.spark[port] = process
        return process

    def start_gateway(self, name, tls, health_interval=1, extra=()):
        port, admin = free_port(), free_port()
        command = [self.args.binary, "gateway", "--routes", self.routes, "--backends", self.backends,
                   "--listen", f"127.0.0.1:{port}", "--admin-listen", f"127.0.0.1:{admin}", "--issuer", ISSUER,
                   "--audience", AUDIENCE, "--jwks", self.keys.jwks, "--route-refresh", "1",
                   "--health-interval", str(health_interval),
                   "--threads", "2", "--max-executions-per-route", "50"]
        if tls:
            command += ["--tls-certificate", self.keys.cert, "--tls-key", self.keys.tls_key]
        command += list(extra)
        log = open(os.path.join(self.folder, f"gateway-{name}.log"), "a")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        wait_port(port, 30, process, f"gateway {name}")
        self.gateways[name] = (process, port, admin, tls)
        return port

    def stop_gateway(self, name):
        process = self.gateways.pop(name)[0]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)

    def session(self, gateway, token, session_id=None, user_id=None, host=HOST, default_retries=False):
        _, port, _, tls = self.gateways[gateway]
        return connect(port, tls, token, session_id=session_id, user_id=user_id, host=host, default_retries=default_retries)

    def servers(self, gateway):
        """GET /servers of a gateway: sessions and health by server address."""
        admin = self.gateways[gateway][2]
        with urllib.request.urlopen(f"http://127.0.0.1:{admin}/servers", timeout=5) as response:
            return {s["server"]: s for s in json.load(response)["servers"]}

    def log_events(self, gateway, event):
        with open(os.path.join(self.folder, f"gateway-{gateway}.log"), errors="replace") as f:
            lines = [json.loads(line) for line in f if line.startswith("{")]
        return [line for line in lines if line.get("event") == event]

    def close(self):
        for process, *_ in list(self.gateways.values()):
            process.kill()
        for process in self.spark.values():
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def connect(port, tls, token, session_id=None, user_id=None, host=HOST, default_retries=False):
    """A pyspark Spark Connect session through the gateway on `port` (the route `host`), as a user opens one."""
    from pyspark.sql.connect.client import DefaultChannelBuilder
    from pyspark.sql.connect.session import SparkSession
    params = []
    if token is not None:
        params.append(f"token={token}")
    if session_id:
        params.append(f"session_id={session_id}")
    if user_id:
        params.append(f"user_id={user_id}")
    if tls:
        params.append("use_ssl=true")
    url = f"sc://{'127.0.0.1' if tls else 'localhost'}:{port}/;" + ";".join(params)
    options = [("grpc.default_authority", host)]
    if tls:
        options.append(("grpc.ssl_target_name_override", host))
    spark = SparkSession.builder.channelBuilder(DefaultChannelBuilder(url, channelOptions=options)).create()
    if default_retries:
        return spark  # as users run it: pyspark retries UNAVAILABLE for about 10 minutes
    # pyspark retries UNAVAILABLE for 10 minutes by default; a bounded policy keeps failures visible.
    from pyspark.sql.connect.client.retries import DefaultPolicy
    spark.client.set_retry_policies([DefaultPolicy(max_retries=4, initial_backoff=100, backoff_multiplier=2.0,
                                                   max_backoff=1000, jitter=50, min_jitter_threshold=500)])
    return spark


def server_port(spark):
    return int(spark.conf.get("spark.connect.grpc.binding.port"))


def within(seconds, action):
    """Runs `action`, failing if it has not returned or raised after `seconds` (it goes on in the background)."""
    import threading
    outcome = {}

    def run():
        try:
            outcome["value"] = action()
        except BaseException as error:  # noqa: B036 - handed back to the caller
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"still running after {seconds}s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def expect_failure(action, *needles):
    try:
        action()
    except Exception as error:  # pyspark wraps gRPC errors in its own exception types
        text, cause = str(error), error.__cause__
        while cause is not None:  # after retries, pyspark's RETRIES_EXCEEDED carries the last gRPC error as its cause
            text += "\n" + str(cause)
            cause = cause.__cause__
        assert any(n in text for n in needles), f"expected one of {needles}, got: {text[:400]}"
        return text
    raise AssertionError(f"expected a failure with {needles}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--routes", required=True)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="pedregal-gateway-e2e-")
    os.environ["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"] = os.path.join(folder, "ca.pem")
    keys = Keys(folder)
    cluster = Cluster(args, folder, keys)
    results = []

    def check(name, body):
        started = time.time()
        try:
            body()
            results.append((name, True))
            print(f"PASS {name} ({time.time() - started:.1f}s)", flush=True)
        except Exception:
            results.append((name, False))
            print(f"FAIL {name}\n{traceback.format_exc()}", flush=True)

    try:
        for port in cluster.spark_ports:
            cluster.start_spark(port)
        for port in cluster.spark_ports:
            wait_port(port, 180, cluster.spark[port], f"Spark Connect on {port}")
        cluster.start_gateway("A", tls=True)
        cluster.start_gateway("B", tls=False)
        alice = keys.token("alice@example.com")
        state = {}

        def queries_return_results():
            spark = cluster.session("A", alice)
            assert spark.range(1000).selectExpr("sum(id) AS s").collect()[0]["s"] == 499500
            rows = spark.sql("SELECT id, id * 2 AS twice FROM range(5)").toPandas()
            assert list(rows["twice"]) == [0, 2, 4, 6, 8]
            spark.stop()

        def refusals_have_the_right_status():
            expect_failure(lambda: cluster.session("A", None).range(1).collect(), "UNAUTHENTICATED", "no bearer token")
            expect_failure(lambda: cluster.session("A", keys.token("alice@example.com", lifetime=-300)).range(1).collect(),
                           "UNAUTHENTICATED")
            expect_failure(lambda: cluster.session("A", keys.token("alice@example.com", key=keys.other)).range(1).collect(),
                           "UNAUTHENTICATED")
            expect_failure(lambda: cluster.session("A", keys.token("alice@example.com", audience="other")).range(1).collect(),
                           "UNAUTHENTICATED")
            expect_failure(lambda: cluster.session("A", keys.token("eve@example.com", groups=["feature-eng"])).range(1).collect(),
                           "PERMISSION_DENIED")
            expect_failure(lambda: cluster.session("A", alice, host="nope.doordash.team").range(1).collect(),
                           "NOT_FOUND", "no Spark Connect cluster answers")

        def forged_user_and_foreign_session_do_not_reach_it():
            session_id = str(uuid.uuid4())
            owner = cluster.session("A", alice, session_id=session_id, user_id="mallory")
            owner.range(3).createOrReplaceTempView("alice_only")
            assert owner.sql("SELECT count(*) AS c FROM alice_only").collect()[0]["c"] == 3
            bob = keys.token("bob@example.com")
            # Bob presents Alice's session id and claims to be Alice: the replica that saw it refuses.
            expect_failure(lambda: cluster.session("A", bob, session_id=session_id, user_id="alice@example.com")
                           .sql("SELECT * FROM alice_only").collect(), "PERMISSION_DENIED")
            # A replica that never saw the session still cannot reach it: Bob gets his own, empty session.
            expect_failure(lambda: cluster.session("B", bob, session_id=session_id, user_id="alice@example.com")
                           .sql("SELECT * FROM alice_only").collect(), "TABLE_OR_VIEW_NOT_FOUND", "PERMISSION_DENIED")
            # Mallory's forged user_id did not stick: the same session is reachable as Alice through replica B.
            again = cluster.session("B", alice, session_id=session_id)
            assert again.sql("SELECT count(*) AS c FROM alice_only").collect()[0]["c"] == 3

        def sessions_spread_and_stay_pinned():
            placed = {}
            for index in range(8):
                session_id = str(uuid.uuid4())
                spark = cluster.session("A", alice, session_id=session_id)
                placed[session_id] = server_port(spark)
                spark.range(index + 1).createOrReplaceTempView("mine")
            assert set(placed.values()) == set(cluster.spark_ports), f"sessions did not spread: {placed}"
            state["placed"] = placed
            for gateway in ("A", "B"):
                for index, (session_id, port) in enumerate(placed.items()):
                    spark = cluster.session(gateway, alice, session_id=session_id)
                    assert server_port(spark) == port, f"{session_id} moved on gateway {gateway}"
                    assert spark.sql("SELECT count(*) AS c FROM mine").collect()[0]["c"] == index + 1

        def sessions_survive_a_gateway_restart():
            cluster.stop_gateway("A")
            cluster.start_gateway("A", tls=True)
            for index, (session_id, port) in enumerate(state["placed"].items()):
                spark = cluster.session("A", alice, session_id=session_id)
                assert server_port(spark) == port
                assert spark.sql("SELECT count(*) AS c FROM mine").collect()[0]["c"] == index + 1

        def a_dead_servers_session_fails_at_once_and_the_rest_carry_on():
            # pyspark's own retry policy, as a notebook runs it: a session on each server.
            victim, survivor = cluster.spark_ports
            on = {}
            for _ in range(40):
                spark = cluster.session("A", alice, default_retries=True)
                port = server_port(spark)
                if port in on:
                    spark.stop()
                    continue
                spark.range(4).createOrReplaceTempView("mine")
                on[port] = spark
                if len(on) == 2:
                    break
            assert set(on) == {victim, survivor}, f"no session on each server: {sorted(on)}"
            doomed, healthy = on[victim], on[survivor]
            state["doomed"] = doomed.session_id
            # Replica C checks health only on its own (once an hour): it learns of the death from a request.
            cluster.start_gateway("C", tls=False, health_interval=3600)
            os.killpg(cluster.spark[victim].pid, signal.SIGKILL)
            killed = time.time()
            # The doomed session's next statement fails fast, naming the session and what to do.
            started = time.time()
            text = within(60, lambda: expect_failure(lambda: doomed.sql("SELECT count(*) AS c FROM mine").collect(),
                                                     "INVALID_HANDLE.SESSION_CHANGED"))
            elapsed = time.time() - started
            print(f"  the dead server's session failed {elapsed:.2f}s into its next statement "
                  f"({time.time() - killed:.2f}s after kill -9): {text.splitlines()[0]}", flush=True)
            assert elapsed < 5, f"the statement took {elapsed:.1f}s to fail: {text[:300]}"
            assert doomed.session_id in text, text[:400]
            assert "Open a new session" in text, text[:400]
            # Statements of the session on the healthy server, and a brand-new session, are not affected.
            assert healthy.sql("SELECT count(*) AS c FROM mine").collect()[0]["c"] == 4
            fresh = cluster.session("A", alice, default_retries=True)
            assert fresh.range(10).count() == 10 and server_port(fresh) == survivor
            # The dead server's sessions are forgotten (no longer counted) and audit-logged as lost.
            servers = cluster.servers("A")
            dead = servers[f"127.0.0.1:{victim}"]
            assert dead["healthy"] is False and dead["sessions"] == 0, servers
            assert servers[f"127.0.0.1:{survivor}"]["sessions"] >= 2, servers
            lost = [s["session"] for e in cluster.log_events("A", "sessions-lost") for s in e["sessions"]]
            assert doomed.session_id in lost, lost
            print("  " + json.dumps(cluster.log_events("A", "server-down")[0]), flush=True)
            print("  " + json.dumps(cluster.log_events("A", "sessions-lost")[0]), flush=True)
            assert len(cluster.log_events("A", "server-down")) == 1, cluster.log_events("A", "server-down")
            # A replica that finds the server down through a request logs it as a health check would, once.
            for _ in range(4):
                assert server_port(cluster.session("C", alice)) == survivor
            down = cluster.log_events("C", "server-down")
            assert [e["server"] for e in down] == [f"127.0.0.1:{victim}"], down
            print(f"  replica C logged server-down once, found by {down[0].get('found_by')}", flush=True)

        def new_sessions_fail_over_after_kill_9():
            victim, survivor = cluster.spark_ports  # the victim was killed by the check before
            killed = time.time()
            landed = None
            while time.time() - killed < 30:
                try:
                    spark = cluster.session("A", alice)
                    port = server_port(spark)
                    assert spark.range(10).count() == 10
                    if port == survivor:
                        landed = time.time() - killed
                        break
                except Exception:
                    time.sleep(0.2)
            assert landed is not None, "no new session landed on the surviving server within 30s"
            assert landed < 10
            print(f"  new sessions landed on the surviving server {landed:.2f}s after kill -9", flush=True)
            for gateway in ("A", "B"):
                for _ in range(6):
                    assert server_port(cluster.session(gateway, alice)) == survivor

        check("queries return correct results through the gateway", queries_return_results)
        check("missing, expired, forged and foreign-audience tokens, wrong group, unknown host", refusals_have_the_right_status)
        check("a forged user_id or another subject's session_id does not reach the session",
              forged_user_and_foreign_session_do_not_reach_it)
        check("sessions spread over two servers and stay pinned, through both replicas", sessions_spread_and_stay_pinned)
        check("sessions stay pinned after a gateway restart", sessions_survive_a_gateway_restart)
        check("kill -9 one server: its session's next statement fails within 5 s with pyspark's own retries, "
              "the other server's session and new sessions work, its sessions are forgotten and audit-logged",
              a_dead_servers_session_fails_at_once_and_the_rest_carry_on)
        check("kill -9 one server: new sessions land on the other in bounded time", new_sessions_fail_over_after_kill_9)
    finally:
        cluster.close()
        failed = [name for name, ok in results if not ok]
        if failed:
            for name in os.listdir(folder):
                if name.endswith(".log"):
                    print(f"--- {name} (last 40 lines)")
                    with open(os.path.join(folder, name), errors="replace") as f:
                        print("".join(f.readlines()[-40:]))
        else:
            shutil.rmtree(folder, ignore_errors=True)
    passed = sum(1 for _, ok in results if ok)
    print(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(0 if results and passed == len(results) else 1)


if __name__ == "__main__":
    main()
