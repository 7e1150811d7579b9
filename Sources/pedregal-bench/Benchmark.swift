import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics
import PedregalEmitter
import PedregalLoader
import PedregalYAML

/// Measures the compiler on a large generated platform, each figure next to
/// a floor measured in the same run on the same machine: parsing every input
/// file with libyaml and writing the same trees back as YAML. Ratios to the
/// floor, not absolute times, are what to compare across machines.
///
///     swift run -c release pedregal-bench --teams 3000 --runs 5
///
/// `--write-root DIR` writes the platform's templates/ and teams/ to DIR
/// instead (for `pedregal generate` and `pedregal-requests-bench --root`).
@main
struct Benchmark {
    static func main() throws {
        var teams = 3000
        var regions = 4
        var runs = 5
        var writeRoot: String?
        var arguments = CommandLine.arguments.dropFirst()
        while let flag = arguments.popFirst() {
            if flag == "--write-root", let folder = arguments.popFirst() {
                writeRoot = folder
                continue
            }
            guard let value = arguments.popFirst().flatMap(Int.init), value > 0 else {
                FileHandle.standardError.write(
                    Data("usage: pedregal-bench [--teams N] [--regions N] [--runs N] [--write-root DIR]\n".utf8))
                exit(64)
            }
            switch flag {
            case "--teams": teams = value
            case "--regions": regions = value
            case "--runs": runs = value
            default:
                FileHandle.standardError.write(Data("unknown flag \(flag)\n".utf8))
                exit(64)
            }
        }

        if let writeRoot {
            try Corpus.write(teams: teams, regions: regions, to: writeRoot)
            print("wrote \(teams) teams over \(regions) regions to \(writeRoot)/teams and templates; run `pedregal generate --root \(writeRoot)`")
            return
        }
        let files = Corpus.files(teams: teams, regions: regions)
        let inputBytes = files.values.reduce(0) { $0 + $1.count }
        let tree = MemorySourceTree(bytes: files)
        let inputs = files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        // Warm up and check the corpus compiles.
        let check = Compiler().compile(tree)
        guard !check.hasErrors else {
            print(DiagnosticFormatter(style: .text).format(Array(check.diagnostics.prefix(20))))
            exit(1)
        }
        let outputBytes = check.files.reduce(0) { $0 + $1.contents.count }
        print(
            "corpus: \(teams) teams, \(regions) regions, \(files.count) input files (\(megabytes(inputBytes)) MB) → "
                + "\(check.files.count) manifests (\(megabytes(outputBytes)) MB)")
        print("runs: \(runs), median wall time; ratio = time / floor\n")

        let floor = median(runs) {
            let trees = inputs.parallelMap { (path, bytes) in
                YAMLParser().parse(bytes, file: path).documents.map { YAMLWriter.document($0.value) }
            }
            precondition(trees.count == inputs.count)
        }
        // The same amount of YAML the compiler writes, parsed and emitted:
        // what any tool producing these manifests must at least do.
        let outputs = check.files.map { ($0.path, $0.contents) }
        let outputFloor = median(runs) {
            let trees = outputs.parallelMap { (path, bytes) in
                YAMLParser().parse(bytes, file: path).documents.map { YAMLWriter.document($0.value) }
            }
            precondition(trees.count == outputs.count)
        }
        let load = median(runs) { precondition(Loader().load(from: tree).diagnostics.isEmpty) }
        let compile = median(runs) { precondition(!Compiler().compile(tree).files.isEmpty) }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pedregal-bench-\(getpid())")
        defer { try? FileManager.default.removeItem(at: output) }
        let firstWrite = measure {
            let directory = OutputDirectory(url: output)
            try? directory.apply(try! directory.plan(check.files))
        }
        let noChange = median(runs) {
            let directory = OutputDirectory(url: output)
            precondition((try? directory.plan(check.files))?.isEmpty == true)
        }

        func row(_ name: String, _ seconds: Double, floor: Double, _ what: String) {
            let ms = String(format: "%9.1f ms", seconds * 1000)
            let ratio = String(format: "%7.2f×", seconds / floor)
            print("\(name.padding(toLength: 40, withPad: " ", startingAt: 0))\(ms) \(ratio)  \(what)")
        }
        print("input side (floor A: parse + emit the input YAML)")
        row("  floor A", floor, floor: floor, String(format: "%.1f MB/s", Double(inputBytes) / floor / 1e6))
        row("  load (parse + decode + shape checks)", load, floor: floor, "")
        print("output side (floor B: parse + emit the generated YAML)")
        row("  floor B", outputFloor, floor: outputFloor, String(format: "%.1f MB/s", Double(outputBytes) / outputFloor / 1e6))
        row(
            "  compile (load→resolve→render→emit)", compile, floor: outputFloor,
            String(format: "%.0f teams/s, %.0f manifests/s", Double(teams) / compile, Double(check.files.count) / compile))
        row("  generate into an empty folder", firstWrite, floor: outputFloor, "once; file-system bound")
        row("  check an up-to-date folder", noChange, floor: outputFloor, "reads every file back")
        row("  compile + check (what CI runs)", compile + noChange, floor: outputFloor, "")
        SchemaCheckCost.measure(tree: tree, manifests: check.manifests, runs: runs)
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1e6) }

    static func measure(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let duration = clock.measure(body)
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func median(_ runs: Int, _ body: () -> Void) -> Double {
        let times = (0..<runs).map { _ in measure(body) }.sorted()
        return times[times.count / 2]
    }
}
