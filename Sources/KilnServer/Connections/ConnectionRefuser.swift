import KilnCore
import NIOCore

/// Answers the first bytes of a connection over the server's bound with `503
/// ServiceUnavailable` (an EC2-style XML error, which every SDK reads as a retryable
/// throttle) and closes it; nothing it receives goes further.
final class ConnectionRefuser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var answered = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let error = CloudError.tooManyConnections
        let body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>\(error.code)</Code>"
            + "<Message>\(error.message)</Message></Error></Errors></Response>"
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/xml;charset=UTF-8\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Retry-After: 1\r\nConnection: close\r\n\r\n"
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + body))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
