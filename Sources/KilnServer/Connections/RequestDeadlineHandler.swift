import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Guards one HTTP/1.1 connection: a request whose body has not arrived `requestTimeout` after
/// its head is cut off by closing the connection, and after an answer marked `Connection:
/// close` (a request refused before its body was read) the rest of that body is discarded for
/// a moment, so the client can read the answer, and the connection closes.
///
/// Hummingbird's idle timeout, which counts from the last HTTP part, closes connections that
/// send nothing, or whose head does not arrive.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// How long a discarded body is read before the connection closes.
    static let linger = TimeAmount.seconds(1)

    private let requestTimeout: TimeAmount
    private var deadline: Scheduled<Void>?
    private var closing = false
    private var discarding = false

    init(requestTimeout: TimeAmount) {
        self.requestTimeout = requestTimeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !discarding else { return }
        switch unwrapInboundIn(data) {
        case .head:
            deadline?.cancel()
            let channel = context.channel
            deadline = context.eventLoop.scheduleTask(in: requestTimeout) { channel.close(promise: nil) }
        case .body:
            break
        case .end:
            deadline?.cancel()
            deadline = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head):
            if head.headerFields[.connection] == "close" { closing = true }
            context.write(data, promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            guard closing else { return context.write(data, promise: promise) }
            discarding = true
            deadline?.cancel()
            let channel = context.channel
            context.writeAndFlush(data, promise: promise)
            context.eventLoop.scheduleTask(in: Self.linger) { channel.close(promise: nil) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }
}
