import PedregalBasics
import PedregalCompiler
import PedregalDiagnostics
import PedregalEmitter
import PedregalManifests
import PedregalResolver

/// A team unit as bytes, without its details (the resolved team, the
/// objects and their files stay in the process that made them): what the
/// cache folder keeps for each team file.
enum TeamUnitCoding {
    static func encode(_ unit: TeamUnit, to writer: inout BinaryWriter) {
        writer.write(unit.file)
        writer.write(raw: unit.key.bytes)
        encode(unit.diagnostics, to: &writer)
        encode(unit.outputProblems, to: &writer)
        encode(unit.claims, to: &writer)
        writer.write(unit.isLoaded)
        writer.write(unit.isResolved)
        // Objects of one team share clusters, groups, versions, kinds and
        // namespaces: each distinct string is written once.
        var strings = StringTable()
        let fields = unit.objects.map { object in
            let id = object.address.id
            return [
                strings.index(object.address.cluster), strings.index(id.group), strings.index(id.version), strings.index(id.kind),
                id.namespace.map { strings.index($0) + 1 } ?? 0,
            ]
        }
        writer.write(UInt64(strings.values.count))
        for value in strings.values { writer.write(value) }
        writer.write(UInt64(unit.objects.count))
        for (object, indices) in zip(unit.objects, fields) {
            for index in indices { writer.write(UInt64(index)) }
            writer.write(object.address.id.name)
            object.record.digest.write(to: &writer)
        }
    }

    static func decode(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> TeamUnit {
        let file = try reader.readString()
        guard let key = ContentDigest(stored: try reader.readRaw(32)) else { throw BinaryReader.Malformed(offset: reader.offset) }
        let diagnostics = try decodeDiagnostics(from: &reader)
        let outputProblems = try decodeDiagnostics(from: &reader)
        let claims = try decodeClaims(from: &reader)
        let isLoaded = try reader.readBool()
        let isResolved = try reader.readBool()
        var strings: [String] = []
        for _ in 0..<(try reader.readCount()) { strings.append(try reader.readString()) }
        func string(_ index: UInt64) throws(BinaryReader.Malformed) -> String {
            guard index < UInt64(strings.count) else { throw BinaryReader.Malformed(offset: reader.offset) }
            return strings[Int(index)]
        }
        var objects: [EmittedObject] = []
        for _ in 0..<(try reader.readCount()) {
            let cluster = try string(reader.readUInt64())
            let group = try string(reader.readUInt64())
            let version = try string(reader.readUInt64())
            let kind = try string(reader.readUInt64())
            let namespaceIndex = try reader.readUInt64()
            let namespace = namespaceIndex == 0 ? nil : try string(namespaceIndex - 1)
            let name = try reader.readString()
            guard let digest = ContentDigest(stored: try reader.readRaw(32)) else { throw BinaryReader.Malformed(offset: reader.offset) }
            let id = ResourceID(group: group, version: version, kind: kind, namespace: namespace, name: name)
            objects.append(EmittedObject(address: ObjectAddress(cluster: cluster, id: id), digest: digest))
        }
        return TeamUnit(
            file: file, key: key, diagnostics: diagnostics, outputProblems: outputProblems, claims: claims, isLoaded: isLoaded,
            isResolved: isResolved, objects: objects, details: nil)
    }

    /// Distinct strings, numbered in order of first use.
    private struct StringTable {
        var values: [String] = []
        var numbers: [String: Int] = [:]

        mutating func index(_ value: String) -> Int {
            if let number = numbers[value] { return number }
            numbers[value] = values.count
            values.append(value)
            return values.count - 1
        }
    }

    // MARK: Diagnostics

    private static func encode(_ location: SourceLocation, to writer: inout BinaryWriter) {
        writer.write(location.file)
        writer.write(location.line)
        writer.write(location.column)
    }

    private static func decodeLocation(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> SourceLocation {
        SourceLocation(file: try reader.readString(), line: try reader.readInt(), column: try reader.readInt())
    }

    static func encode(_ diagnostics: [Diagnostic], to writer: inout BinaryWriter) {
        writer.write(UInt64(diagnostics.count))
        for diagnostic in diagnostics {
            writer.write(diagnostic.severity == .error)
            writer.write(diagnostic.code.rawValue)
            writer.write(diagnostic.message)
            encode(diagnostic.location, to: &writer)
            writer.write(UInt64(diagnostic.notes.count))
            for note in diagnostic.notes {
                writer.write(note.message)
                encode(note.location, to: &writer)
            }
        }
    }

    static func decodeDiagnostics(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        for _ in 0..<(try reader.readCount()) {
            let severity: Diagnostic.Severity = try reader.readBool() ? .error : .warning
            let code = DiagnosticCode(rawValue: try reader.readString())
            let message = try reader.readString()
            let location = try decodeLocation(from: &reader)
            var notes: [Diagnostic.Note] = []
            for _ in 0..<(try reader.readCount()) {
                let message = try reader.readString()
                notes.append(Diagnostic.Note(message, at: try decodeLocation(from: &reader)))
            }
            diagnostics.append(Diagnostic(severity, code, message, at: location, notes: notes))
        }
        return diagnostics
    }

    // MARK: Claims

    private static func encode(_ value: Located<String>?, to writer: inout BinaryWriter) {
        writer.write(value?.value)
        if let value { encode(value.location, to: &writer) }
    }

    private static func decodeLocated(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> Located<String>? {
        guard let value = try reader.readOptionalString() else { return nil }
        return Located(value, at: try decodeLocation(from: &reader))
    }

    private static func encode(_ claims: TeamClaims, to writer: inout BinaryWriter) {
        encode(claims.team, to: &writer)
        encode(claims.shortName, to: &writer)
        writer.write(claims.shortNameIsDefault)
        writer.write(UInt64(claims.namespaces.count))
        for claim in claims.namespaces {
            writer.write(claim.cluster)
            writer.write(claim.namespace)
            encode(claim.location, to: &writer)
        }
        writer.write(UInt64(claims.hostnames.count))
        for claim in claims.hostnames {
            writer.write(claim.host)
            encode(claim.location, to: &writer)
            writer.write(claim.cluster)
        }
        writer.write(UInt64(claims.quotas.count))
        for claim in claims.quotas {
            writer.write(claim.region)
            writer.write(claim.cpuMillis)
            writer.write(claim.memoryBytes)
            writer.write(claim.pods)
            encode(claim.location, to: &writer)
            writer.write(claim.label)
        }
    }

    private static func decodeClaims(from reader: inout BinaryReader) throws(BinaryReader.Malformed) -> TeamClaims {
        var claims = TeamClaims()
        claims.team = try decodeLocated(from: &reader)
        claims.shortName = try decodeLocated(from: &reader)
        claims.shortNameIsDefault = try reader.readBool()
        for _ in 0..<(try reader.readCount()) {
            let cluster = try reader.readString()
            let namespace = try reader.readString()
            claims.namespaces.append((cluster, namespace, try decodeLocation(from: &reader)))
        }
        for _ in 0..<(try reader.readCount()) {
            let host = try reader.readString()
            let location = try decodeLocation(from: &reader)
            claims.hostnames.append((host, location, try reader.readString()))
        }
        for _ in 0..<(try reader.readCount()) {
            let region = try reader.readString()
            let cpu = try reader.readInt()
            let memory = try reader.readInt()
            let pods = try reader.readInt()
            let location = try decodeLocation(from: &reader)
            claims.quotas.append((region, cpu, memory, pods, location, try reader.readString()))
        }
        return claims
    }
}
