/// Kubernetes and DNS naming rules, with the reason a name breaks them.
public enum NameRules {
    /// Why `name` is not a DNS-1123 label (lowercase alphanumerics and '-',
    /// alphanumeric at both ends, at most 63), or nil when it is one.
    public static func dns1123LabelProblem(_ name: String, maxLength: Int = 63) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > maxLength { return "it is \(name.utf8.count) characters long; the limit is \(maxLength)" }
        if let bad = name.unicodeScalars.first(where: { !isLowerAlnum($0) && $0 != "-" }) {
            if ("A"..."Z").contains(bad) { return "it contains uppercase '\(bad)'; use lowercase letters" }
            return "it contains '\(bad)'; use lowercase letters, digits and '-'"
        }
        if name.hasPrefix("-") || name.hasSuffix("-") { return "it must start and end with a letter or digit" }
        return nil
    }

    /// Like `dns1123LabelProblem`, and it must start with a letter (DNS-1035),
    /// as Service and SparkApplication names must.
    public static func dns1035LabelProblem(_ name: String, maxLength: Int = 63) -> String? {
        if let problem = dns1123LabelProblem(name, maxLength: maxLength) { return problem }
        if let first = name.unicodeScalars.first, !("a"..."z").contains(first) { return "it must start with a letter" }
        return nil
    }

    /// Why `name` is not a DNS-1123 subdomain (what most object names, a
    /// Secret's among them, must be), or nil.
    static func dns1123SubdomainProblem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > 253 { return "it is \(name.utf8.count) characters long; the limit is 253" }
        if let bad = name.unicodeScalars.first(where: { !isLowerAlnum($0) && $0 != "-" && $0 != "." }) {
            if ("A"..."Z").contains(bad) { return "it contains uppercase '\(bad)'; use lowercase letters" }
            return "it contains '\(bad)'; use lowercase letters, digits, '-' and '.'"
        }
        if !isLowerAlnum(name.unicodeScalars.first!) || !isLowerAlnum(name.unicodeScalars.last!) {
            return "it must start and end with a letter or digit"
        }
        return nil
    }

    /// Why `name` is not a DNS name (dot-separated labels, at most 253), or nil.
    static func hostnameProblem(_ name: String) -> String? {
        if name.utf8.count > 253 { return "it is \(name.utf8.count) characters long; the limit is 253" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = dns1123LabelProblem(String(label)) {
                return label.isEmpty ? "it has an empty label" : "label '\(label)': \(problem)"
            }
        }
        return nil
    }

    private static func isLowerAlnum(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("0"..."9").contains(s)
    }
}
