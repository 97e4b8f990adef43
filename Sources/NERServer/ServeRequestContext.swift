import Hummingbird
import NIOCore

/// Hummingbird's per-request context plus the connection's channel, whose event loop runs the
/// request's timeout timer.
struct ServeRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
