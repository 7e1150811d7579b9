import CYAML
import PedregalDiagnostics

/// Reads one YAML document through libyaml's event parser into a `YAMLNode`
/// tree, reporting every problem as a diagnostic with file:line:column.
///
/// Defences against hostile input live here, before any tree is walked:
/// invalid UTF-8 is located precisely, nesting depth is bounded, and aliases
/// are charged the size of what they expand to, so a "billion laughs"
/// document is refused after a few thousand events, in constant memory.
public struct YAMLParser: Sendable {
    /// Bounds on what one document may cost.
    public struct Limits: Sendable {
        /// Largest file accepted, in bytes.
        public var maxBytes: Int
        /// Deepest nesting of lists and mappings.
        public var maxDepth: Int
        /// Most nodes the document may expand to, aliases counted at full size.
        public var maxNodes: Int

        /// Creates limits.
        public init(maxBytes: Int, maxDepth: Int, maxNodes: Int) {
            self.maxBytes = maxBytes
            self.maxDepth = maxDepth
            self.maxNodes = maxNodes
        }

        /// Generous for hand-written team files, tiny next to an alias bomb.
        public static let standard = Limits(maxBytes: 8 << 20, maxDepth: 64, maxNodes: 1_000_000)
    }

    /// The outcome of parsing a file.
    public struct Result: Sendable {
        /// The documents read (all of them for multi-document streams); empty
        /// when the file holds none or could not be parsed.
        public var documents: [YAMLNode]
        /// Problems found; a syntax error ends parsing, duplicate keys do not.
        public var diagnostics: [Diagnostic]
    }

    /// The limits applied.
    public var limits: Limits

    /// Creates a parser.
    public init(limits: Limits = .standard) {
        self.limits = limits
    }

    /// Parses `bytes`, the content of `file` (a root-relative path used in
    /// locations).
    public func parse(_ bytes: [UInt8], file: String) -> Result {
        if bytes.count > limits.maxBytes {
            return Result(
                documents: [],
                diagnostics: [
                    .error(
                        .fileTooLarge, "file is \(bytes.count) bytes; the limit is \(limits.maxBytes) bytes",
                        at: .startOf(file))
                ])
        }
        // A UTF-8 byte-order mark is allowed and invisible; libyaml, told the
        // encoding, would read it as content.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        if let offset = UTF8Validation.firstInvalidOffset(bytes) {
            let position = TextPosition.of(offset: offset, in: bytes)
            return Result(
                documents: [],
                diagnostics: [
                    .error(
                        .invalidUTF8, "invalid UTF-8 byte 0x\(String(bytes[offset], radix: 16, uppercase: true)); save the file as UTF-8",
                        at: SourceLocation(file: file, line: position.line, column: position.column))
                ])
        }
        var builder = TreeBuilder(file: file, limits: limits)
        bytes.withUnsafeBufferPointer { buffer in
            builder.run(buffer, source: bytes)
        }
        return Result(documents: builder.documents, diagnostics: builder.diagnostics)
    }
}

/// Turns libyaml events into nodes with an explicit stack (no recursion, so
/// depth is bounded by `maxDepth`, not by the thread's stack).
private struct TreeBuilder {
    /// An open list or mapping. Frames are mutated in place on the stack
    /// (`stack[top].items.append`): copying them out and back would copy the
    /// arrays and make long lists quadratic.
    private struct Frame {
        var isMapping: Bool
        var location: SourceLocation
        var anchor: String?
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: (String, SourceLocation)?
        var firstSeen: [String: SourceLocation] = [:]
        var weight = 1
    }

