import Foundation
import PedregalBasics
import PedregalCompiler
import PedregalKubernetesSchemas
import PedregalLoader
import PedregalManifests

/// What checking every generated object against Kubernetes' schemas costs
/// `generate`: the compiler with and without the check, and the check on its
/// own, each as wall time and as CPU time (which other work on the machine
/// disturbs less). The goal: at most 20% on top of the compiler without it.
enum SchemaCheckCost {
    struct Time {
        var wall: Double
        var cpu: Double
    }

    static func measure(tree: MemorySourceTree, manifests: [Manifest], runs: Int) {
        let unchecked = median(runs) { precondition(!Compiler(checksManifests: false).compile(tree).files.isEmpty) }
        let checked = median(runs) { precondition(!Compiler().compile(tree).files.isEmpty) }
        // As generate runs it: templates kept as text in ConfigMaps are not parsed back.
        let asGenerate = {
            var v = ManifestValidator()!
            v.checksEmbeddedObjects = false
            return v
        }()
        let check = median(runs) {
            precondition(manifests.parallelMap { asGenerate.violations(of: $0.object).isEmpty }.allSatisfy { $0 })
        }
        // As validate --manifests runs it on objects already parsed: templates parsed and checked too.
        let everything = ManifestValidator()!
        let checkAll = median(runs) {
            precondition(manifests.parallelMap { everything.violations(of: $0.object).isEmpty }.allSatisfy { $0 })
        }

        func row(_ name: String, _ time: Time, _ what: String = "") {
            let text = String(format: "%9.1f ms %9.1f ms cpu", time.wall * 1000, time.cpu * 1000)
            print("\(name.padding(toLength: 40, withPad: " ", startingAt: 0))\(text)  \(what)")
        }
        func percent(_ a: Double, _ b: Double) -> String { String(format: "%.1f%%", a / b * 100) }
        print("\nschema check (Kubernetes \(everything.kubernetesVersion); goal: generate at most 20% slower with it)")
        row("  compile without the check", unchecked)
        row("  compile with it", checked)
        row("  the check alone", check, String(format: "%.0f objects/s", Double(manifests.count) / check.wall))
        row("  … with templates parsed back", checkAll, "what validate --manifests adds per object")
        print("  check alone / compile without it: \(percent(check.wall, unchecked.wall)) wall, \(percent(check.cpu, unchecked.cpu)) cpu")
        print(
            "  compile with / without it:        \(percent(checked.wall - unchecked.wall, unchecked.wall)) wall, "
                + "\(percent(checked.cpu - unchecked.cpu, unchecked.cpu)) cpu more")
    }

    /// Wall and CPU time (all threads of the process) of `body`.
    static func measure(_ body: () -> Void) -> Time {
        let cpuBefore = cpuSeconds()
        let clock = ContinuousClock()
        let duration = clock.measure(body)
        let wall = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return Time(wall: wall, cpu: cpuSeconds() - cpuBefore)
    }

    /// Medians of wall and of CPU time, each over `runs` runs.
    static func median(_ runs: Int, _ body: () -> Void) -> Time {
        let times = (0..<runs).map { _ in measure(body) }
        let walls = times.map(\.wall).sorted()
        let cpus = times.map(\.cpu).sorted()
        return Time(wall: walls[runs / 2], cpu: cpus[runs / 2])
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
