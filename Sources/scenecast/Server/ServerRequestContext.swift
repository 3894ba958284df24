import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of `scenecast serve`'s router: WebSocket upgrades (`/signal`) and
/// the client's address, taken from the connection when the request arrives. A join
/// records that address (the TCP peer: behind a reverse proxy, the proxy's) in the audit
/// identity.
struct ServerRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let remoteAddress: SocketAddress?
    /// Closes the TCP connection at once. A WebSocket close is a frame written behind
    /// everything queued, so it never reaches a peer that stopped reading; this does.
    let closeConnection: @Sendable () -> Void

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
        closeConnection = { [channel = source.channel] in channel.close(promise: nil) }
    }

    /// The client's IP address as text (`127.0.0.1`, `::1`); nil over a Unix socket.
    var remoteIP: String? { remoteAddress?.ipAddress }
}
