import NIOCore
import NIOHPACK
import PedregalAuth

/// What the states of a call hold, and what the machine tells its handler to do.
extension CallStateMachine {
    /// A call whose headers were accepted. A class, and immutable: every state
    /// from `authenticating` on holds it, and each change of state moved a copy
    /// of the route (a dozen strings and lists) and the headers, a retain and a
    /// release per field, several times per call; now it moves one reference.
    final class Request: Equatable {
        let route: LoadedRoute
        let method: SparkConnectMethod
        let authority: String
        /// What is sent to the server: no token, no hop-by-hop fields.
        let forwardedHeaders: HPACKHeaders

        init(route: LoadedRoute, method: SparkConnectMethod, authority: String, forwardedHeaders: HPACKHeaders) {
            self.route = route
            self.method = method
            self.authority = authority
            self.forwardedHeaders = forwardedHeaders
        }

        static func == (left: Request, right: Request) -> Bool {
            left === right
                || (left.route == right.route && left.method == right.method && left.authority == right.authority
                    && left.forwardedHeaders == right.forwardedHeaders)
        }
    }

    /// A frame that arrived while the token was being verified.
    enum HeldFrame: Equatable {
        case data(ByteBuffer, endStream: Bool)
        case trailers
    }

    /// An authorized call reading its request.
    struct Call {
        var request: Request
        var identity: VerifiedIdentity
        var reader: GRPCMessageReader
        /// Rewritten messages not yet sent to the server.
        var pending: [[UInt8]] = []
        var pendingBytes = 0
        /// What the first message said about the session.
        var facts: RequestFacts?
        /// The client ended its request.
        var requestEnded = false
    }

    /// Where a call goes.
    struct Placed: Equatable, Sendable {
        var server: ServerAddress
        /// The call opened its session there (a failure to get there may forget it).
        var opensSession: Bool
        /// The call counts against the route's executions until it ends.
        var countsExecution: Bool
    }

    /// A call whose server stream is open.
    struct Exchange {
        var requestEndForwarded = false
        var responseStarted = false
        var responseEnded = false
    }

    /// How a call ended: what the handler must answer, undo and record.
    struct Ending: Equatable {
        var outcome: GatewayRefusal
        /// The host the client asked for (its `:authority` without the port).
        var host = ""
        /// Answer the client with `outcome`.
        var tellClient: Bool
        /// Response headers went out, so the answer is trailers.
        var responseStarted = false
        var route: LoadedRoute?
        var method: SparkConnectMethod?
        var subject: String?
        var sessionID: String?
        var placed: Placed?
        /// The server stream is open and has not ended both ways: close it.
        var closeServerStream = false
        /// The call opened its session and never reached the server: forget the placement.
        var abandonsSession = false
        /// A `ReleaseSession` the server answered OK: forget the session.
        var releasesSession = false
    }

    /// What to do with request bytes.
    enum DataAction: Equatable {
        case none
        /// The first message named the session: place it.
        case place(RequestFacts)
        /// Send these messages to the server, and end the request when `end`.
        case forward([[UInt8]], end: Bool)
        case finish(Ending)
    }

    /// What to do with a placement.
    enum PlacedAction: Equatable {
        /// Open a stream to the server.
        case connect(ServerAddress)
        /// The call ended meanwhile: undo what the placement took.
        case abandon(Placed, route: LoadedRoute, sessionID: String, subject: String)
    }

    /// What to do once the server stream is open.
    enum OpenedAction: Equatable {
        /// Send the headers and these messages, and end the request when `end`.
        case start(HPACKHeaders, [[UInt8]], end: Bool)
        /// The call ended meanwhile: close the server stream.
        case close
    }

    /// What to do with a response frame.
    enum ResponseAction: Equatable {
        case write
        /// Write it: it ends the call.
        case writeAndEnd(Ending)
        case drop
    }
}
