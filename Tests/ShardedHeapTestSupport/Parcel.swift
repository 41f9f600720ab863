/// Hands a value to another task or thread, which drops it there (tests only).
public final class Parcel<Value> {
    public var value: Value?

    public init(_ value: Value) { self.value = value }

    /// Drops the value on the calling thread.
    public func drop() { value = nil }
}

// @unchecked: only one thread touches `value` at a time (the test hands the parcel over, then
// waits for the other side).
extension Parcel: @unchecked Sendable {}
