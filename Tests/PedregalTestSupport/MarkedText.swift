import PedregalCompiler
import PedregalDiagnostics

/// Text with position markers (1️⃣, 2️⃣, …) for asserting where a diagnostic
/// points, as swift-format's tests do: the markers are removed and their
/// line and column remembered.
public struct MarkedText {
    /// The text without markers.
    public let text: String
    /// Marker → 1-based (line, column).
    public let markers: [String: (line: Int, column: Int)]

    public static let markerCharacters: [Character] = ["0️⃣", "1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

    public init(_ marked: String) {
        var text = ""
        var markers: [String: (line: Int, column: Int)] = [:]
        var line = 1
        var column = 1
        for character in marked {
            if Self.markerCharacters.contains(character) {
                markers[String(character)] = (line, column)
                continue
            }
            text.append(character)
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += character.unicodeScalars.count
            }
        }
        self.text = text
        self.markers = markers
    }

    /// The location of `marker` in `file`.
    public func location(_ marker: String, file: String) -> SourceLocation {
        guard let position = markers[marker] else { fatalError("no marker \(marker)") }
        return SourceLocation(file: file, line: position.line, column: position.column)
    }
}
