import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PedregalCompiler
import PedregalResolver
import PedregalSpec

// The routes: each parses what HTTP carries and calls `ClusterRequests`.
extension ServiceState {
    func create(_ call: Call) async throws -> Answer {
        let request = try CreateClusterRequest(json: call.body)
        let answer: @Sendable (ClusterRequests.Outcome) throws -> Answer = {
            Answer(status: $0.created ? .created : .ok, json: try Self.encode($0.view))
        }
        let outcome = try await requests.create(request, by: call.identity, beforePush: Self.hook(call, answer))
        metrics.changed(action: outcome.created ? "create" : "update")
        return try answer(outcome)
    }

    /// The idempotency intent of a call, as the hook a change runs before its push.
    static func hook<T: Sendable>(_ call: Call, _ answer: @escaping @Sendable (T) throws -> Answer) -> BeforePush<T>? {
        guard let intent = call.intent else { return nil }
        return { value, commits in await intent(try answer(value), commits) }
    }

    func list(_ call: Call) async throws -> Answer {
        var errors: [Problem.FieldError] = []
        for key in call.query.keys.sorted() where !["team", "expiring_within"].contains(key) {
            errors.append(.init("", "unknown query parameter '\(key)'; the parameters are team and expiring_within"))
        }
        var within: Int?
        if let text = call.query["expiring_within"] {
            if case .seconds(let seconds)? = TimeToLive(parsing: text) {
                within = seconds
            } else {
                errors.append(.init("", "expiring_within '\(text)' is not a duration; write \(TimeToLive.syntax)"))
            }
        }
        if let team = call.query["team"], NameRules.dns1123LabelProblem(team) != nil {
            errors.append(.init("", "team '\(team)' is not a team name"))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors.map(\.detail).joined(separator: "; "), errors) }
        let views = try await requests.list(team: call.query["team"], expiringWithin: within, by: call.identity)
        return Answer(status: .ok, json: try Self.encode(ClusterList(items: views)))
    }

    func get(_ call: Call) async throws -> Answer {
        Answer(status: .ok, json: try Self.encode(try await requests.get(try Self.id(call), by: call.identity)))
    }

    func update(_ call: Call) async throws -> Answer {
        let id = try Self.id(call)
        let request = try UpdateClusterRequest(json: call.body)
        let answer: @Sendable (ClusterView) throws -> Answer = { Answer(status: .ok, json: try Self.encode($0)) }
        let view = try await requests.update(id, request, by: call.identity, beforePush: Self.hook(call, answer))
        metrics.changed(action: "extend")
        return try answer(view)
    }

    func delete(_ call: Call) async throws -> Answer {
        let answer: @Sendable (ClusterRequests.Deletion) throws -> Answer = {
            Answer(status: $0.status == "pending-review" ? .accepted : .ok, json: try Self.encode($0))
        }
        let deletion = try await requests.delete(try Self.id(call), by: call.identity, beforePush: Self.hook(call, answer))
        metrics.changed(action: "delete")
        return try answer(deletion)
    }

    static func id(_ call: Call) throws -> ClusterID {
        guard let text = call.id, let id = ClusterID(text) else {
            throw Problem.notFound("'\(call.id ?? "")' is not a cluster id; ids look like <team>.<name>, e.g. feature-engineering.dev-us")
        }
        return id
    }
}

/// Logs every request (never its headers: they carry the token), counts it,
/// and turns the router's own errors (no such route) into problem+json.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let state: ServiceState

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        state.metrics.started()
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            let status = Int(error.status.code)
            let problem =
                status == 404
                ? Problem(
                    status: 404, kind: "no-such-route", title: "No such route",
                    detail: "nothing is served at \(request.method) \(request.uri.path); see /openapi.yaml")
                : Problem(
                    status: status, kind: "http-error", title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
            response = state.problem(problem, instance: request.uri.path)
        } catch {
            response = state.problem(
                Problem(status: 500, kind: "internal", title: "Internal error", detail: "an unexpected error happened"),
                instance: request.uri.path)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let route = context.endpointPath ?? "unmatched"
        state.metrics.finished(method: request.method.rawValue, route: route, status: Int(response.status.code), duration: elapsed)
        state.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
                "ms": "\(Int(seconds * 1000))",
            ])
        return response
    }
}
