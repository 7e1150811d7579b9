import PedregalCompiler
import PedregalSpec

/// A commented team file for a platform: its first environment, region and
/// size filled in, and every size, region, catalog and engine the platform
/// offers listed as the choices beside them.
public struct TeamScaffold: Sendable {
    /// The team's name (`team:`), also the file name.
    public var name: String
    /// The platform's templates, as the loader read them.
    public var templates: Templates

    /// A team file named `name` for `templates`.
    public init(name: String, templates: Templates) {
        self.name = name
        self.templates = templates
    }

    /// Why a team name cannot be a file name, or nil. The compiler checks
    /// the rest (length, DNS-1123) once the file exists in memory.
    public static func fileNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if let bad = name.first(where: { !($0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-")) }) {
            return "'\(bad)' is not allowed; use lowercase letters, digits and '-'"
        }
        return nil
    }

    /// Where the file goes.
    public var path: String { "teams/\(name).yaml" }

    /// The file.
    public var file: ScaffoldFile { ScaffoldFile(path: path, contents: text) }

    /// The text of the file.
    public var text: String {
        var lines: [String] = [
            "# yaml-language-server: $schema=../schemas/team.schema.json",
            "# The \(name) team on the Spark platform. Change it in a pull request: CI runs",
            "# `pedregal validate` and shows what the change does to each cluster.",
            "team: \(name)                 # unique across teams/; lowercase letters, digits and '-'",
            "# shortName: \(name)          # optional shorter name used in namespaces and DNS (default: team)",
            "owners:",
            "  admins: [\(name)-admins]    # Okta groups that manage the team's Spark workloads",
            "  members: [\(name)]          # Okta groups that use Spark Connect and read the namespaces",
            "# contact: \"#\(name)-oncall\"",
        ]
        lines += catalogLines
        lines += environmentLines
        lines += sparkConnectLines
        lines += jobLines
        return lines.joined(separator: "\n") + "\n"
    }

    private var firstEnvironment: String { templates.environments.first?.name.value ?? "dev" }

    private var catalogLines: [String] {
        guard !templates.catalogs.isEmpty else { return [] }
        let defaults = templates.catalogs.filter { $0.isDefault?.value == true }.map(\.name.value)
        var lines = ["# Catalogs the team's Spark sessions and jobs see. Choices:"]
        for catalog in templates.catalogs {
            var about = [catalog.type?.value.rawValue, catalog.uri?.value].compactMap { $0 }.joined(separator: " ")
            if catalog.isDefault?.value == true { about += " (default)" }
            lines.append("#   \(pad(catalog.name.value, templates.catalogs.map(\.name.value)))  \(about)")
        }
        let example = defaults.isEmpty ? [templates.catalogs[0].name.value] : defaults
        lines.append("# catalogs: [\(example.joined(separator: ", "))]")
        return lines
    }

    private var environmentLines: [String] {
        var lines = ["environments:"]
        let names = templates.environments.map(\.name.value)
        if !names.isEmpty {
            lines.append("  # Choices: \(names.joined(separator: ", ")). Add the others as they are needed.")
        }
        lines.append("  \(firstEnvironment):")
        let regions = templates.regions
        if !regions.isEmpty {
            lines.append("    # Regions, the first being the primary one. Choices:")
            for region in regions {
                var about = "cluster \(region.cluster?.value ?? "?")"
                if region.backend?.value == .emr { about += " (EMR: namespaces, DNS and routes only)" }
                lines.append("    #   \(pad(region.name.value, regions.map(\.name.value)))  \(about)")
            }
        }
        lines.append("    regions: [\(regions.first?.name.value ?? "REGION")]")
        let sizes = templates.sizes
        if !sizes.isEmpty {
            lines.append("    # Size: the namespace's quota and the default driver and executors. Choices:")
            for size in sizes {
                lines.append("    #   \(pad(size.name.value, sizes.map(\.name.value)))  \(Self.describe(size))")
            }
        }
        lines.append("    size: \(sizes.first?.name.value ?? "SIZE")")
        lines.append("    # quota: { cpu: \"16\" }       # optional: replaces part of the size's quota")
        return lines
    }

    private var sparkConnectLines: [String] {
        let environment = templates.environments.first
        let suffix = environment?.dnsSuffix?.value ?? ""
        let domain = templates.platform.domain?.value ?? "DOMAIN"
        var lines = [
            "sparkConnect:                  # interactive Spark Connect clusters",
            "  - name: default              # sc://\(name)\(suffix).\(domain)",
        ]
        let hot = templates.environments.compactMap { env in env.hotClusters.map { "\(env.name.value): \($0.value)" } }
        if !hot.isEmpty {
            lines.append("    # hotClusters: { \(firstEnvironment): 1 }  # always-on servers; default \(hot.joined(separator: ", "))")
        }
        let versions = templates.engines.versions.map(\.version.value)
        if !versions.isEmpty {
            let fallback = templates.engines.defaultVersion?.value
            let choices = versions.map { $0 == fallback ? "\($0) (default)" : $0 }.joined(separator: ", ")
            lines.append("    # engine: \"\(fallback ?? versions[0])\"            # choices: \(choices)")
        }
        return lines
    }

    private var jobLines: [String] {
        [
            "# Batch and streaming jobs. A scheduled batch job runs `pedregal submit` from a",
            "# CronJob; without a schedule, start it with",
            "# `pedregal submit \(name)/daily-report --env \(firstEnvironment)`.",
            "# jobs:",
            "#   - name: daily-report",
            "#     type: batch                # batch | streaming",
            "#     schedule: \"0 3 * * *\"      # 5-field cron, UTC",
            "#     mainApplicationFile: s3://\(name)/jobs/daily_report.py   # or a jar with mainClass",
            "#     args: [\"--date\", \"{{ ds }}\"]",
            "#     executor: { instances: 4 }  # default: the size's",
        ]
    }

    private func pad(_ text: String, _ all: [String]) -> String {
        let width = all.map(\.count).max() ?? 0
        return text + String(repeating: " ", count: width - text.count)
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    private static func describe(_ size: SizeTemplate) -> String {
        var parts: [String] = []
        if let quota = size.quota {
            let items = [
                quota.cpu.map { "cpu \($0.value)" }, quota.memory.map { "memory \($0.value)" },
                quota.pods.map { "pods \($0.value)" },
            ].compactMap { $0 }
            if !items.isEmpty { parts.append("quota " + items.joined(separator: ", ")) }
        }
        if let driver = size.driver, let cores = driver.cores?.value, let memory = driver.memory?.value {
            parts.append("driver \(count(cores, "core")) \(memory)")
        }
        if let executor = size.executor, let instances = executor.instances?.value, let cores = executor.cores?.value,
            let memory = executor.memory?.value
        {
            parts.append("\(count(instances, "executor")) of \(count(cores, "core")) \(memory)")
        }
        return parts.joined(separator: "; ")
    }
}
