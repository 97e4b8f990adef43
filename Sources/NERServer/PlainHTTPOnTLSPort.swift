import NIOCore

/// First on a TLS port's connections: a client that speaks plain HTTP there (its first byte a
/// letter, where a TLS client's is 22, a handshake record) is answered 400 in plain HTTP, saying
/// to use https, and the connection closed; a TLS client's bytes go on to the TLS handler, and
/// this handler leaves the pipeline.
final class PlainHTTPOnTLSPort: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let serverName: String

    init(serverName: String) {
        self.serverName = serverName
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self),
              (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        let error = APIError.badRequest("this port speaks TLS: use https://")
        let answer = context.channel.allocator.buffer(string: error.closingResponse(serverName: serverName))
        context.writeAndFlush(NIOAny(answer)).whenComplete { _ in context.close(promise: nil) }
    }
}
