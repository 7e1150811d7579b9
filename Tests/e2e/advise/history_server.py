"""A stand-in for the Spark History Server's REST API over a folder of real event logs.

Serves what `pedregal advise --history-server` reads, as Spark 4's History Server answers it:
GET /api/v1/applications (a JSON list of {id, name, attempts: [{startTimeEpoch, endTimeEpoch,
completed}]}) and GET /api/v1/applications/<id>/logs (a zip of the application's files, entries
deflated by Python's zipfile as Java's ZipOutputStream does). Listens on 127.0.0.1 only, prints
its port, and stops by itself after --lifetime seconds.

    python history_server.py FOLDER [--lifetime 300]
"""
import argparse
import io
import json
import os
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def applications(folder):
    result = []
    for entry in sorted(os.listdir(folder)):
        if entry.startswith("eventlog_v2_"):
            app = entry[len("eventlog_v2_"):]
            stat = os.stat(os.path.join(folder, entry))
            result.append({"id": app, "name": app, "attempts": [
                {"startTimeEpoch": int(stat.st_mtime * 1000) - 1000, "endTimeEpoch": int(stat.st_mtime * 1000),
                 "completed": True}]})
    return result


def handler(folder):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def reply(self, status, body, kind):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/api/v1/applications":
                return self.reply(200, json.dumps(applications(folder)).encode(), "application/json")
            parts = path.strip("/").split("/")
            if len(parts) == 5 and parts[:3] == ["api", "v1", "applications"] and parts[4] == "logs":
                log = os.path.join(folder, "eventlog_v2_" + parts[3])
                if os.path.isdir(log) and "/" not in parts[3]:
                    buffer = io.BytesIO()
                    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                        for name in sorted(os.listdir(log)):
                            if not name.startswith("."):
                                archive.write(os.path.join(log, name), "eventlog_v2_%s/%s" % (parts[3], name))
                    return self.reply(200, buffer.getvalue(), "application/zip")
            return self.reply(404, b'{"message": "no such application"}', "application/json")

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--lifetime", type=float, default=300)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(args.folder))
    threading.Timer(args.lifetime, server.shutdown).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
