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

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text (`127.0.0.1`, `::1`); nil over a Unix socket.
    var remoteIP: String? { remoteAddress?.ipAddress }
}
