import AsyncHTTPClient
import Foundation
import NIOCore
import PedregalBasics

/// Where an issuer's JWKS comes from: a local file (mounted from a Secret or
/// ConfigMap) or an HTTPS URL (the issuer's `jwks_uri`).
public enum KeySource: Sendable, CustomStringConvertible {
    case file(String)
    case url(String)

    /// `https://…` and `http://…` are URLs; anything else is a path.
    public init(parsing text: String) {
        self = text.hasPrefix("https://") || text.hasPrefix("http://") ? .url(text) : .file(text)
    }

    public var description: String {
        switch self {
        case .file(let path): return "file '\(path)'"
        case .url(let url): return "URL '\(url)'"
        }
    }

    /// Largest JWKS document accepted.
    static let maxBytes = 1 << 20

    /// Reads the document once.
    func fetch() async throws(AuthError) -> JSONWebKeySet {
        let bytes: [UInt8]
        switch self {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .keysUnavailable("cannot read \(description)")
            }
            guard data.count <= Self.maxBytes else { throw .keysUnavailable("\(description) is larger than 1 MiB") }
            bytes = Array(data)
        case .url(let url):
            do {
                var request = HTTPClientRequest(url: url)
                request.headers.add(name: "Accept", value: "application/json")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                guard response.status == .ok else {
                    throw AuthError.keysUnavailable("\(description) answered HTTP \(response.status.code)")
                }
                bytes = Array(buffer: try await response.body.collect(upTo: Self.maxBytes))
            } catch let error as AuthError {
                throw error
            } catch {
                throw .keysUnavailable("\(description): \(error)")
            }
        }
        return try JSONWebKeySet(json: bytes)
    }
}

/// The current key set of an issuer, refreshed periodically and on demand
/// when a token names a key it does not hold (key rotation). Until the first
/// successful load every token is refused with `keysUnavailable`; after it,
/// a failed refresh keeps the last good set.
public final class KeyStore: Sendable {
    /// Where the keys come from.
    public let source: KeySource
    /// How often the keys are re-read.
    public let refreshInterval: Duration
    /// An unknown `kid` triggers at most one refresh per this interval, so
    /// forged `kid`s cannot hammer the issuer.
    public let minimumRefreshGap: Duration

    private struct State {
        var keys: JSONWebKeySet?
        var lastError: AuthError?
        var lastAttempt: ContinuousClock.Instant?
        var inFlight: Task<Void, Never>?
    }

    private let state = Locked(State())

    /// Creates a store; call `refresh()` (or `run()`) to load it.
    public init(source: KeySource, refreshInterval: Duration = .seconds(300), minimumRefreshGap: Duration = .seconds(10)) {
        self.source = source
        self.refreshInterval = refreshInterval
        self.minimumRefreshGap = minimumRefreshGap
    }

    /// Creates a store holding `keys` (tests, or keys known up front).
    public convenience init(keys: JSONWebKeySet) {
        self.init(source: .file("/dev/null"))
        state.withLock { $0.keys = keys }
    }

    /// The keys, or why there are none.
    public func current() throws(AuthError) -> JSONWebKeySet {
        let (keys, error) = state.withLock { ($0.keys, $0.lastError) }
        if let keys { return keys }
        throw error ?? .keysUnavailable("the key set of \(source) has not been loaded yet")
    }

    /// Whether a key set is loaded.
    public var isLoaded: Bool { state.withLock { $0.keys != nil } }

    /// Loads the keys now; throws when this attempt fails (the previous set stays).
    public func refresh() async throws(AuthError) {
        state.withLock { $0.lastAttempt = .now }
        do {
            let keys = try await source.fetch()
            state.withLock {
                $0.keys = keys
                $0.lastError = nil
            }
        } catch {
            state.withLock { $0.lastError = error }
            throw error
        }
    }

    /// Refreshes unless a refresh ran within `minimumRefreshGap`; concurrent
    /// callers share one fetch.
    public func refreshSoon() async {
        let task: Task<Void, Never>? = state.withLock { state in
            if let running = state.inFlight { return running }
            if let last = state.lastAttempt, ContinuousClock.now - last < minimumRefreshGap { return nil }
            let task = Task<Void, Never> { _ = try? await self.refresh() }
            state.inFlight = task
            return task
        }
        await task?.value
        state.withLock { $0.inFlight = nil }
    }

    /// Refreshes every `refreshInterval` until cancelled.
    public func run() async {
        while !Task.isCancelled {
            try? await refresh()
            try? await Task.sleep(for: refreshInterval)
        }
    }
}
