import Foundation
import PedregalCompiler
import PedregalEmitter

/// Golden files: expected output committed beside the tests. Set
/// `PEDREGAL_RECORD=1` to rewrite them from the current output. Nothing is
/// recorded unless asked: a missing golden file fails the test (in CI and
/// on a laptop alike), so a case can never pass against output nobody saw.
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["PEDREGAL_RECORD"] == "1" }

    /// Why a missing golden file fails.
    public static func missing(_ url: URL) -> String {
        "golden file \(url.path) is missing; record it with PEDREGAL_RECORD=1 swift test and review it before committing"
    }

    /// Compares `text` with the golden file `expected` (rewriting it when
    /// recording); returns a description of the difference, empty when equal.
    public static func compare(_ text: String, with expected: URL) throws -> String {
        if recording {
            try Data(text.utf8).write(to: expected)
            return ""
        }
        guard let golden = try? String(contentsOf: expected, encoding: .utf8) else { return missing(expected) }
        if golden == text { return "" }
        return "golden output differs from \(expected.path) (re-record with PEDREGAL_RECORD=1 if intended):\n"
            + unifiedDiff(old: expected, new: Array(text.utf8))
    }

    /// Compares `files` with the folder `expected`; returns a description of
    /// every difference (a unified diff per changed file), empty when equal.
    public static func compare(_ files: [OutputFile], with expected: URL) throws -> String {
        let directory = OutputDirectory(url: expected)
        if recording {
            try FileManager.default.createDirectory(at: expected, withIntermediateDirectories: true)
            try directory.apply(try directory.plan(files))
            return ""
        }
        guard FileManager.default.fileExists(atPath: expected.path) else { return missing(expected) }
        let plan = try directory.plan(files)
        if plan.isEmpty { return "" }
        var report = "golden output differs from \(expected.path) (re-record with PEDREGAL_RECORD=1 if intended):\n"
        for file in plan.added { report += "  missing from golden: \(file.path)\n" }
        for path in plan.removed { report += "  no longer produced: \(path)\n" }
        for path in plan.unexpected { report += "  not a generated file: \(path)\n" }
        for file in plan.changed {
            report += unifiedDiff(old: expected.appendingPathComponent(file.path), new: file.contents)
        }
        return report
    }

    /// `git diff --no-index` of a file against new contents.
    public static func unifiedDiff(old: URL, new: [UInt8]) -> String {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-golden-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard (try? Data(new).write(to: temporary)) != nil else { return "  changed: \(old.path)\n" }
        let result = Shell.run(["git", "diff", "--no-index", "--no-color", old.path, temporary.path])
        return result.stdout.isEmpty ? "  changed: \(old.path)\n" : result.stdout
    }
}

/// Runs processes for tests.
public enum Shell {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `arguments` (looked up on PATH), waits, and captures output.
    public static func run(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
        stdin: String? = nil
    ) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        do { try process.run() } catch { return Result(status: -1, stdout: "", stderr: "\(error)") }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read both pipes concurrently so neither fills up and blocks the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Where things are when tests run.
public enum Paths {
    /// The package root (the folder holding Package.swift).
    public static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    /// The built `pedregal` executable: `PEDREGAL_BINARY`, else the debug
    /// build when it is newer than every source file, else a build made here
    /// (in its own scratch folder, so it never waits on the running `swift
    /// test`): `swift test` alone does not relink executables.
    public static let binary: URL = {
        if let path = ProcessInfo.processInfo.environment["PEDREGAL_BINARY"] { return URL(fileURLWithPath: path) }
        let debug = packageRoot.appendingPathComponent(".build/debug/pedregal")
        if let built = modified(debug), newestSource() < built { return debug }
        let scratch = packageRoot.appendingPathComponent(".build-cli-tests")
        let result = Shell.run(["swift", "build", "--product", "pedregal", "--scratch-path", scratch.path], in: packageRoot)
        precondition(result.status == 0, "building pedregal for the CLI tests failed:\n\(result.stdout)\(result.stderr)")
        return scratch.appendingPathComponent("debug/pedregal")
    }()

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }

    private static func newestSource() -> Date {
        var newest = modified(packageRoot.appendingPathComponent("Package.swift")) ?? .distantPast
        let sources = packageRoot.appendingPathComponent("Sources")
        let enumerator = FileManager.default.enumerator(atPath: sources.path)
        while let path = enumerator?.nextObject() as? String {
            if let date = modified(sources.appendingPathComponent(path)), date > newest { newest = date }
        }
        return newest
    }

    /// A new empty temporary folder.
    public static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `files` (root-relative path → text) below `root`.
    public static func write(_ files: [String: String], to root: URL) throws {
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }
}
