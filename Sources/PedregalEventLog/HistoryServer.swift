import AsyncHTTPClient
import Foundation
import NIOCore

/// A Spark History Server's REST API (`/api/v1`): the applications it
/// knows, and their event logs, which `/applications/<id>[/<attempt>]/logs`
/// returns as a zip of the files Spark wrote (rolling folders included).
public struct HistoryServer: Sendable {
    /// The server, without a trailing slash (`https://spark-history.example.com`).
    public var url: String

    /// A server at `url` (http or https).
    public init(_ url: String) throws {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw EventLogError(url, "is not a History Server URL; write http(s)://host[:port]")
        }
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.url = trimmed
    }

    /// An application the server lists.
    public struct Application: Sendable, Equatable {
        /// Its id (`spark.app.id`).
        public var id: String
        /// Its name (`spark.app.name`).
        public var name: String
        /// Its attempts, newest first as the server lists them.
        public var attempts: [Attempt]
    }

    /// One attempt of an application.
    public struct Attempt: Sendable, Equatable {
        /// `attemptId`, where the cluster manager has attempts.
        public var id: String?
        /// `startTimeEpoch`, ms since 1970.
        public var start: Int
        /// `endTimeEpoch`, ms since 1970 (-1 or 0 while running).
        public var end: Int
        /// `completed`.
        public var completed: Bool
    }

    /// The applications the server lists (at most `limit`, newest first).
    public func applications(limit: Int = 500) async throws -> [Application] {
        let body = try await get("/api/v1/applications?limit=\(limit)", maximum: 64 << 20)
        guard let list = try? JSONSerialization.jsonObject(with: Data(body)) as? [[String: Any]] else {
            throw EventLogError(url, "did not answer /api/v1/applications with a JSON list; is this a Spark History Server?")
        }
        return list.compactMap { item in
            guard let id = item["id"] as? String else { return nil }
            let attempts = (item["attempts"] as? [[String: Any]] ?? []).map { attempt in
                Attempt(
                    id: attempt["attemptId"] as? String, start: (attempt["startTimeEpoch"] as? NSNumber)?.intValue ?? 0,
                    end: (attempt["endTimeEpoch"] as? NSNumber)?.intValue ?? 0,
                    completed: (attempt["completed"] as? Bool) ?? false)
            }
            return Application(id: id, name: item["name"] as? String ?? "", attempts: attempts)
        }
    }

    /// Downloads the event logs of `appID` (one attempt, or all) into `folder`
    /// and returns where they are.
    public func download(appID: String, attemptID: String? = nil, into folder: String) async throws -> [EventLogLocation] {
        let path = "/api/v1/applications/\(Self.escape(appID))" + (attemptID.map { "/\(Self.escape($0))" } ?? "") + "/logs"
        let archive = (folder as NSString).appendingPathComponent(".download.zip")
        try await get(path, to: archive)
        defer { try? FileManager.default.removeItem(atPath: archive) }
        _ = try ZipArchive.extract(archive, into: folder)
        return try EventLogLocation.all(in: folder)
    }

    private static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }

    private func request(_ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url + path)
        request.headers.add(name: "Accept", value: "application/json, application/zip")
        return request
    }

    private func check(_ response: HTTPClientResponse, _ path: String) throws {
        guard response.status == .ok else {
            let hint = response.status == .notFound ? " (no such application, or the server has not loaded it yet)" : ""
            throw EventLogError(url + path, "answered HTTP \(response.status.code)\(hint)")
        }
    }

    private func get(_ path: String, maximum: Int) async throws -> [UInt8] {
        let response = try await send(path)
        try check(response, path)
        let body = try await response.body.collect(upTo: maximum)
        return Array(buffer: body)
    }

    private func get(_ path: String, to file: String) async throws {
        let response = try await send(path)
        try check(response, path)
        guard FileManager.default.createFile(atPath: file, contents: nil), let output = FileHandle(forWritingAtPath: file) else {
            throw EventLogError(file, "cannot be written")
        }
        defer { try? output.close() }
        for try await chunk in response.body {
            try output.write(contentsOf: Data(chunk.readableBytesView))
        }
    }

    private func send(_ path: String) async throws -> HTTPClientResponse {
        do {
            return try await HTTPClient.shared.execute(request(path), timeout: .seconds(120))
        } catch {
            throw EventLogError(url, "cannot be reached: \(error)")
        }
    }
}
