/// The string syntaxes Kubernetes checks: quantities, base64, and the name
/// rules of `k8s.io/apimachinery/pkg/util/validation`. Each returns whether
/// the text is valid; messages live with the callers.
enum ValueFormats {
    /// The grammar of `resource.Quantity` as controller-gen writes it into CRDs.
    static let quantityPattern =
        #"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$"#

    /// `500m`, `2`, `4Gi`, `1.5`, `1e3`: a signed decimal, then nothing, a
    /// binary suffix (`Ki`…`Ei`), a decimal suffix (`n u m k M G T P E`) or an exponent.
    static func isQuantity(_ text: String) -> Bool {
        var text = text
        return text.withUTF8(isQuantity)
    }

    private static func isQuantity(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        func number() -> Bool {
            if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
            var digits = 0
            while i < s.count, isDigit(s[i]) {
                i += 1
                digits += 1
            }
            if i < s.count, s[i] == UInt8(ascii: ".") {
                i += 1
                while i < s.count, isDigit(s[i]) {
                    i += 1
                    digits += 1
                }
            }
            return digits > 0
        }
        guard number() else { return false }
        if i == s.count { return true }
        switch s[i] {
        case UInt8(ascii: "e"), UInt8(ascii: "E"):
            let exa = s[i] == UInt8(ascii: "E")
            i += 1
            // `2E` alone is the decimal suffix exa, `2Ei` the binary one.
            if i == s.count { return exa }
            if exa && s[i] == UInt8(ascii: "i") { return i + 1 == s.count }
            return number() && i == s.count
        case UInt8(ascii: "K"), UInt8(ascii: "M"), UInt8(ascii: "G"), UInt8(ascii: "T"), UInt8(ascii: "P"):
            i += 1
            if i < s.count, s[i] == UInt8(ascii: "i") { i += 1 }
            return i == s.count
        case UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "m"), UInt8(ascii: "k"):
            return i + 1 == s.count
        default:
            return false
        }
    }

    /// Standard base64 with padding, as Go's `encoding/base64.StdEncoding` reads `[]byte` fields.
    static func isBase64(_ text: String) -> Bool {
        let s = Array(text.utf8)
        guard s.count % 4 == 0 else { return false }
        var padding = 0
        for (i, c) in s.enumerated() {
            if c == UInt8(ascii: "=") {
                padding += 1
                guard i >= s.count - 2 else { return false }
                continue
            }
            guard padding == 0 else { return false }
            let alphanumeric = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isDigit(c)
            guard alphanumeric || c == UInt8(ascii: "+") || c == UInt8(ascii: "/") else { return false }
        }
        return true
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private static func isLowerAlphanumeric(_ c: UInt8) -> Bool { isDigit(c) || (c >= 97 && c <= 122) }
    private static func isAlphanumeric(_ c: UInt8) -> Bool { isLowerAlphanumeric(c) || (c >= 65 && c <= 90) }

    // The checks below run on every label of every object: they read the
    // UTF-8 bytes in place and allocate nothing.

    /// Whether `bytes` is one DNS-1123 label (without the length limit).
    private static func isLabel<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, isLowerAlphanumeric(first) else { return false }
        var last = first
        for c in bytes {
            guard isLowerAlphanumeric(c) || c == UInt8(ascii: "-") else { return false }
            last = c
        }
        return isLowerAlphanumeric(last)
    }

    /// DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
    static func isDNS1123Label(_ text: String) -> Bool {
        text.utf8.count <= 63 && isLabel(text.utf8)
    }

    /// DNS-1035 label: a DNS-1123 label that starts with a letter.
    static func isDNS1035Label(_ text: String) -> Bool {
        guard let first = text.utf8.first, first >= 97 && first <= 122 else { return false }
        return isDNS1123Label(text)
    }

    /// DNS-1123 subdomain: dot-separated DNS-1123 labels, at most 253 characters.
    static func isDNS1123Subdomain(_ text: String) -> Bool {
        isSubdomain(text.utf8)
    }

    /// Dot-separated labels; with `anyCase`, upper-case letters count as
    /// lower-case (annotation key prefixes are checked lower-cased).
    private static func isSubdomain<C: Collection>(_ bytes: C, anyCase: Bool = false) -> Bool where C.Element == UInt8 {
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var previous = UInt8(ascii: ".")
        for c in bytes {
            let c = anyCase && c >= 65 && c <= 90 ? c + 32 : c
            if c == UInt8(ascii: ".") {
                guard isLowerAlphanumeric(previous) else { return false }
            } else if c == UInt8(ascii: "-") {
                guard previous != UInt8(ascii: ".") else { return false }
            } else if !isLowerAlphanumeric(c) {
                return false
            }
            previous = c
        }
        return isLowerAlphanumeric(previous)
    }

    /// What RBAC and embedded objects accept as a name: not `.` or `..`, no `/` or `%`.
    static func isPathSegmentName(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && !text.utf8.contains(UInt8(ascii: "/"))
            && !text.utf8.contains(UInt8(ascii: "%"))
    }

    /// The name part of a label key or a label value: at most 63 characters,
    /// alphanumerics with `-`, `_`, `.` inside.
    private static func isNamePart<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        guard let first = bytes.first, isAlphanumeric(first), bytes.count <= 63 else { return false }
        var last = first
        for c in bytes {
            guard isAlphanumeric(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") else {
                return false
            }
            last = c
        }
        return isAlphanumeric(last)
    }

    /// A label or annotation key: `[prefix/]name`, the prefix a DNS-1123
    /// subdomain (in any case for annotations, which Kubernetes lower-cases first).
    static func isQualifiedName(_ text: String, anyCasePrefix: Bool = false) -> Bool {
        let bytes = text.utf8
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return isNamePart(bytes) }
        return isSubdomain(bytes[..<slash], anyCase: anyCasePrefix) && isNamePart(bytes[bytes.index(after: slash)...])
    }

    /// A label value: empty, or a qualified name part.
    static func isLabelValue(_ text: String) -> Bool {
        text.isEmpty || isNamePart(text.utf8)
    }

    /// A ConfigMap or Secret key: `[-._a-zA-Z0-9]+`, at most 253 characters, not `.` or `..`.
    static func isConfigMapKey(_ text: String) -> Bool {
        let bytes = text.utf8
        guard !bytes.isEmpty, bytes.count <= 253, text != ".", text != ".." else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
