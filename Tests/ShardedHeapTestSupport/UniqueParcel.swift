import ShardedHeap

/// Hands one `UniqueBuffer` to another task (tests only; one thread at a time).
public final class UniqueParcel {
    private var buffer: UniqueBuffer?

    public init(_ buffer: consuming UniqueBuffer) { self.buffer = .some(buffer) }

    /// Takes the buffer out; traps when it was taken already.
    public func take() -> UniqueBuffer { buffer.take()! }
}

// @unchecked: the test hands the parcel over and waits; one thread touches it at a time.
extension UniqueParcel: @unchecked Sendable {}
