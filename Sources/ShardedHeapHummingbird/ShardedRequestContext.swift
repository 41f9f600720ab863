#if Hummingbird
import Hummingbird
import NIOCore
import ShardedHeapNIO

/// A ready-made request context: the request's ``RequestMemory``, and an allocator for response
/// buffers that serves them from the shard running the handler.
public struct ShardedRequestContext: RequestMemoryContext {
    public var coreContext: CoreRequestContextStorage

    /// The memory of this request, freed when the request is done.
    public let requestMemory: RequestMemory

    /// Where to allocate response buffers: `ByteBufferAllocator.sharded`.
    public var allocator: ByteBufferAllocator { .sharded }

    /// Called by Hummingbird for each request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestMemory = RequestMemory()
    }
}
#endif
