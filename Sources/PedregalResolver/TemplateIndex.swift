import PedregalDiagnostics
import PedregalSpec

/// The templates, checked and indexed by name, as team resolution needs them.
/// Entries that failed a check are present but `nil`, so a team naming them
/// is not told the name is unknown (the template error says what is wrong).
struct TemplateIndex: Sendable {
    var settings: PlatformSettings?
    var platformTemplate: PlatformTemplate
    var environments: [String: EnvironmentTemplate] = [:]
    var environmentNames: [String] = []
    var regions: [String: ResolvedRegion?] = [:]
    var regionTemplates: [String: RegionTemplate] = [:]
    var regionNames: [String] = []
    var sizes: [String: SizeTemplate] = [:]
    var sizeNames: [String] = []
    var catalogs: [String: CatalogTemplate] = [:]
    var catalogNames: [String] = []
    var engines: [String: ResolvedEngine?] = [:]
    var engineNames: [String] = []
    var defaultEngine: ResolvedEngine?
    /// Where the default engine is named, for notes.
    var defaultEngineLocation: SourceLocation?
    /// Template files that could not be read or parsed (`templates/sizes.yaml`):
    /// references into them are not reported again for every team.
    var brokenTemplates: Set<String> = []
    /// Template values that passed their checks; names built from the others
    /// are not checked again in every team.
    var validAbbrevs: Set<String> = []
    var validDNSSuffixes: Set<String> = []
    var validAliases: Set<String> = []
    var domainIsValid = false
    var prefixIsValid = false

    init(platformTemplate: PlatformTemplate) {
        self.platformTemplate = platformTemplate
    }
}
