#if Hummingbird
import Hummingbird
import NIOCore

/// A Hummingbird request context that carries the request's ``RequestMemory``.
///
/// Hummingbird makes a context for every request, so a stored property initialised in
/// `init(source:)` is one memory per request:
///
/// ```swift
/// struct AppContext: RequestMemoryContext {
///     var coreContext: CoreRequestContextStorage
///     let requestMemory = RequestMemory()
///     init(source: ApplicationRequestContextSource) {
///         coreContext = .init(source: source)
///     }
/// }
/// ```
public protocol RequestMemoryContext: RequestContext {
    /// The memory of the request this context belongs to.
    var requestMemory: RequestMemory { get }
}
#endif
