import PedregalBasics

/// Turns diagnostics into text for people, CI annotations or bots.
public struct DiagnosticFormatter: Sendable {
    /// The output styles the command line offers.
    public enum Style: String, CaseIterable, Sendable {
        /// `file:line:column: error: message [code]`, notes indented below.
        case text
        /// One JSON document: `{"diagnostics": [...], "errors": N, "warnings": N}`.
        case json
        /// GitHub Actions workflow commands: `::error file=…,line=…,col=…::message`.
        case github
    }

    /// The chosen style.
    public var style: Style
    /// Whether text output uses ANSI colours (terminals only).
    public var colour: Bool
    /// Maps a root-relative path to the path shown to the user.
    public var displayPath: @Sendable (String) -> String

    /// Creates a formatter.
    public init(style: Style, colour: Bool = false, displayPath: @escaping @Sendable (String) -> String = { $0 }) {
        self.style = style
        self.colour = colour
        self.displayPath = displayPath
    }

    /// The whole report for `diagnostics`, ending with a newline when non-empty.
    /// Text and GitHub styles end with a one-line count so a log reader sees
    /// the outcome without scrolling.
    public func format(_ diagnostics: [Diagnostic]) -> String {
        switch style {
        case .text: return diagnostics.map(text).joined() + summary(diagnostics)
        case .github: return diagnostics.map(github).joined() + summary(diagnostics)
        case .json: return json(diagnostics)
        }
    }

    /// `N errors, M warnings` or the empty string when there are none.
    public func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        if diagnostics.isEmpty { return "" }
        return "\(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")\n"
    }

    private func text(_ d: Diagnostic) -> String {
        let (bold, red, yellow, cyan, reset) =
            colour ? ("\u{1B}[1m", "\u{1B}[31m", "\u{1B}[33m", "\u{1B}[36m", "\u{1B}[0m") : ("", "", "", "", "")
        let severityColour = d.severity == .error ? red : yellow
        // One line per problem, whatever the input held (a key with a newline).
        func line(_ s: String) -> String { s.replacingAll("\r", with: "\\r").replacingAll("\n", with: "\\n") }
        var out =
            "\(bold)\(place(d.location)): \(severityColour)\(d.severity.rawValue):\(reset)\(bold) \(line(d.message))\(reset) [\(d.code.rawValue)]\n"
        for note in d.notes {
            out += "\(place(note.location)): \(cyan)note:\(reset) \(line(note.message))\n"
        }
        return out
    }

    private func place(_ location: SourceLocation) -> String {
        "\(displayPath(location.file)):\(location.line):\(location.column)"
    }

    private func github(_ d: Diagnostic) -> String {
        var message = d.message
        for note in d.notes { message += "\n\(place(note.location)): note: \(note.message)" }
        let properties = [
            "file=\(Self.escapeProperty(d.location.file))",
            "line=\(d.location.line)",
            "col=\(d.location.column)",
            "title=\(Self.escapeProperty("pedregal \(d.code.rawValue)"))",
        ].joined(separator: ",")
        return "::\(d.severity.rawValue) \(properties)::\(Self.escapeData(message))\n"
    }

    private func json(_ diagnostics: [Diagnostic]) -> String {
        func location(_ l: SourceLocation) -> String {
            "\"file\": \(JSONText.quote(l.file)), \"line\": \(l.line), \"column\": \(l.column)"
        }
        let items = diagnostics.map { d -> String in
            let notes = d.notes.map { "{\(location($0.location)), \"message\": \(JSONText.quote($0.message))}" }
            return "    {\"severity\": \"\(d.severity.rawValue)\", \"code\": \(JSONText.quote(d.code.rawValue)), "
                + "\(location(d.location)), \"message\": \(JSONText.quote(d.message)), "
                + "\"notes\": [\(notes.joined(separator: ", "))]}"
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let body = items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n  ]"
        return "{\n  \"diagnostics\": \(body),\n  \"errors\": \(errors),\n  \"warnings\": \(diagnostics.count - errors)\n}\n"
    }

    // GitHub's workflow-command escaping (actions/toolkit `command.ts`).
    static func escapeData(_ s: String) -> String {
        s.replacingAll("%", with: "%25").replacingAll("\r", with: "%0D").replacingAll("\n", with: "%0A")
    }

    static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingAll(":", with: "%3A").replacingAll(",", with: "%2C")
    }
}
