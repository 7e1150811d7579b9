import PedregalAuth

/// Per client connection: the last verified token, so a connection that
/// sends the same bearer token on every call pays for one verification.
final class ClientConnectionState {
    var lastToken: String?
    var lastIdentity: VerifiedIdentity?
    let peer: String

    init(peer: String) {
        self.peer = peer
    }
}
