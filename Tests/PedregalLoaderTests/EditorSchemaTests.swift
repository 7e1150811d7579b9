import Foundation
import PedregalCompiler
import PedregalLoader
import PedregalSpec
import PedregalTestSupport
import Testing

/// The committed editor schema is what `pedregal schema` prints, and it
/// accepts and rejects what the loader accepts and rejects.
@Suite struct EditorSchemaTests {
    static let committed = Paths.packageRoot.appendingPathComponent("schemas/team.schema.json")

    @Test func committedSchemaIsCurrent() throws {
        let current = EditorSchema.team
        if Golden.recording { try Data(current.utf8).write(to: Self.committed) }
        #expect(
            try String(contentsOf: Self.committed, encoding: .utf8) == current,
            "schemas/team.schema.json is stale: run `swift run pedregal schema > schemas/team.schema.json`")
    }

    @Test func everyObjectOfTheFormatIsDescribed() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(EditorSchema.team.utf8)) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: [String: Any]])
        let objects = [
            FormatSchema.teamEnvironment, FormatSchema.owners, FormatSchema.network, FormatSchema.networkPeer,
            FormatSchema.sparkConnect, FormatSchema.job, FormatSchema.quota, FormatSchema.driver, FormatSchema.executor,
            FormatSchema.sizing, FormatSchema.countRange, FormatSchema.memoryRange,
        ]
        for object in [FormatSchema.team] + objects {
            let definition = object.name == "Team" ? schema : try #require(definitions[object.name], "\(object.name)")
            let properties = try #require(definition["properties"] as? [String: [String: Any]])
            #expect(Set(properties.keys) == Set(object.keys), "\(object.name)")
            #expect(Set(definition["required"] as? [String] ?? []) == Set(object.fields.filter(\.required).map(\.name)), "\(object.name)")
            #expect(definition["additionalProperties"] as? Bool == false)
            #expect(properties.values.allSatisfy { ($0["description"] as? String)?.isEmpty == false }, "\(object.name)")
        }
    }

    /// The repository's team files load without a problem. That they also
    /// pass the schema, checked by Python's jsonschema (an independent
    /// implementation), is `.ci/check-editor-schema`, which `.ci/run` runs:
    /// `swift test` needs nothing but Swift.
    @Test func theRepositorysTeamFilesLoad() throws {
        let loaded = Compiler().compile(DiskSourceTree(root: Paths.packageRoot))
        #expect(!loaded.hasErrors, "\(loaded.diagnostics)")
    }
}
