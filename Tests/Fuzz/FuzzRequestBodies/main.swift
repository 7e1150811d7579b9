import Foundation
import FuzzSupport
import PedregalRequests
import PedregalSpec

// What a caller of the Cluster Request API sends: the JSON bodies of create (POST) and extend
// (PATCH), and the cluster id and query values of the URL. The first byte picks the input (modulo 3:
// 0 a create body, 1 an extend body, 2 a cluster id then, after a newline, an expiring_within value).
// Whatever comes in, the answer is a value or a 400/422 problem whose body is JSON.
fuzzMain { input in
    guard let selector = input.first else { return }
    let bytes = Array(input.dropFirst())
    switch selector % 3 {
    case 0:
        do throws(Problem) {
            let request = try CreateClusterRequest(json: bytes)
            fuzzCheck(!request.team.isEmpty && !request.environment.isEmpty && !request.region.isEmpty, "required fields missing")
            if let ttl = request.ttl { fuzzCheck(TimeToLive(parsing: ttl.description) == ttl, "ttl does not round-trip") }
        } catch {
            check(error)
        }
    case 1:
        do throws(Problem) {
            let request = try UpdateClusterRequest(json: bytes)
            fuzzCheck(TimeToLive(parsing: request.ttl.description) == request.ttl, "ttl does not round-trip")
        } catch {
            check(error)
        }
    default:
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        if let id = ClusterID(String(parts[0])) {
            fuzzCheck(id.description == parts[0], "the cluster id does not round-trip")
            fuzzCheck(ClusterID(id.description) == id, "the cluster id does not parse again")
        }
        if parts.count > 1, let ttl = TimeToLive(parsing: String(parts[1])) {
            fuzzCheck(TimeToLive(parsing: ttl.description) == ttl, "the duration does not round-trip")
        }
    }
}

/// A refusal is a client error with a problem+json body that is a JSON object.
func check(_ problem: Problem) {
    fuzzCheck(problem.status == 400 || problem.status == 422, "status \(problem.status) for a bad body")
    let body = Data(problem.json(instance: "/api/v1/spark-connect-clusters").utf8)
    let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
    fuzzCheck(object?["status"] as? Int == problem.status, "the problem body is not JSON: \(problem)")
    for error in problem.errors {
        // Bytes, not Characters: a key may start with a combining mark, which joins the '/' into one Character.
        fuzzCheck(error.pointer.isEmpty || error.pointer.utf8.first == UInt8(ascii: "/"), "not a JSON pointer: \(error.pointer)")
    }
}
