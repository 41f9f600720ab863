#if NIO
import NIOCore
import ShardedHeap

/// An event loop whose thread a shard adopted: the shard's work is handed to it.
final class EventLoopHost: HostedRunLoop {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func execute(_ work: @escaping @Sendable () -> Void) {
        loop.execute(work)
    }

    func execute(after delay: Duration, _ work: @escaping @Sendable () -> Void) {
        loop.scheduleTask(in: TimeAmount(delay), work)
    }
}
#endif
