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
///     swift build -c release --product pedregal && swift run -c release pedregal-bench --teams 2000 --runs 3
///
/// `--dir` is where the platform on disk is written (default: /dev/shm,
/// a tmpfs, when there is one); `--write-corpus DIR` only writes the
/// synthetic platform's teams/ and templates/ into DIR.
@main
struct Benchmark {
    static func main() throws {
        var teams = 2000
        var regions = 3
        var runs = 3
        var folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        var corpusOnly: String?
        var profileRuns = 0
        var platformOnly = false
        var arguments = CommandLine.arguments.dropFirst()
        func usage() -> Never {
            FileHandle.standardError.write(
                Data(
                    ("usage: pedregal-bench [--teams N] [--regions N] [--runs N] [--dir DIR] [--write-corpus DIR] [--profile N]"
                        + " [--only platform]\n").utf8))
            exit(64)
        }
        while let flag = arguments.popFirst() {
            guard let value = arguments.popFirst() else { usage() }
            switch flag {
            case "--teams", "--regions", "--runs":
                guard let number = Int(value), number > 0 else { usage() }
                if flag == "--teams" { teams = number } else if flag == "--regions" { regions = number } else { runs = number }
            case "--dir": folder = value
            case "--write-corpus": corpusOnly = value
            case "--profile":
                // Only compiles, N times: a steady workload for a profiler.
                guard let number = Int(value), number > 0 else { usage() }
                profileRuns = number
            case "--only":
                // Only the platform on disk (the pedregal executable's commands), not the stages in memory.
                guard value == "platform" else { usage() }
                platformOnly = true
            default: usage()
            }
        }

        let files = Corpus.files(teams: teams, regions: regions)
        if let corpusOnly {
            for (path, bytes) in files {
                let target = URL(fileURLWithPath: corpusOnly).appendingPathComponent(path)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: target)
            }
            print("wrote \(files.count) files of \(teams) teams to \(corpusOnly)")
            return
        }
        if profileRuns > 0 {
            let tree = MemorySourceTree(bytes: files)
            for _ in 0..<profileRuns { precondition(!Compiler().compile(tree).files.isEmpty) }
            return
        }
        let inputBytes = files.values.reduce(0) { $0 + $1.count }
        let tree = MemorySourceTree(bytes: files)
        let inputs = files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        // Warm up and check the corpus compiles.
        let check = Compiler().compile(tree)
        guard !check.hasErrors else {
            print(DiagnosticFormatter(style: .text).format(Array(check.diagnostics.prefix(20))))
            exit(1)
        }
        if platformOnly {
            try PlatformScale.measure(files: files, outputs: check.files, folder: folder + "/pedregal-bench-\(getpid())", runs: runs)
            return
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
        try PlatformScale.measure(files: files, outputs: check.files, folder: folder + "/pedregal-bench-\(getpid())", runs: runs)
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
