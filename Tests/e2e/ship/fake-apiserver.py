"""A TLS server on 127.0.0.1 that answers every request the way an API server
answers a ServiceAccount without rights: 403 with a Status object. Prints the
port, then one line per request. Stops after --seconds.

Usage: python3 fake-apiserver.py CERT KEY [--seconds N]
"""
import http.server
import json
import ssl
import sys
import threading


class Forbidden(http.server.BaseHTTPRequestHandler):
    def answer(self):
        body = json.dumps({
            "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
            "message": "forbidden: the e2e server refuses every request",
        }).encode()
        self.send_response(403)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        authorization = self.headers.get("Authorization", "")
        print(f"{self.command} {self.path} bearer={authorization.startswith('Bearer ')}", flush=True)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = answer

    def log_message(self, *args):
        pass


def main():
    cert, key = sys.argv[1], sys.argv[2]
    seconds = float(sys.argv[sys.argv.index("--seconds") + 1]) if "--seconds" in sys.argv else 60
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forbidden)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    threading.Timer(seconds, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
