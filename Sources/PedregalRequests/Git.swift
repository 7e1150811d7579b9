import Foundation
import PedregalBasics

/// The `git` command line, run in one repository: a small wrapper so that
/// every git operation of the service is one visible command, with its
/// exit status and error text, and never a prompt.
public struct Git: Sendable {
    /// A git command that failed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// The arguments, for logs (they never hold secrets: remotes with
        /// credentials are configured outside the command line).
        public var arguments: [String]
        /// The exit status.
        public var status: Int32
        /// What git wrote to standard error.
        public var message: String

        public var description: String {
            redactingCredentials("git \(arguments.joined(separator: " ")) failed (\(status)): \(message)")
        }

        /// Creates a failure.
        public init(arguments: [String], status: Int32, message: String) {
            self.arguments = arguments
            self.status = status
            self.message = message
        }
    }

    /// What a command printed.
    public struct Output: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output.
        public var stdout: [UInt8]
        /// Standard error.
        public var stderr: String

        /// Standard output as text, without the final newline.
        public var text: String {
            var text = String(decoding: stdout, as: UTF8.self)
            while text.hasSuffix("\n") { text.removeLast() }
            return text
        }
    }

    /// The repository's work tree (or, for a bare one, its folder).
    public var directory: String
    /// Extra environment: `GIT_*` settings, an isolated `HOME` in tests.
    public var environment: [String: String]
    /// The git executable.
    public var executable: String

    /// Creates a wrapper for `directory`.
    public init(directory: String, environment: [String: String] = [:], executable: String = "/usr/bin/git") {
        self.directory = directory
        self.environment = environment
        self.executable = FileManager.default.isExecutableFile(atPath: executable) ? executable : "/usr/bin/env"
    }

    // A git that exits before reading all of its input must fail with its
    // own status, not kill this process with SIGPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    // One thread for blocking process waits, so they never hold a thread of
    // Swift's cooperative pool.
    private static let queue = DispatchQueue(label: "pedregal.git", attributes: .concurrent)

    /// Runs `git arguments…` (with `input` on its standard input); throws
    /// `Failure` on a non-zero exit status.
    @discardableResult
    public func run(_ arguments: [String], input: [UInt8]? = nil) async throws -> Output {
        let output = try await status(arguments, input: input)
        guard output.status == 0 else {
            throw Failure(arguments: arguments, status: output.status, message: output.stderr)
        }
        return output
    }

    /// Runs `git arguments…` and returns whatever it printed, whatever its status.
    public func status(_ arguments: [String], input: [UInt8]? = nil) async throws -> Output {
        let command = self
        return try await withCheckedThrowingContinuation { continuation in
            Self.queue.async {
                continuation.resume(with: Result { try command.runBlocking(arguments, input: input) })
            }
        }
    }

    /// Runs git and waits, on the calling thread.
    public func runBlocking(_ arguments: [String], input: [UInt8]? = nil) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = (executable == "/usr/bin/env" ? ["git"] : []) + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        // Never ask a person for anything, never page, never translate.
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["GIT_PAGER"] = "cat"
        env["LC_ALL"] = "C"
        env["GIT_OPTIONAL_LOCKS"] = "0"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        if input != nil { Self.ignoreBrokenPipes }
        let stdin = input.map { _ in Pipe() }
        process.standardInput = stdin ?? FileHandle.nullDevice
        try process.run()
        // Feed standard input and drain standard error beside standard
        // output, so no pipe fills up and stalls git.
        let errors = LockedData()
        let group = DispatchGroup()
        if let input, let handle = stdin?.fileHandleForWriting {
            DispatchQueue.global().async(group: group) {
                try? handle.write(contentsOf: input)
                try? handle.close()
            }
        }
        let errHandle = err.fileHandleForReading
        DispatchQueue.global().async(group: group) { errors.set(errHandle.readDataToEndOfFile()) }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        group.wait()
        return Output(
            status: process.terminationStatus, stdout: Array(data),
            stderr: String(decoding: errors.data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// Text with the passwords and tokens of URLs (`https://user:secret@host`)
/// taken out, for logs and answers: a remote's credentials must never leave.
public func redactingCredentials(_ text: String) -> String {
    var result = ""
    var rest = Substring(text)
    while let scheme = rest.range(of: "://") {
        result += rest[..<scheme.upperBound]
        rest = rest[scheme.upperBound...]
        let authority = rest.prefix { !"/ \t\n'\"".contains($0) }
        if let at = authority.lastIndex(of: "@") {
            result += "***@"
            rest = rest[rest.index(after: at)...]
        }
    }
    return result + rest
}
