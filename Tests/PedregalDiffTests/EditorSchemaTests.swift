import Foundation
import PedregalCompiler
import PedregalTestSupport
import Testing

/// The committed editor schema is what `pedregal schema` prints, and it
/// accepts and rejects what the loader accepts and rejects.
@Suite struct EditorSchemaTests {
    static let committed = Paths.packageRoot.appendingPathComponent("schemas/team.schema.json")

    @Test func committedSchemaIsCurrent() throws {
        let current = EditorSchema.team
        if Golden.recording { try Data(current.utf8).write(to: Self.committed) }
        #expect(try String(contentsOf: Self.committed, encoding: .utf8) == current,
                "schemas/team.schema.json is stale: run `swift run pedregal schema > schemas/team.schema.json`")
    }

    @Test func everyObjectOfTheFormatIsDescribed() throws {
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(EditorSchema.team.utf8)) as? [String: Any])
        let definitions = try #require(schema["$defs"] as? [String: [String: Any]])
        let objects = [FormatSchema.teamEnvironment, FormatSchema.owners, FormatSchema.network, FormatSchema.networkPeer,
                       FormatSchema.sparkConnect, FormatSchema.job, FormatSchema.quota, FormatSchema.driver, FormatSchema.executor]
        for object in [FormatSchema.team] + objects {
            let definition = object.name == "Team" ? schema : try #require(definitions[object.name], "\(object.name)")
            let properties = try #require(definition["properties"] as? [String: [String: Any]])
            #expect(Set(properties.keys) == Set(object.keys), "\(object.name)")
            #expect(Set(definition["required"] as? [String] ?? []) == Set(object.fields.filter(\.required).map(\.name)), "\(object.name)")
            #expect(definition["additionalProperties"] as? Bool == false)
            #expect(properties.values.allSatisfy { ($0["description"] as? String)?.isEmpty == false }, "\(object.name)")
        }
    }

    /// Documents the loader accepts validate against the schema (checked
    /// with Python's jsonschema, an independent implementation), and an
    /// unknown key the loader rejects fails there too.
    @Test func schemaAgreesWithTheLoader() throws {
        let folder = try Paths.temporaryDirectory()
        let valid = Paths.packageRoot.appendingPathComponent("teams")
        let invalid = folder.appendingPathComponent("invalid.yaml")
        try Data("team: alpha\nowners: { admins: [a] }\nenvironments: { dev: { regions: [us-west-2], sise: small } }\n".utf8).write(to: invalid)
        let script = """
            import json, sys, glob, yaml, jsonschema
            class Loader(yaml.SafeLoader): pass
            Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:timestamp'] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            for path in sorted(glob.glob(sys.argv[2] + '/*.yaml')) + [sys.argv[3]]:
                errors = list(validator.iter_errors(yaml.load(open(path), Loader=Loader)))
                print(path.split('/')[-1], 'invalid' if errors else 'valid')
            """
        let result = Shell.run(["python3", "-c", script, Self.committed.path, valid.path, invalid.path])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.last == "invalid.yaml invalid")
        #expect(lines.dropLast().allSatisfy { $0.hasSuffix(" valid") }, "\(result.stdout)")
        #expect(lines.count >= 4)
        let loaded = Compiler().compile(DiskSourceTree(root: Paths.packageRoot))
        #expect(!loaded.hasErrors)
    }
}
