import Foundation
import PedregalYAML

/// How a command prints its result.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Lines for people, written as the work happens.
    case text
    /// One JSON document at the end, for programs.
    case json
}

/// Where a command's result goes: text lines as they happen, or one JSON
/// document at the end; errors and warnings always go to the error stream as
/// `pedregal: error: …` and `pedregal: warning: …` (the CLI prints its own
/// problems through it too).
public final class Output: Sendable {
    /// The format.
    public let format: OutputFormat
    private let write: @Sendable (String) -> Void
    private let writeError: @Sendable (String) -> Void

    /// Creates an output writing through `write` (results) and `writeError`.
    public init(
        format: OutputFormat, write: @escaping @Sendable (String) -> Void,
        writeError: @escaping @Sendable (String) -> Void
    ) {
        self.format = format
        self.write = write
        self.writeError = writeError
    }

    /// Standard output and standard error.
    public static func standard(_ format: OutputFormat) -> Output {
        Output(
            format: format, write: { FileHandle.standardOutput.write(Data($0.utf8)) },
            writeError: { FileHandle.standardError.write(Data($0.utf8)) })
    }

    /// A result line (text format only).
    public func line(_ text: String) {
        if format == .text { write(text + "\n") }
    }

    /// The result document (JSON format only).
    public func document(_ value: YAMLValue) {
        if format == .json { write(JSONWriter.pretty(value) + "\n") }
    }

    /// An error, in either format.
    public func error(_ message: String) {
        writeError("pedregal: error: \(message)\n")
    }

    /// A warning, in either format.
    public func warning(_ message: String) {
        writeError("pedregal: warning: \(message)\n")
    }

    /// `1 object`, `2 objects`.
    public static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// Pads `word` so the names after it line up.
    public static func column(_ word: String) -> String {
        word.count >= 11 ? word + " " : word + String(repeating: " ", count: 11 - word.count)
    }
}
