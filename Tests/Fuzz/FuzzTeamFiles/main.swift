import FuzzSupport
import PedregalDiagnostics
import PedregalLoader
import PedregalYAML

// Team and template files as a pull request brings them: the YAML reader (libyaml) and the loader's
// decoding. The first byte picks the file (0: a team file, 1...6: a template file, modulo 7); the
// rest is its content.
let loader = Loader()
let kinds = ["team"] + Loader.templateNames

fuzzMain { input in
    guard let selector = input.first else { return }
    let kind = kinds[Int(selector) % kinds.count]
    let bytes = Array(input.dropFirst())
    let path = kind == "team" ? "teams/fuzz.yaml" : "templates/\(kind).yaml"
    let diagnostics: [Diagnostic]
    if kind == "team" {
        let (team, found) = loader.loadTeam(path, contents: .contents(bytes))
        fuzzCheck(team != nil || found.containsErrors, "no team and no error")
        diagnostics = found
    } else {
        let loaded = loader.loadTemplates(from: MemorySourceTree(bytes: [path: bytes]))
        diagnostics = loaded.diagnostics.filter { $0.location.file == path }
    }
    // Every problem points into the file, at a line and column a reader can find.
    let lines = lineCount(bytes)
    for diagnostic in diagnostics {
        let location = diagnostic.location
        fuzzCheck(location.file == path, "diagnostic in \(location.file): \(diagnostic)")
        fuzzCheck(location.line >= 1 && location.line <= lines + 1, "line out of the file: \(diagnostic)")
        fuzzCheck(location.column >= 1, "column out of the line: \(diagnostic)")
        _ = diagnostic.description
    }
}

/// An upper bound on the lines libyaml sees: it also breaks lines at CR, NEL, LS and PS.
func lineCount(_ bytes: [UInt8]) -> Int {
    // Plain indices: this runs on every input of an unoptimised build.
    var count = 1
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        if byte == 10 || byte == 13 {
            count += 1
        } else if byte == 0x85 && index > 0 && bytes[index - 1] == 0xC2 {
            count += 1
        } else if (byte == 0xA8 || byte == 0xA9) && index > 1 && bytes[index - 2] == 0xE2 && bytes[index - 1] == 0x80 {
            count += 1
        }
        index += 1
    }
    return count
}
