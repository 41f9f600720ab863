#if Hummingbird
import Hummingbird

/// Keeps a request's ``RequestMemory`` alive until its response body has been written, which
/// Hummingbird does after every middleware and the handler have returned.
///
/// Values made with the memory as their allocator keep it alive by themselves; this middleware
/// is for response bodies that read raw pointers into the memory. It wraps only the bodies of
/// requests that used their memory (a wrapped body is written in three parts instead of one).
/// If the handler throws, nothing is wrapped: the memory goes with the error.
public struct RequestMemoryMiddleware<Context: RequestMemoryContext>: RouterMiddleware {
    public init() {}

    /// Runs the rest of the chain, then ties the memory to the response body. Hummingbird calls
    /// this for each request.
    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let memory = context.requestMemory
        var response = try await next(request, context)
        guard memory.isUsed else { return response }
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            try await body.write(writer)
            withExtendedLifetime(memory) {}
        }
        return response
    }
}
#endif