    let file: String
    let limits: YAMLParser.Limits
    var documents: [YAMLNode] = []
    var diagnostics: [Diagnostic] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: YAMLNode, weight: Int)] = [:]
    private var totalWeight = 0
    private var failed = false

    init(file: String, limits: YAMLParser.Limits) {
        self.file = file
        self.limits = limits
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
        guard let pointer else { return nil }
        var count = length ?? 0
        if length == nil { while pointer[count] != 0 { count += 1 } }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
    }

    mutating func run(_ buffer: UnsafeBufferPointer<UInt8>, source: [UInt8]) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            fail(.yamlSyntax, "out of memory while starting the YAML parser", at: .startOf(file))
            return
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        var event = yaml_event_t()
        while !failed {
            guard yaml_parser_parse(&parser, &event) == 1 else {
                reportParserError(parser, source: source)
                return
            }
            let done = event.type == YAML_STREAM_END_EVENT
            handle(&event)
            yaml_event_delete(&event)
            if done { return }
        }
    }

    private mutating func fail(_ code: DiagnosticCode, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(code, message, at: location))
        failed = true
        documents = []
    }

    private mutating func reportParserError(_ parser: yaml_parser_t, source: [UInt8]) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        var place: SourceLocation
        if parser.error == YAML_READER_ERROR {
            let position = TextPosition.of(offset: min(Int(parser.problem_offset), source.count), in: source)
            place = SourceLocation(file: file, line: position.line, column: position.column)
        } else {
            place = location(parser.problem_mark)
        }
        var message = "invalid YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " (\(context) that starts at line \(Int(parser.context_mark.line) + 1))"
        }
        message += Self.hint(problem: problem, at: Int(parser.problem_mark.index), in: source)
        fail(.yamlSyntax, message, at: place)
    }

    /// Advice for the mistakes people actually make in hand-written YAML.
    private static func hint(problem: String, at index: Int, in source: [UInt8]) -> String {
        if index < source.count, source[index] == UInt8(ascii: "\t") {
            return "; indent with spaces, YAML does not allow tabs here"
        }
        if problem.contains("mapping values are not allowed") {
            return "; a value that contains ': ' must be quoted"
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "; check the indentation of this line against the lines above it"
        }
        if problem.contains("found undefined alias") {
            return "; define the anchor (&name) before using it"
        }
        return ""
    }

    private mutating func handle(_ event: inout yaml_event_t) {
        let here = location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            stack = []
            anchors = [:]
            totalWeight = 0
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = string(data.value, length: Int(data.length)) ?? ""
            let tag = string(data.tag)
            guard let forceString = checkTag(tag, at: here) else { return }
            let style: YAMLScalar.Style
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            guard charge(1, at: here) else { return }
            let node = YAMLNode(
                .scalar(YAMLScalar(text: text, style: style, forceString: forceString)), at: here,
                end: location(event.end_mark))
            add(node, weight: 1, anchor: string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor) ?? ""
            guard let target = anchors[name] else {
                fail(.yamlSyntax, "invalid YAML: alias '*\(name)' names no anchor defined before it", at: here)
                return
            }
            // The alias is charged everything it expands to: that is what a
            // reader of the tree will walk.
            guard charge(target.weight, at: here, alias: name) else { return }
            var node = target.node
            node.location = here
            node.end = location(event.end_mark)
            add(node, weight: target.weight, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            guard checkTag(string(event.data.sequence_start.tag), at: here) != nil, push(at: here) else { return }
            stack.append(Frame(isMapping: false, location: here, anchor: string(event.data.sequence_start.anchor)))
        case YAML_MAPPING_START_EVENT:
            guard checkTag(string(event.data.mapping_start.tag), at: here) != nil, push(at: here) else { return }
            stack.append(Frame(isMapping: true, location: here, anchor: string(event.data.mapping_start.anchor)))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return }
            let node = YAMLNode(
                frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items), at: frame.location,
                end: location(event.end_mark))
            add(node, weight: frame.weight, anchor: frame.anchor)
        default:
            break
        }
    }

    private mutating func push(at location: SourceLocation) -> Bool {
        guard charge(1, at: location) else { return false }
        if stack.count >= limits.maxDepth {
            fail(.tooDeep, "lists and mappings are nested more than \(limits.maxDepth) levels deep", at: location)
            return false
        }
        return true
    }

    /// `nil` (after reporting) for tags pedregal does not accept; otherwise
    /// whether the tag forces a string.
    private mutating func checkTag(_ tag: String?, at location: SourceLocation) -> Bool? {
        guard let tag else { return false }
        switch tag {
        case "!", "tag:yaml.org,2002:str": return true
        case "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq":
            return false
        default:
            diagnostics.append(
                .error(
                    .unsupportedYAML, "YAML tag '\(tag)' is not supported; remove it", at: location))
            return false
        }
    }

    /// Charges `weight` nodes to the document; false (after reporting) when
    /// that passes the limit.
    private mutating func charge(_ weight: Int, at location: SourceLocation, alias: String? = nil) -> Bool {
        totalWeight += weight
        guard totalWeight > limits.maxNodes else { return true }
        if let alias {
            fail(
                .aliasBomb,
                "alias '*\(alias)' expands the document beyond \(limits.maxNodes) nodes; "
                    + "this looks like an alias bomb, write the values out instead", at: location)
        } else {
            fail(.fileTooLarge, "the document has more than \(limits.maxNodes) nodes", at: location)
        }
        return false
    }

    private mutating func add(_ node: YAMLNode, weight: Int, anchor: String?) {
        if let anchor { anchors[anchor] = (node, weight) }
        guard !stack.isEmpty else {
            documents.append(node)
            return
        }
        let top = stack.count - 1
        stack[top].weight += weight
        guard stack[top].isMapping else {
            stack[top].items.append(node)
            return
        }
        if let (key, keyLocation) = stack[top].pendingKey {
            stack[top].pairs.append(YAMLPair(key: key, keyLocation: keyLocation, value: node))
            stack[top].pendingKey = nil
            return
        }
        let key: String
        if let scalar = node.scalar {
            key = scalar.text
        } else {
            diagnostics.append(
                .error(
                    .unsupportedYAML, "mapping keys must be plain strings, not \(node.kindDescription)", at: node.location))
            key = "?"
        }
        if let first = stack[top].firstSeen[key] {
            diagnostics.append(
                .error(
                    .duplicateKey, "duplicate key '\(key)' (first defined at line \(first.line)); remove one of them",
                    at: node.location, notes: [.init("'\(key)' first defined here", at: first)]))
        } else {
            stack[top].firstSeen[key] = node.location
        }
        stack[top].pendingKey = (key, node.location)
    }

}
