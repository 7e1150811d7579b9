import PedregalBasics
import PedregalManifests

/// Renders a `DiffReport` for a terminal, a pull-request comment, or a bot.
public struct DiffFormatter: Sendable {
    public enum Style: String, CaseIterable, Sendable {
        case text, markdown, json
    }

    public var style: Style
    /// ANSI colours, for terminals only.
    public var colour: Bool
    /// Detail lines shown per cluster in markdown before truncating.
    public var maxLinesPerCluster: Int
    /// Labels of the two sides, e.g. `origin/main` and `working tree`.
    public var baseLabel: String
    public var headLabel: String

    public init(style: Style, colour: Bool = false, maxLinesPerCluster: Int = 200, baseLabel: String, headLabel: String) {
        self.style = style
        self.colour = colour
        self.maxLinesPerCluster = maxLinesPerCluster
        self.baseLabel = baseLabel
        self.headLabel = headLabel
    }

    public func format(_ report: DiffReport) -> String {
        switch style {
        case .text: return text(report)
        case .markdown: return markdown(report)
        case .json: return DiffJSON.document(report, base: baseLabel, head: headLabel)
        }
    }

    private func headline(_ report: DiffReport) -> String {
        let count = { (kind: ObjectChange.Kind) in report.changes.filter { $0.kind == kind }.count }
        return "\(report.clusters.count) cluster\(report.clusters.count == 1 ? "" : "s") changed: "
            + "\(count(.added)) added, \(count(.changed)) changed, \(count(.removed)) removed"
    }

    private static func dns(_ summary: TeamSummary) -> [String] {
        summary.dnsAdded.map { "+\($0)" } + summary.dnsRemoved.map { "-\($0)" }
    }

    // MARK: Text

    private func text(_ report: DiffReport) -> String {
        guard report.hasChanges else { return "no changes between \(baseLabel) and \(headLabel)\n" }
        let (green, red, yellow, bold, reset) =
            colour ? ("\u{1B}[32m", "\u{1B}[31m", "\u{1B}[33m", "\u{1B}[1m", "\u{1B}[0m") : ("", "", "", "", "")
        var out = "\(bold)pedregal diff \(baseLabel) → \(headLabel): \(headline(report))\(reset)\n\nSummary\n"
        let rows =
            [["CLUSTER", "TEAM", "+", "~", "-", "CPU", "MEMORY", "PODS", "DNS"]]
            + report.summaries.map { s in
                [
                    s.cluster, s.team ?? "(platform)", String(s.added), String(s.changed), String(s.removed),
                    ValueText.signedCPU(s.cpuMillis), ValueText.signedMemory(s.memoryBytes), ValueText.signed(s.pods),
                    Self.dns(s).joined(separator: " "),
                ]
            }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let padded = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            out += "  " + padded.joined(separator: "  ").trimmingTrailingSpaces + "\n"
        }
        if !report.risks.isEmpty {
            out += "\n\(bold)Risks\(reset)\n"
            for risk in report.risks {
                out += "  \(red)!\(reset) \(risk.kind.title): \(risk.cluster) \(risk.object): \(risk.detail)\n"
            }
        }
        for cluster in report.clusters {
            out += "\n\(bold)\(cluster)\(reset)\n"
            for change in report.changes where change.key.cluster == cluster {
                let colourFor = change.kind == .added ? green : change.kind == .removed ? red : yellow
                out += "  \(colourFor)\(ValueText.marker(change.kind)) \(change.key)\(reset)  (\(change.source))\n"
                for line in ValueText.details(change) { out += "      \(line)\n" }
            }
        }
        return out
    }

    // MARK: Markdown

    private func markdown(_ report: DiffReport) -> String {
        guard report.hasChanges else {
            return "### pedregal diff\n\nNo changes to any cluster between `\(baseLabel)` and `\(headLabel)`.\n"
        }
        var out = "### pedregal diff\n\n`\(baseLabel)` → `\(headLabel)`: **\(headline(report))**\n\n"
        out += "| Cluster | Team | Added | Changed | Removed | CPU | Memory | Pods | DNS |\n"
        out += "|---|---|---:|---:|---:|---:|---:|---:|---|\n"
        for s in report.summaries {
            let dns = Self.dns(s).map { "`\($0)`" }.joined(separator: " ")
            out +=
                "| `\(s.cluster)` | \(s.team ?? "_platform_") | \(s.added) | \(s.changed) | \(s.removed) | "
                + "\(ValueText.signedCPU(s.cpuMillis)) | \(ValueText.signedMemory(s.memoryBytes)) | \(ValueText.signed(s.pods)) | \(dns) |\n"
        }
        if !report.risks.isEmpty {
            out += "\n#### ⚠️ Risks (\(report.risks.count))\n\n"
            for risk in report.risks {
                out += "- **\(risk.kind.title)**: `\(risk.cluster)` \(Self.code(risk.object)): \(Self.escape(risk.detail))\n"
            }
        }
        for cluster in report.clusters {
            let changes = report.changes.filter { $0.key.cluster == cluster }
            let count = { (kind: ObjectChange.Kind) in changes.filter { $0.kind == kind }.count }
            var lines: [String] = []
            for change in changes {
                let marker = change.kind == .changed ? "!" : ValueText.marker(change.kind)
                lines.append("\(marker) \(change.key)")
                lines += ValueText.details(change).map { "!     \($0)" }
            }
            var shown = lines
            var truncation = ""
            if lines.count > maxLinesPerCluster {
                shown = Array(lines.prefix(maxLinesPerCluster))
                truncation =
                    "\n_… \(lines.count - maxLinesPerCluster) more lines not shown; run `pedregal diff` locally for all of them._\n"
            }
            out +=
                "\n<details><summary><code>\(cluster)</code>: \(count(.added)) added, \(count(.changed)) changed, \(count(.removed)) removed</summary>\n\n"
            out += "```diff\n" + shown.map { $0.replacingAll("```", with: "ˋˋˋ") }.joined(separator: "\n") + "\n```\n"
            out += truncation
            out += "\n</details>\n"
        }
        return out
    }

    private static func code(_ text: String) -> String { "`\(text.replacingAll("`", with: "'"))`" }

    private static func escape(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("<", with: "&lt;")
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
